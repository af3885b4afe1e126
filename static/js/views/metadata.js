// Preferences: user_metadata in the user's words. With METADATA_SCHEMA it is a form
// (each editable key's title as its label, description as help, enum as a choice,
// boolean as a switch, formats and lengths checked as you type); without one, an
// editor of named values (text, number, yes/no, list or group). Either way: per-key
// undo, a list of pending changes, save with If-Match, and a conflict screen showing
// both versions. An edit is never lost silently: a failed save keeps it on screen,
// and the draft survives a reload or a session renewal in sessionStorage. Keys are
// the user's: the saved metadata, the change set and the server's errors by key are
// Maps, never plain objects.

import { h } from "../dom.js";
import { jsonText, toMap } from "../json-maps.js";
import { formatNumber, t } from "../messages.js";
import {
  DEFAULT_LIMITS, Row, TYPES, applyChanges, changesOf, hasErrors, keyError, keysOutside,
  mergedSize, preview, rowsFrom, sameValue, schemaRows,
} from "../metadata-model.js";
import { View, alert, empty } from "../ui.js";

/** The server's English messages for a key (app/selfservice/metadata.py), in our words. */
const SERVER_MESSAGES = [
  [/nesting/i, (limits) => t("metadata.err.deep", { count: limits.max_depth })],
  [/key names/i, () => t("metadata.err.innerKey")],
  [/not editable/i, () => t("metadata.err.notEditable")],
  [/would take (\d+) bytes; the limit is (\d+)/i,
    (limits, [, size, limit]) => t("metadata.err.space", { percent: percent(Number(size) / Number(limit)) })],
];

