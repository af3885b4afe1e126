// Metadata editor: user_metadata as a form. Typed values, JSON validated as you
// type, add/remove keys, per-key undo, a list of pending changes, save with
// If-Match, and a conflict screen showing both versions. An edit is never lost
// silently: a failed save keeps it on screen, and the draft survives a
// session renewal in sessionStorage. Keys are the user's: the saved metadata,
// the change set and the server's errors by key are Maps, never plain objects.

import { h } from "../dom.js";
import { jsonText, toMap } from "../json-maps.js";
import {
  Row, TYPES, applyChanges, changesOf, hasErrors, keyError, preview, rowsFrom,
} from "../metadata-model.js";
import { t } from "../messages.js";
import { View, alert, empty } from "../ui.js";

class MetadataView extends View {
  title = t("metadata.title");
  intro = t("metadata.intro");

  get draftKey() {
    return `selfserve.metadata-draft.${this.ctx.user.sub || this.ctx.user.user_id || ""}`;
  }

  async load() {
    const { data, etag } = await this.ctx.api.get("/api/me/metadata");
    this.base = toMap(data.user_metadata);
    this.etag = etag;
    this.schema = data.schema || null;
    this.limits = data.limits || {};
    this.rows = rowsFrom(this.base);
    this.notice = null;
    this.conflict = null;
    const draft = this.readDraft();
    if (draft?.changes.size) {
      applyChanges(this.rows, draft.changes);
      if (draft.etag) this.etag = draft.etag; // a stale base still ends in a conflict, not an overwrite
      this.notice = alert("info", t("metadata.restored"));
    }
    return data;
  }

  // ----- draft kept across a sign-in round trip -------------------------------

  /** {etag, changes: Map} as keepDraft stored it, or null. */
  readDraft() {
    let draft;
    try {
      draft = JSON.parse(sessionStorage.getItem(this.draftKey) || "null");
    } catch {
      return null;
    }
    if (!draft || typeof draft !== "object") return null;
    return { etag: draft.etag, changes: toMap(draft.changes) };
  }

  keepDraft() {
    const changes = changesOf(this.rows);
    if (changes.size) {
      sessionStorage.setItem(this.draftKey, jsonText({ etag: this.etag, changes }));
    } else {
      sessionStorage.removeItem(this.draftKey);
    }
  }

  // ----- rendering --------------------------------------------------------------

  render() {
    this.list = h("div", { class: "meta-rows" });
    this.changesList = h("ul", { class: "change-list" });
    this.saveButton = h("button", { type: "submit", class: "button primary" }, t("metadata.save"));
    this.discardButton = h("button", { type: "button", class: "button", onclick: () => this.discard() },
      t("metadata.discard"));
    this.status = h("div", { class: "meta-status" }, this.notice);
    this.conflictBox = h("div", { class: "conflict-box" });

    const form = h("form", { class: "meta-form", novalidate: true, onsubmit: (event) => {
      event.preventDefault();
      this.save();
    } },
    h("section", { class: "card", "aria-labelledby": "meta-values-title" },
      h("h2", { id: "meta-values-title", class: "visually-hidden" }, t("metadata.title")),
      this.list,
      this.addForm()),
    h("section", { class: "card changes", "aria-labelledby": "meta-changes-title" },
      h("h2", { id: "meta-changes-title" }, t("metadata.changes")),
      this.changesList,
      this.limits.max_bytes ? h("p", { class: "muted small" }, t("metadata.limits", { bytes: this.limits.max_bytes })) : null,
      h("div", { class: "actions" }, this.saveButton, this.discardButton)));
    this.renderRows();
    return [this.conflictBox, this.status, form];
  }

  renderRows(focus = null) {
    this.list.replaceChildren(...(this.rows.length
      ? this.rows.map((row) => this.rowElement(row))
      : [empty(t("metadata.empty"))]));
    this.updateSummary();
    if (focus) this.list.querySelector(focus)?.focus();
  }

