// Shared pieces of every view: loading, empty and error states, alerts, confirmation.

import { h } from "./dom.js";
import { t } from "./messages.js";
import { resumeSensitive } from "./step-up.js";

/** A polite busy indicator; the container gets aria-busy while it shows. */
export function loading(label = t("state.loading")) {
  return h("div", { class: "state state-loading", role: "status" },
    h("span", { class: "spinner", "aria-hidden": "true" }), h("span", {}, label));
}

/** An empty state: a short sentence, optionally with an action. */
export function empty(text, action = null) {
  return h("div", { class: "state state-empty" }, h("p", {}, text), action);
}

/** An error state with a retry button (`retry` called on click). */
export function failure(error, retry) {
  const message = error && error.userMessage ? error.userMessage : String(error);
  return h("div", { class: "state state-error", role: "alert" },
    h("p", { class: "state-title" }, t("state.errorTitle")),
    h("p", {}, message),
    retry ? h("button", { type: "button", class: "button", onclick: retry }, t("state.retry")) : null);
}

/**
 * A round picture of a person that is never blank: their initial, with the picture
 * laid over it once (and only if) it loads. `label`: the accessible name, or null
 * when the picture is decoration (the name is written next to it).
 */
export function avatar(picture, name, { size, label, className = "avatar" }) {
  const initial = (name || "?").trim().slice(0, 1).toUpperCase() || "?";
  const holder = h("span", {
    class: `${className} avatar-initials`, role: label ? "img" : null,
    "aria-label": label, "aria-hidden": label ? null : "true",
  }, h("span", { class: "avatar-letter" }, initial));
  if (picture) {
    const img = h("img", { class: "avatar-image", src: picture, alt: "", width: String(size),
      height: String(size), referrerpolicy: "no-referrer", hidden: true });
    img.addEventListener("load", () => {
      img.hidden = false;
    }, { once: true });
    img.addEventListener("error", () => img.remove(), { once: true });
    holder.append(img);
  }
  return holder;
}

/** An inline alert: kind is "error", "warning", "success" or "info". */
export function alert(kind, ...content) {
  const role = kind === "error" ? "alert" : "status";
  return h("div", { class: `alert alert-${kind}`, role }, ...content);
}

/**
 * Ask the user to confirm a consequential action in a modal <dialog>.
 * Resolves true on confirm, false on cancel or Escape; focus returns to
 * whatever had it before.
 */
export function confirmDialog(host, { title, text, confirm, danger = true }) {
  return new Promise((resolve) => {
    const root = host.getRootNode();
    const previous = root.activeElement || document.activeElement;
    const titleId = `confirm-title-${Date.now()}`;
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": titleId },
      h("form", { method: "dialog" },
        h("h2", { id: titleId }, title),
        h("p", {}, text),
        h("div", { class: "actions" },
          h("button", { value: "cancel", class: "button", autofocus: true }, t("confirm.cancel")),
          h("button", { value: "confirm", class: danger ? "button danger" : "button primary" }, confirm))));
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (previous && typeof previous.focus === "function") previous.focus();
      resolve(dialog.returnValue === "confirm");
    });
    host.append(dialog);
    dialog.showModal();
  });
}

/** The nodes of a render result (a node or a list with nulls for "nothing here"). */
function present(rendered) {
  return [rendered].flat(Infinity).filter((node) => node !== null && node !== undefined && node !== false);
}

/**
 * Base class of the views: a load/retry cycle. The app sets `ctx` before the view
 * is connected: {api, base, mode, user, features, params, href, announce, emit,
 * navigate, openTopLevel} (see SelfServeAccount.context()).
 */
export class View extends HTMLElement {
  connectedCallback() {
    this.classList.add("view");
    // The heading stays put across reloads so that focus placed on it survives.
    this.body = h("div", { class: "view-body" });
    this.replaceChildren(this.heading(), this.body);
    this.run();
  }

  /** Show the loading state, call load(), then render(result) or the error state. */
  async run() {
    // A message about what was on screen (e.g. "saved") goes with it; an action
    // that reloads the view announces its outcome after the reload.
    this.ctx.clearAnnouncement?.();
    this.body.setAttribute("aria-busy", "true");
    this.body.replaceChildren(loading());
    try {
      this.body.replaceChildren(...present(this.render(await this.load())));
      if (!this.resumeChecked) {
        this.resumeChecked = true;
        resumeSensitive(this); // an action that waited for a re-authentication (step-up.js)
      }
    } catch (error) {
      if (error && error.code === "login_required") return; // the app takes over
      this.body.replaceChildren(failure(error, () => this.run()));
    } finally {
      this.body.removeAttribute("aria-busy");
    }
  }

  /** The view's title (the focus target after navigation) and intro. */
  heading() {
    return h("header", { class: "view-header" },
      h("h1", { tabindex: "-1", class: "view-title" }, this.title),
      this.intro ? h("p", { class: "intro" }, this.intro) : null);
  }

  focusHeading() {
    const title = this.querySelector(".view-title");
    if (title) title.focus();
  }
}