function percent(fraction) {
  return formatNumber(fraction, { style: "percent", maximumFractionDigits: 0 });
}

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
    this.schema = data.schema && typeof data.schema.properties === "object" ? data.schema : null;
    this.limits = { ...DEFAULT_LIMITS, ...(data.limits || {}) };
    this.rows = this.rowsFor(this.base);
    this.notice = null;
    this.serverErrors = new Map();
    const draft = this.readDraft();
    if (draft?.changes.size) {
      applyChanges(this.rows, draft.changes, this.limits);
      if (draft.etag) this.etag = draft.etag; // a stale base still ends in a conflict, not an overwrite
      // Only a renewal that came after the last edit is a sign-in the user went through.
      const renewedAt = Number(sessionStorage.getItem("selfserve.renewal") || 0);
      this.notice = alert("info", t(renewedAt > (draft.at || 0) ? "metadata.restored" : "metadata.restoredDraft"));
    }
    return data;
  }

  rowsFor(metadata) {
    return this.schema ? schemaRows(this.schema, metadata, this.limits) : rowsFrom(metadata, this.limits);
  }

  /** A row's name for people: the schema's title, else the key itself. */
  label(row) {
    return row.schema?.title || row.key;
  }

  // ----- draft kept across a reload or a sign-in round trip ----------------------

  /** {etag, at, changes: Map} as keepDraft stored it, or null. */
  readDraft() {
    let draft;
    try {
      draft = JSON.parse(sessionStorage.getItem(this.draftKey) || "null");
    } catch {
      return null;
    }
    if (!draft || typeof draft !== "object") return null;
    return { etag: draft.etag, at: Number(draft.at) || 0, changes: toMap(draft.changes) };
  }

  keepDraft() {
    const changes = changesOf(this.rows);
    if (changes.size) {
      sessionStorage.setItem(this.draftKey, jsonText({ etag: this.etag, at: Date.now(), changes }));
    } else {
      sessionStorage.removeItem(this.draftKey);
    }
  }

  // ----- rendering --------------------------------------------------------------

  render() {
    this.list = h("div", { class: "meta-rows" });
    this.changesList = h("ul", { class: "change-list" });
    this.count = h("p", { class: "muted small meta-count" });
    this.space = h("p", { class: "muted small meta-space", "aria-live": "polite" });
    this.saveButton = h("button", { type: "submit", class: "button primary" }, t("metadata.save"));
    this.discardButton = h("button", { type: "button", class: "button", onclick: () => this.discard() },
      t("metadata.discard"));
    this.status = h("div", { class: "meta-status" }, this.notice);
    this.conflictBox = h("div", { class: "conflict-box" });

    const form = h("form", { class: `meta-form ${this.schema ? "schema-form" : "free-form"}`, novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        this.save();
      } },
    h("section", { class: "card", "aria-labelledby": "meta-values-title" },
      h("h2", { id: "meta-values-title", class: "visually-hidden" }, t("metadata.title")),
      this.list,
      this.schema ? null : this.addForm()),
    this.schema ? this.outside() : null,
    h("section", { class: "card changes", "aria-labelledby": "meta-changes-title" },
      h("h2", { id: "meta-changes-title" }, t("metadata.changes")),
      this.count,
      this.changesList,
      this.space,
      h("div", { class: "actions" }, this.saveButton, this.discardButton)));
    this.renderRows();
    return [this.conflictBox, this.status, form];
  }

  /** With a schema: the saved keys it does not list, shown so that nothing seems lost. */
  outside() {
    const keys = keysOutside(this.schema, this.base);
    if (!keys.length) return null;
    return h("section", { class: "card", "aria-labelledby": "meta-other-title" },
      h("h2", { id: "meta-other-title" }, t("metadata.other")),
      h("p", { class: "muted" }, t("metadata.otherHelp")),
      h("dl", { class: "facts" }, keys.map((key) => [h("dt", {}, key), h("dd", {}, preview(this.base.get(key)))])));
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
    const helpId = `${row.id}-help`;
    const describedBy = [row.schema?.description ? helpId : null, errorId].filter(Boolean).join(" ");
    const error = h("p", { id: errorId, class: "field-error", "aria-live": "polite" });
    const onInput = (event) => {
      if (row.type === "boolean") row.bool = event.target.checked;
      else row.text = event.target.value;
      this.serverErrors.delete(row.key); // the server spoke of the value that was there
      this.status.querySelector(".alert-success")?.remove();
      this.updateRow(row, element);
      this.updateSummary();
      this.keepDraft();
    };

    let input;
    if (row.type === "boolean") {
      input = row.schema
        ? h("input", { type: "checkbox", role: "switch", class: "switch", id: valueId, checked: row.bool,
          disabled: row.removed, "aria-describedby": describedBy, onchange: onInput })
        : h("label", { class: "check" },
          h("input", { type: "checkbox", id: valueId, checked: row.bool, disabled: row.removed,
            "aria-labelledby": `${row.id}-label ${valueId}-yes`, onchange: onInput }),
          h("span", { id: `${valueId}-yes` }, t("metadata.true")));
    } else if (Array.isArray(row.schema?.enum)) {
      const current = row.parse();
      input = h("select", { id: valueId, class: "meta-value", disabled: row.removed,
        "aria-describedby": describedBy, onchange: (event) => {
          const option = row.schema.enum[Number(event.target.value)];
          row.text = event.target.value === "" ? "" : row.type === "json" ? JSON.stringify(option) : String(option);
          onInput({ target: { value: row.text } });
        } },
      h("option", { value: "" }, t("metadata.notSet")),
      row.schema.enum.map((option, index) => h("option", {
        value: String(index), selected: !current.absent && sameValue(current.value, option),
      }, typeof option === "string" ? option : JSON.stringify(option))));
    } else if (row.type === "json") {
      input = h("textarea", { id: valueId, class: "meta-value json", rows: String(Math.min(8, row.text.split("\n").length + 1)),
        spellcheck: "false", disabled: row.removed, "aria-describedby": describedBy, oninput: onInput }, row.text);
    } else {
      const format = row.schema?.format;
      input = h("input", { id: valueId, class: "meta-value", type: "text", value: row.text,
        inputmode: row.type === "number" ? "decimal" : format === "email" ? "email" : format === "uri" ? "url" : null,
        autocomplete: "off", spellcheck: row.schema ? null : "false", disabled: row.removed,
        "aria-describedby": describedBy, oninput: onInput });
    }

    const name = this.label(row);
    const undo = h("button", { type: "button", class: "button subtle small row-undo",
      "aria-label": t("metadata.undoKey", { key: name }),
      onclick: () => this.undo(row) }, t("metadata.undo"));
    const remove = h("button", { type: "button", class: "button subtle small danger-text row-remove",
      "aria-label": t(row.schema ? "metadata.clearKey" : "metadata.remove", { key: name }),
      onclick: () => this.remove(row) }, t(row.schema ? "metadata.clear" : "metadata.removeShort"));
    const typeSelect = row.schema ? null : h("select", {
      id: `${row.id}-type`, class: "meta-type", disabled: row.removed,
      "aria-label": `${t("metadata.type")}: ${row.key}`,
      onchange: (event) => {
        row.setType(event.target.value);
        this.renderRows(`#${valueId}`);
        this.keepDraft();
      },
    }, TYPES.map((type) => h("option", { value: type, selected: row.type === type }, t(`metadata.type.${type}`))));

    const labelled = row.type === "boolean" && !row.schema;
    const element = h("div", { class: `meta-row${row.schema ? " schema-row" : ""}`, "data-key": row.key },
      h("div", { class: "meta-key" },
        labelled
          ? h("span", { class: "key-name", id: `${row.id}-label` }, name)
          : h("label", { class: "key-name", id: `${row.id}-label`, for: valueId }, name),
        h("span", { class: "row-badge" })),
      typeSelect ? h("div", { class: "meta-type-cell" }, typeSelect) : null,
      h("div", { class: "meta-value-cell" }, input,
        row.schema?.description ? h("p", { id: helpId, class: "muted small field-help" }, row.schema.description) : null,
        error),
      h("div", { class: "meta-row-actions" }, undo, remove));
    this.updateRow(row, element);
    return element;
  }

  /** Refresh one row's badge, error and buttons without touching its inputs. */
  updateRow(row, element) {
    const change = row.change();
    const parsed = row.removed ? {} : row.parse();
    element.classList.toggle("removed", row.removed);
    element.classList.toggle("changed", change === "set" || change === "add" || (change === "remove" && !row.removed));
    const badge = element.querySelector(".row-badge");
    badge.textContent = row.removed ? t("metadata.removed") : change === "add" && row.isNew ? t("metadata.badge.new")
      : change ? t("metadata.badge.changed") : "";
    badge.className = `row-badge${badge.textContent ? " badge" : ""}`;
    const error = element.querySelector(".field-error");
    error.textContent = parsed.error || (this.serverErrors.get(row.key) ?? "");
    const field = element.querySelector(".meta-value, .switch, .check input");
    if (field) field.setAttribute("aria-invalid", String(Boolean(error.textContent)));
    const dirty = row.removed || row.isNew || change !== null;
    element.querySelector(".row-undo").hidden = !dirty;
    element.querySelector(".row-remove").hidden = row.removed
      || (Boolean(row.schema) && (row.original === undefined || parsed.absent === true) && !row.isNew);
  }

  updateSummary() {
    const changes = changesOf(this.rows);
    const items = this.rows.map((row) => {
      const change = row.change();
      const key = this.label(row);
      if (change === "remove") return h("li", { class: "change change-remove" }, t("metadata.change.remove", { key }));
      if (change === "add") return h("li", { class: "change change-add" }, t("metadata.change.add", { key, value: preview(changes.get(row.key)) }));
      if (change === "set") {
        return h("li", { class: "change change-set" },
          t("metadata.change.set", { key, from: preview(row.original), value: preview(changes.get(row.key)) }));
      }
      return null;
    }).filter(Boolean);
    this.changesList.replaceChildren(...(items.length ? items : [h("li", { class: "muted" }, t("metadata.noChanges"))]));
    this.count.textContent = items.length ? t("metadata.unsaved", { count: items.length }) : "";
    this.count.hidden = !items.length;
    const used = mergedSize(this.base, changes) / this.limits.max_bytes;
    const tooBig = used > 1;
    this.space.className = tooBig ? "field-error meta-space" : "muted small meta-space";
    this.space.textContent = tooBig
      ? t("metadata.err.space", { percent: percent(used) })
      : t("metadata.space", { percent: percent(used) });
    const invalid = hasErrors(this.rows) || tooBig;
    this.saveButton.disabled = this.saving || invalid || !items.length;
    this.discardButton.disabled = this.saving || !this.rows.some((row) => row.removed || row.isNew || row.change() !== null);
  }

  addForm() {
    const keyId = "meta-new-key";
    const typeId = "meta-new-type";
    const errorId = "meta-new-error";
    const keyInput = h("input", { id: keyId, type: "text", autocomplete: "off", spellcheck: "false",
      "aria-describedby": errorId });
    const typeSelect = h("select", { id: typeId }, TYPES.map((type) => h("option", { value: type }, t(`metadata.type.${type}`))));
    const error = h("p", { id: errorId, class: "field-error", "aria-live": "polite" });
    const check = () => {
      const key = keyInput.value.trim();
      const problem = key ? keyError(key, this.rows.map((row) => row.key), this.limits) : null;
      error.textContent = problem || "";
      keyInput.setAttribute("aria-invalid", String(Boolean(problem)));
      return problem;
    };
    const add = () => {
      const key = keyInput.value.trim();
      const problem = check() || keyError(key, this.rows.map((row) => row.key), this.limits);
      if (problem) {
        error.textContent = problem;
        keyInput.setAttribute("aria-invalid", "true");
        keyInput.focus();
        return;
      }
      const row = new Row(key, undefined, { isNew: true, type: typeSelect.value, limits: this.limits });
      if (row.type === "json") row.text = "{}";
      if (row.type === "number") row.text = "0";
      this.rows.push(row);
      keyInput.value = "";
      this.renderRows(`#${row.id}-value`);
      this.keepDraft();
    };
    keyInput.addEventListener("input", check); // a name too long is said while typing it
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
      error);
  }

  // ----- actions -----------------------------------------------------------------

  undo(row) {
    if (row.isNew) this.rows = this.rows.filter((other) => other !== row);
    else row.reset();
    this.serverErrors.delete(row.key);
    this.renderRows(row.isNew ? "#meta-new-key" : `[data-key="${CSS.escape(row.key)}"] .meta-value, [data-key="${CSS.escape(row.key)}"] .row-remove`);
    this.keepDraft();
  }

  remove(row) {
    this.serverErrors.delete(row.key);
    if (row.isNew) {
      this.rows = this.rows.filter((other) => other !== row);
      this.renderRows("#meta-new-key");
    } else if (row.schema) {
      row.text = "";
      row.bool = false;
      this.renderRows(`#${row.id}-value`);
    } else {
      row.removed = true;
      this.renderRows(`[data-key="${CSS.escape(row.key)}"] .row-undo`);
    }
    this.keepDraft();
  }

  discard() {
    this.rows = this.rowsFor(this.base);
    this.serverErrors = new Map();
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
    this.serverErrors = new Map();
    try {
      const headers = this.etag ? { "If-Match": this.etag } : {};
      const { data, etag } = await this.ctx.api.send("PATCH", "/api/me/metadata", changes, headers);
      this.base = toMap(data.user_metadata);
      this.etag = data.etag || etag || this.etag;
      this.rows = this.rowsFor(this.base);
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
        this.showRefusals(error.body.errors);
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

  /** 422: each refusal beside its field, in our words; only those of no field above. */
  showRefusals(errors) {
    const general = [];
    for (const item of errors) {
      // The first step of the JSON Pointer names the preference; the rest is for machines.
      const key = String(item.path || "").replace(/^\//, "").split("/")[0].replace(/~1/g, "/").replace(/~0/g, "~");
      let message = item.message || t("metadata.err.refused");
      for (const [pattern, words] of SERVER_MESSAGES) {
        const match = pattern.exec(item.message || "");
        if (match) {
          message = words(this.limits, match);
          break;
        }
      }
      if (key && this.rows.some((row) => row.key === key)) this.serverErrors.set(key, message);
      else general.push(message);
    }
    this.status.replaceChildren(alert("error",
      h("p", {}, t("metadata.err.invalid")),
      general.length ? h("ul", {}, general.map((message) => h("li", {}, message))) : null));
    this.renderRows();
  }

  /**
   * 409: the saved version moved on. The user's changes are rebased on it at once, so
   * the list of changes speaks of what is saved now; the table shows, for each key
   * where the two still differ, the user's value and the saved one.
   */
  showConflict(mine, current, etag) {
    this.base = current;
    this.etag = etag;
    this.rows = applyChanges(this.rowsFor(current), mine, this.limits);
    const rebased = changesOf(this.rows);
    this.renderRows();
    this.keepDraft();
    const keys = [...rebased.keys()].sort();
    const rowFor = new Map(this.rows.map((row) => [row.key, row]));
    const cell = (label, value) => h("td", { "data-label": label }, h("code", {}, preview(value)));
    const box = h("section", { class: "card conflict", role: "alert", "aria-labelledby": "conflict-title", tabindex: "-1" },
      h("h2", { id: "conflict-title" }, t("metadata.conflict.title")),
      h("p", {}, t("metadata.conflict.text")),
      keys.length ? h("table", { class: "conflict-table" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("metadata.conflict.key")),
          h("th", { scope: "col" }, t("metadata.conflict.mine")),
          h("th", { scope: "col" }, t("metadata.conflict.theirs")))),
        h("tbody", {}, keys.map((key) => h("tr", {},
          h("th", { scope: "row" }, rowFor.get(key) ? this.label(rowFor.get(key)) : key),
          cell(t("metadata.conflict.mine"), rebased.get(key)),
          cell(t("metadata.conflict.theirs"), current.get(key)))))) : null,
      h("div", { class: "actions" },
        keys.length ? h("button", { type: "button", class: "button primary", onclick: () => {
          this.conflictBox.replaceChildren();
          this.save();
        } }, t("metadata.conflict.keepMine")) : null,
        h("button", { type: "button", class: "button", onclick: () => {
          this.conflictBox.replaceChildren();
          this.discard();
        } }, t("metadata.conflict.useTheirs"))));
    this.conflictBox.replaceChildren(box);
    box.focus();
  }
}

customElements.define("ss-metadata-view", MetadataView);
