// Devices: register this browser (a WebCrypto key pair, private key
// non-extractable, kept in IndexedDB), list registered devices, revoke.

import { formatDate, h } from "../dom.js";
import * as keystore from "../keystore.js";
import { t } from "../messages.js";
import { sendSensitive } from "../step-up.js";
import { View, alert, confirmDialog, empty } from "../ui.js";

class DevicesView extends View {
  title = t("devices.title");
  intro = t("devices.intro");

  get localId() {
    return `${this.ctx.href("/")}|${this.ctx.user.sub || this.ctx.user.user_id || ""}`;
  }

  async load() {
    const { data } = await this.ctx.api.get("/api/me/device-credentials");
    const credentials = data.device_credentials || [];
    let local = null;
    if (keystore.supported()) {
      local = (await keystore.load(this.localId)) || null;
      if (local && !credentials.some((c) => c.id === local.credential_id)) {
        // Revoked elsewhere: the key is useless now.
        await keystore.remove(this.localId);
        local = null;
      }
    }
    return { credentials, local };
  }

  render({ credentials, local }) {
    this.message = h("div", { class: "devices-message" });
    return [this.message, this.thisBrowser(local), this.list(credentials, local)];
  }

  thisBrowser(local) {
    const card = h("section", { class: "card this-browser", "aria-labelledby": "this-browser-title" },
      h("h2", { id: "this-browser-title" }, t("devices.thisBrowser")));
    if (!keystore.supported()) {
      card.append(alert("warning", t("devices.noCrypto")));
      return card;
    }
    if (local) {
      card.append(h("p", { class: "registered" }, h("span", { class: "badge badge-success" }, "✓"), " ",
        t("devices.registeredAs", { name: local.device_name })));
      return card;
    }
    const nameInput = h("input", { id: "device-name", type: "text", value: keystore.defaultDeviceName(),
      maxlength: "100", autocomplete: "off", "aria-describedby": "device-name-help device-name-error" });
    const error = h("p", { id: "device-name-error", class: "field-error", "aria-live": "polite" });
    const button = h("button", { type: "submit", class: "button primary" }, t("devices.register"));
    card.append(
      h("p", { class: "muted" }, t("devices.notRegistered")),
      h("form", { class: "device-form", novalidate: true, onsubmit: (event) => {
        event.preventDefault();
        this.register(nameInput, error, button);
      } },
      h("div", { class: "field" },
        h("label", { for: "device-name" }, t("devices.name")), nameInput,
        h("p", { id: "device-name-help", class: "muted small" }, t("devices.nameHelp")), error),
      h("div", { class: "actions" }, button)));
    return card;
  }

  list(credentials, local) {
    return h("section", { class: "card", "aria-labelledby": "device-list-title" },
      h("h2", { id: "device-list-title" }, t("devices.list")),
      credentials.length ? h("p", { class: "muted small device-count" }, t("devices.count", { count: credentials.length })) : null,
      credentials.length
        ? h("ul", { class: "item-list" }, credentials.map((credential) => {
          const current = local && credential.id === local.credential_id;
          const name = credential.device_name || credential.device_id;
          return h("li", { class: "item device", "data-id": credential.id },
            h("div", { class: "item-main" },
              h("p", { class: "item-title" }, name, current ? h("span", { class: "badge badge-success" }, t("devices.current")) : null),
              h("p", { class: "muted small" }, t("devices.created", { date: formatDate(credential.created_at) }))),
            h("button", { type: "button", class: "button danger-outline", "aria-label": t("devices.revokeLabel", { name }),
              onclick: () => this.revoke(credential, name, current) }, t("devices.revoke")));
        }))
        : empty(t("devices.empty")));
  }

  async register(nameInput, error, button) {
    const deviceName = nameInput.value.trim();
    error.textContent = deviceName ? "" : t("devices.nameRequired");
    nameInput.setAttribute("aria-invalid", String(!deviceName));
    if (!deviceName) {
      nameInput.focus();
      return;
    }
    button.disabled = true;
    button.textContent = t("devices.registering");
    try {
      const { pair, publicKey } = await keystore.createKeyPair();
      const deviceId = crypto.randomUUID();
      const { data } = await this.ctx.api.send("POST", "/api/me/device-credentials",
        { device_name: deviceName, device_id: deviceId, public_key: publicKey });
      await keystore.save({
        id: this.localId, credential_id: data.id, device_id: deviceId, device_name: deviceName,
        privateKey: pair.privateKey, publicKey: pair.publicKey, created_at: new Date().toISOString(),
      });
      this.ctx.emit("saved", { what: "device", id: data.id });
      await this.run();
      this.ctx.announce(t("devices.registered"));
    } catch (failure) {
      if (failure.code === "login_required") return;
      button.disabled = false;
      button.textContent = t("devices.register");
      const text = failure.code === "device_exists" ? t("devices.exists") : failure.userMessage || String(failure);
      this.message.replaceChildren(alert("error", text));
    }
  }

  /** After revoking (now, or resumed after a re-authentication): this browser's key goes. */
  async afterSensitive({ current }) {
    if (current) await keystore.remove(this.localId);
  }

  async revoke(credential, name, current) {
    const ok = await confirmDialog(this, {
      title: t("devices.revokeTitle", { name }),
      text: t("devices.revokeText", { name }),
      confirm: t("devices.revokeConfirm"),
    });
    if (!ok) return;
    try {
      const path = `/api/me/device-credentials/${encodeURIComponent(credential.id)}`;
      if (!(await sendSensitive(this, { method: "DELETE", path, what: "device-revoked", current, label: t("devices.revokeTitle", { name }) }))) return;
      await this.afterSensitive({ current });
      this.ctx.emit("saved", { what: "device-revoked", id: credential.id });
      await this.run();
      this.ctx.announce(t("devices.revoked", { name }));
      this.focusHeading();
    } catch (error) {
      if (error.code !== "login_required") this.message.replaceChildren(alert("error", error.userMessage));
    }
  }
}

customElements.define("ss-devices-view", DevicesView);
