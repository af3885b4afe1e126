// Linked accounts: the identities of this account, one button per connection
// the tenant offers, the confirmation step of a pending link, and unlinking.

import { formatDate, h } from "../dom.js";
import { t } from "../messages.js";
import { sendSensitive } from "../step-up.js";
import { View, alert, confirmDialog, empty } from "../ui.js";
import { providerName } from "./providers.js";

class LinkedAccountsView extends View {
  title = t("links.title");
  intro = t("links.intro");

  async load() {
    const api = this.ctx.api;
    // Only when back from a link's sign-in (routes.js): otherwise there is none to ask for.
    const expectPending = Boolean(this.ctx.params.get("pending"));
    const [{ data }, pending] = await Promise.all([
      api.get("/api/me/identities"),
      expectPending
        ? api.get("/api/me/link").then(({ data: link }) => link, (error) => {
          if (error.status === 404) return null; // expired or already confirmed elsewhere
          throw error;
        })
        : null,
    ]);
    return { ...data, pending };
  }

  render({ identities = [], main = {}, connections = [], pending }) {
    this.message = h("div", { class: "links-message" });
    const isMain = (identity) => identity.provider === main.provider && String(identity.user_id) === String(main.user_id);
    const sorted = [...identities].sort((a, b) => Number(isMain(b)) - Number(isMain(a)));
    const linkable = connections.filter((connection) => !connection.linked);
    return [
      this.message,
      pending ? this.pendingCard(pending) : null,
      h("section", { class: "card", "aria-labelledby": "linked-title" },
        h("h2", { id: "linked-title" }, t("links.linked")),
        h("ul", { class: "identity-list" }, sorted.map((identity) => this.identityItem(identity, isMain(identity))))),
      h("section", { class: "card", "aria-labelledby": "available-title" },
        h("h2", { id: "available-title" }, t("links.available")),
        linkable.length
          ? [h("p", { class: "muted" }, t("links.linkHelp")),
            h("ul", { class: "connection-list" }, linkable.map((connection) => this.connectionItem(connection)))]
          : empty(t("links.availableEmpty"))),
    ];
  }

  identityItem(identity, main) {
    const name = providerName(identity);
    const detail = identity.profileData?.email || identity.profileData?.nickname
      || (main && this.ctx.user.email) || String(identity.user_id);
    return h("li", { class: "identity", "data-provider": identity.provider },
      h("span", { class: `provider-mark provider-${identity.provider}`, "aria-hidden": "true" }, name.slice(0, 1)),
      h("span", { class: "identity-text" }, h("strong", {}, name), h("span", { class: "muted" }, `, ${detail}`)),
      main
        ? h("span", { class: "badge", title: t("links.mainHelp") }, t("links.main"))
        : h("button", { type: "button", class: "button small danger-outline",
          "aria-label": t("links.unlinkLabel", { name: `${name} (${detail})` }),
          onclick: () => this.unlink(identity, name) }, t("links.unlink")));
  }

  connectionItem(connection) {
    const name = providerName(connection);
    const button = connection.linkable === false
      ? h("button", { type: "button", class: "button", disabled: true }, t("links.notLinkable", { name }))
      : h("button", { type: "button", class: "button connection-button", "data-connection": connection.name,
        onclick: () => this.ctx.openTopLevel(new URL(connection.link_url, this.ctx.href("/")).href) },
        h("span", { class: `provider-mark provider-${connection.strategy || connection.name}`, "aria-hidden": "true" }, name.slice(0, 1)),
        t("links.link", { name }));
    return h("li", {}, button);
  }