  rowElement(row) {
    const valueId = `${row.id}-value`;
    const errorId = `${row.id}-error`;
    const typeSelect = h("select", {
      id: `${row.id}-type`, class: "meta-type", disabled: row.removed,
      "aria-label": `${t("metadata.type")}: ${row.key}`,
      onchange: (event) => {
        row.setType(event.target.value);
        this.renderRows(`#${valueId}`);
        this.keepDraft();
      },
    }, TYPES.map((type) => h("option", { value: type, selected: row.type === type }, t(`metadata.type.${type}`))));

    const error = h("p", { id: errorId, class: "field-error", "aria-live": "polite" });
    const onInput = (event) => {
      if (row.type === "boolean") row.bool = event.target.checked;
      else row.text = event.target.value;
      this.updateRow(row, element);
      this.updateSummary();
      this.keepDraft();
    };
    let input;
    if (row.type === "boolean") {
      input = h("label", { class: "check" },
        h("input", { type: "checkbox", id: valueId, checked: row.bool, disabled: row.removed, onchange: onInput }),
        h("span", {}, t("metadata.true")));
    } else if (row.type === "json") {
      input = h("textarea", { id: valueId, class: "meta-value json", rows: String(Math.min(8, row.text.split("\n").length + 1)),
        spellcheck: "false", disabled: row.removed, "aria-describedby": errorId, oninput: onInput }, row.text);
    } else {
      input = h("input", { id: valueId, class: "meta-value", type: "text", value: row.text,
        inputmode: row.type === "number" ? "decimal" : null, disabled: row.removed,
        "aria-describedby": errorId, oninput: onInput });
    }

    const undo = h("button", { type: "button", class: "button subtle small row-undo",
      "aria-label": t("metadata.undoKey", { key: row.key }),
      onclick: () => this.undo(row) }, t("metadata.undo"));
    const remove = h("button", { type: "button", class: "button subtle small danger-text row-remove",
      "aria-label": t("metadata.remove", { key: row.key }),
      onclick: () => this.remove(row) }, t("metadata.removeShort"));

    const element = h("div", { class: "meta-row", "data-key": row.key },
      h("div", { class: "meta-key" },
        row.type === "boolean"
          ? h("span", { class: "key-name", id: `${row.id}-label` }, row.key)
          : h("label", { class: "key-name", for: valueId }, row.key),
        h("span", { class: "row-badge" })),
      h("div", { class: "meta-type-cell" }, typeSelect),
      h("div", { class: "meta-value-cell", role: row.type === "boolean" ? "group" : null,
        "aria-labelledby": row.type === "boolean" ? `${row.id}-label` : null }, input, error),
      h("div", { class: "meta-row-actions" }, undo, remove));
    this.updateRow(row, element);
    return element;
  }

  /** Refresh one row's badge, error and buttons without touching its inputs. */
  updateRow(row, element) {
    const change = row.change();
    const parsed = row.removed ? {} : row.parse();
    element.classList.toggle("removed", row.removed);
    element.classList.toggle("changed", change === "set" || change === "add");
    const badge = element.querySelector(".row-badge");
    badge.textContent = row.removed ? t("metadata.removed") : change === "add" ? t("metadata.badge.new")
      : change === "set" ? t("metadata.badge.changed") : "";
    badge.className = `row-badge${badge.textContent ? " badge" : ""}`;
    const error = element.querySelector(".field-error");
    error.textContent = parsed.error || (this.serverErrors?.get(row.key) ?? "");
    const field = element.querySelector(".meta-value");
    if (field) field.setAttribute("aria-invalid", String(Boolean(error.textContent)));
    const dirty = row.removed || row.isNew || change !== null;
    element.querySelector(".row-undo").hidden = !dirty;
    element.querySelector(".row-remove").hidden = row.removed;
  }

  updateSummary() {
    const changes = changesOf(this.rows);
    const items = this.rows.map((row) => {
      const change = row.change();
      if (change === "remove") return h("li", { class: "change change-remove" }, t("metadata.change.remove", { key: row.key }));
      if (change === "add") return h("li", { class: "change change-add" }, t("metadata.change.add", { key: row.key, value: preview(changes.get(row.key)) }));
      if (change === "set") {
        return h("li", { class: "change change-set" },
          t("metadata.change.set", { key: row.key, from: preview(row.original), value: preview(changes.get(row.key)) }));
      }
      return null;
    }).filter(Boolean);
    this.changesList.replaceChildren(...(items.length ? items : [h("li", { class: "muted" }, t("metadata.noChanges"))]));
    const invalid = hasErrors(this.rows);
    this.saveButton.disabled = this.saving || invalid || !items.length;
    this.discardButton.disabled = this.saving || !this.rows.some((row) => row.removed || row.isNew || row.change() !== null);
  }

  addForm() {
    const keyId = "meta-new-key";
    const typeId = "meta-new-type";
    const errorId = "meta-new-error";
    const suggestions = Object.keys(this.schema?.properties || {}).filter((key) => !this.base.has(key));
    const keyInput = h("input", { id: keyId, type: "text", autocomplete: "off", "aria-describedby": errorId,
      list: suggestions.length ? "meta-key-suggestions" : null });
    const typeSelect = h("select", { id: typeId }, TYPES.map((type) => h("option", { value: type }, t(`metadata.type.${type}`))));
    const error = h("p", { id: errorId, class: "field-error", "aria-live": "polite" });
    const add = () => {
      const key = keyInput.value.trim();
      const problem = keyError(key, this.rows.map((row) => row.key));
      error.textContent = problem || "";
      keyInput.setAttribute("aria-invalid", String(Boolean(problem)));
      if (problem) {
        keyInput.focus();
        return;
      }
      const row = new Row(key, undefined, { isNew: true, type: typeSelect.value });
      if (row.type === "json") row.text = "{}";
      if (row.type === "number") row.text = "0";
      this.rows.push(row);
      keyInput.value = "";
      this.renderRows(`#${row.id}-value`);
      this.keepDraft();
    };
    keyInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        add();
      }
    });
    return h("fieldset", { class: "meta-add" },
      h("legend", {}, t("metadata.add")),
      h("div", { class: "meta-add-fields" },
        h("div", { class: "field" }, h("label", { for: keyId }, t("metadata.newKey")), keyInput),
        h("div", { class: "field" }, h("label", { for: typeId }, t("metadata.type")), typeSelect),
        h("button", { type: "button", class: "button", onclick: add }, t("metadata.addButton"))),
      error,
      suggestions.length ? h("datalist", { id: "meta-key-suggestions" }, suggestions.map((key) => h("option", { value: key }))) : null);
  }

  // ----- actions -----------------------------------------------------------------

  undo(row) {
    if (row.isNew) this.rows = this.rows.filter((other) => other !== row);
    else row.reset();
    this.renderRows(row.isNew ? "#meta-new-key" : `[data-key="${CSS.escape(row.key)}"] .row-remove`);
    this.keepDraft();
  }

  remove(row) {
    if (row.isNew) {
      this.rows = this.rows.filter((other) => other !== row);
      this.renderRows("#meta-new-key");
    } else {
      row.removed = true;
      this.renderRows(`[data-key="${CSS.escape(row.key)}"] .row-undo`);
    }
    this.keepDraft();
  }

  discard() {
    this.rows = rowsFrom(this.base);
    this.serverErrors = null;
    this.status.replaceChildren();
    sessionStorage.removeItem(this.draftKey);
    this.renderRows();
    this.focusHeading();
  }

  async save() {
    if (hasErrors(this.rows)) {
      this.status.replaceChildren(alert("error", t("metadata.err.fix")));
      return;
    }
    const changes = changesOf(this.rows);
    if (!changes.size) return;
    this.saving = true;
    this.saveButton.textContent = t("metadata.saving");
    this.updateSummary();
    this.status.replaceChildren();
    this.serverErrors = null;
    try {
      const headers = this.etag ? { "If-Match": this.etag } : {};
      const { data, etag } = await this.ctx.api.send("PATCH", "/api/me/metadata", changes, headers);
      this.base = toMap(data.user_metadata);
      this.etag = data.etag || etag || this.etag;
      this.rows = rowsFrom(this.base);
      this.conflictBox.replaceChildren();
      sessionStorage.removeItem(this.draftKey);
      this.saving = false;
      this.renderRows();
      this.status.replaceChildren(alert("success", t("metadata.saved")));
      this.ctx.emit("saved", { what: "metadata", keys: [...changes.keys()] });
    } catch (error) {
      this.saving = false;
      if (error.code === "login_required") return; // the draft is in sessionStorage
      if (error.status === 409 && error.body.current !== undefined) {
        this.showConflict(changes, toMap(error.body.current), error.body.etag);
      } else if (error.status === 422 && Array.isArray(error.body.errors)) {
        this.serverErrors = new Map();
        for (const item of error.body.errors) {
          const key = String(item.path || "").replace(/^\/+/, "").split(/[./]/)[0];
          if (key) this.serverErrors.set(key, item.message);
        }
        this.status.replaceChildren(alert("error",
          h("p", {}, t("metadata.err.invalid")),
          h("ul", {}, error.body.errors.map((item) => h("li", {}, item.path ? `${item.path}: ${item.message}` : item.message)))));
        this.renderRows();
      } else {
        // When the BFF cannot tell whether the write happened, saying "not saved"
        // would be wrong; a retry is still safe, as If-Match turns a repeat into a conflict.
        const headline = error.code === "write_outcome_unknown"
          ? t("error.write_outcome_unknown") : t("metadata.err.saveFailed");
        const detail = error.code === "write_outcome_unknown" ? null : error.userMessage || String(error);
        this.status.replaceChildren(alert("error",
          h("p", {}, headline), detail ? h("p", {}, detail) : null,
          h("button", { type: "button", class: "button", onclick: () => this.save() }, t("state.retry"))));
      }
      this.status.querySelector("[role=alert]")?.setAttribute("tabindex", "-1");
      this.status.querySelector("[role=alert]")?.focus();
    } finally {
      this.saveButton.textContent = t("metadata.save");
      this.updateSummary();
    }
  }

  /** Both versions (Maps) of every key the user changed; the user picks one. */
  showConflict(mine, current, etag) {
    const keys = [...mine.keys()].sort();
    const cell = (value) => h("td", {}, h("code", {}, value === null || value === undefined ? t("metadata.conflict.absent") : preview(value)));
    const box = h("section", { class: "card conflict", role: "alert", "aria-labelledby": "conflict-title", tabindex: "-1" },
      h("h2", { id: "conflict-title" }, t("metadata.conflict.title")),
      h("p", {}, t("metadata.conflict.text")),
      h("div", { class: "table-scroll" },
        h("table", { class: "conflict-table" },
          h("thead", {}, h("tr", {},
            h("th", { scope: "col" }, t("metadata.conflict.key")),
            h("th", { scope: "col" }, t("metadata.conflict.mine")),
            h("th", { scope: "col" }, t("metadata.conflict.theirs")))),
          h("tbody", {}, keys.map((key) => h("tr", {}, h("th", { scope: "row" }, key), cell(mine.get(key)), cell(current.get(key))))))),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "button primary", onclick: () => {
          // Rebase my edits on the saved version, then save them over it.
          this.base = current;
          this.etag = etag;
          this.rows = applyChanges(rowsFrom(current), mine);
          this.conflictBox.replaceChildren();
          this.renderRows();
          this.save();
        } }, t("metadata.conflict.keepMine")),
        h("button", { type: "button", class: "button", onclick: () => {
          this.base = current;
          this.etag = etag;
          this.conflictBox.replaceChildren();
          this.discard();
        } }, t("metadata.conflict.useTheirs"))));
    this.conflictBox.replaceChildren(box);
    box.focus();
  }
}

customElements.define("ss-metadata-view", MetadataView);