  pendingCard(pending) {
    const name = providerName({ name: pending.connection });
    const copyId = "link-copy-metadata";
    const lostKeys = Object.keys(pending.user_metadata || {});
    // The BFF's warnings carry codes; ours say the same in the message table's words.
    const ours = {
      email_differs: t("links.warnEmail", { email: this.ctx.user.email || "" }),
      email_unverified: t("links.warnUnverified"),
    };
    const warnings = pending.warnings.map((warning) => ours[warning.code] || warning.message);
    if (pending.metadata_will_be_lost && lostKeys.length) warnings.push(t("links.warnMetadata", { keys: lostKeys.join(", ") }));

    const copy = h("input", { type: "checkbox", id: copyId, "aria-describedby": `${copyId}-help` });
    const confirmButton = h("button", { type: "submit", class: "button primary" }, t("links.confirm"));
    const form = h("form", { class: "card pending-link", "aria-labelledby": "pending-title", onsubmit: (event) => {
      event.preventDefault();
      this.confirmLink(pending, name, copy.checked, confirmButton);
    } },
    h("h2", { id: "pending-title", tabindex: "-1" }, t("links.pendingTitle", { name })),
    h("p", {}, t("links.pendingText")),
    h("dl", { class: "facts" },
      h("dt", {}, t("links.pendingEmail")), h("dd", {}, pending.email || "—")),
    warnings.map((text) => alert("warning", text)),
    pending.metadata_will_be_lost && lostKeys.length
      ? h("div", { class: "field check-field" },
        h("label", { class: "check", for: copyId }, copy, h("span", {}, t("links.copyMetadata"))),
        h("p", { id: `${copyId}-help`, class: "muted small" }, t("links.copyHelp")))
      : null,
    pending.expires_at ? h("p", { class: "muted small" }, t("links.expires", { time: formatDate(pending.expires_at) })) : null,
    h("div", { class: "actions" }, confirmButton,
      h("button", { type: "button", class: "button", onclick: () => this.cancelLink() }, t("links.cancel"))));
    // The user just came back from the other sign-in: this is what they came to do.
    queueMicrotask(() => form.querySelector("h2")?.focus());
    return form;
  }

  /** The link is settled: no pending link to ask for on the next load, nor in the URL. */
  clearPendingFromUrl() {
    this.ctx.params.delete("pending");
    if (this.ctx.mode === "page" && location.search) history.replaceState({}, "", location.pathname);
  }

  async confirmLink(pending, name, copyMetadata, button) {
    button.disabled = true;
    try {
      const { data } = await this.ctx.api.send("POST", "/api/me/link", { copy_metadata: copyMetadata });
      this.clearPendingFromUrl();
      const parts = [t("links.linkedOk", { name })];
      if (data?.copied_keys?.length) parts.push(t("links.copied", { keys: data.copied_keys.join(", ") }));
      if (data?.skipped_keys?.length) parts.push(t("links.skipped", { keys: data.skipped_keys.join(", ") }));
      this.ctx.emit("saved", { what: "link", connection: pending.connection });
      await this.run();
      this.ctx.announce(parts.join(" "));
    } catch (error) {
      if (error.code === "login_required") return;
      button.disabled = false;
      this.message.replaceChildren(alert("error", error.userMessage));
    }
  }

  async cancelLink() {
    try {
      await this.ctx.api.send("DELETE", "/api/me/link");
      this.clearPendingFromUrl();
      await this.run();
      this.ctx.announce(t("links.cancelled"));
    } catch (error) {
      if (error.code !== "login_required") this.message.replaceChildren(alert("error", error.userMessage));
    }
  }

  async unlink(identity, name) {
    const ok = await confirmDialog(this, {
      title: t("links.unlinkTitle", { name }),
      text: t("links.unlinkText", { name }),
      confirm: t("links.unlinkConfirm"),
    });
    if (!ok) return;
    try {
      const path = `/api/me/identities/${encodeURIComponent(identity.provider)}/${encodeURIComponent(identity.user_id)}`;
      if (!(await sendSensitive(this, { method: "DELETE", path, what: "unlink", label: t("links.unlinkTitle", { name }) }))) return;
      this.ctx.emit("saved", { what: "unlink", provider: identity.provider });
      await this.run();
      this.ctx.announce(t("links.unlinked", { name }));
      this.focusHeading();
    } catch (error) {
      if (error.code !== "login_required") this.message.replaceChildren(alert("error", error.userMessage));
    }
  }
}

customElements.define("ss-linked-accounts-view", LinkedAccountsView);
