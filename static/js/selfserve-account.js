// <selfserve-account>: the whole account UI in a shadow root.
//
// The SPA shell, the iframe page and any same-site host page use this one element:
//   <script type="module" src="https://account.example.com/static/js/selfserve-account.js"></script>
//   <selfserve-account></selfserve-account>
//
// Attributes:
//   base     the BFF's base URL or path; default: where this script was loaded from
//   routing  "history" (views have their own URLs; the SPA shell) or "memory" (default)
//   view     the first view in memory routing (profile, metadata, linked-accounts, security, devices)
//   mode     "page" (the shell), "frame" (the iframe page) or "element" (default)
//   lang     the host page's language for the UI ("de", "en"); the user's own choice
//            on the page, once made, wins (see messages.js)
// Events (bubbling, composed): selfserve:signed-in, selfserve:signed-out,
//   selfserve:saved, selfserve:session-expired, selfserve:view (detail.view).

import { Api } from "./api.js";
import { h } from "./dom.js";
import { LANGUAGES, language, pickLanguage, setLanguage, t } from "./messages.js";
import { DEFAULT_VIEW, VIEWS, viewFromPath } from "./routes.js";
import { avatar, failure, loading } from "./ui.js";
import "./views/profile.js";
import "./views/metadata.js";
import "./views/linked-accounts.js";
import "./views/security.js";
import "./views/devices.js";
import "./views/sessions.js";
import "./views/activity.js";

// This file lives at <base>/static/js/; its URL tells where the BFF is.
const SCRIPT_BASE = new URL("../../", import.meta.url);
const RENEWAL_GUARD_MS = 30_000; // no second automatic renewal within this time
const SIGN_IN_POLL_MS = 1_500;
const SIGN_IN_POLL_LIMIT_MS = 5 * 60_000;
const POPUP_CLOSED_POLL_MS = 1_000;
// Set after a signed-in boot, removed when signed out: on the next load the app asks
// for the first view's data at once, in parallel with the session (a signed-out
// visitor is not sent to data routes that would answer 401).
const SIGNED_IN_HINT = "selfserve.signed-in";

function readHint() {
  try {
    return localStorage.getItem(SIGNED_IN_HINT) === "1";
  } catch {
    return false;
  }
}

function writeHint(signedIn) {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_HINT, "1");
    else localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // storage blocked: no prefetch next time, nothing else changes
  }
}

function defaultBase() {
  const base = SCRIPT_BASE.origin === location.origin ? SCRIPT_BASE.pathname : SCRIPT_BASE.href;
  return base.replace(/\/$/, "");
}

export class SelfServeAccount extends HTMLElement {
  static observedAttributes = ["lang"];

  attributeChangedCallback(name, old, value) {
    if (name === "lang" && this.shadowRoot && old !== value) this.useLanguage(pickLanguage(value));
  }

  connectedCallback() {
    if (this.shadowRoot) return;
    this.base = (this.getAttribute("base") ?? defaultBase()).replace(/\/$/, "");
    this.routing = this.getAttribute("routing") === "history" ? "history" : "memory";
    this.mode = this.getAttribute("mode") || (this.routing === "history" ? "page" : "element");
    this.api = new Api(this.base, { onLoginRequired: (error) => this.sessionExpired(error) });
    this.booted = false;

    const root = this.attachShadow({ mode: "open" });
    const styles = h("link", { rel: "stylesheet", href: `${this.base}/static/css/account.css` });
    this.frame = h("div", { class: `app mode-${this.mode}`, part: "app" });
    // Nothing shows before its stylesheet applies (no flash of unstyled content);
    // should it fail to load, the content shows unstyled rather than not at all.
    this.frame.hidden = true;
    const reveal = () => {
      this.frame.hidden = false;
    };
    styles.addEventListener("load", reveal, { once: true });
    styles.addEventListener("error", reveal, { once: true });
    root.append(styles, this.frame);
    setLanguage(pickLanguage(this.getAttribute("lang")));
    this.applyLanguage();
    if (this.routing === "history") {
      window.addEventListener("popstate", () => this.show(this.viewFromLocation(), { push: false }));
    }
    this.boot();
  }

  /** Absolute URL of a BFF path. */
  href(path) {
    return new URL(this.base + path, location.href).href;
  }

  emit(name, detail = {}) {
    this.dispatchEvent(new CustomEvent(`selfserve:${name}`, { bubbles: true, composed: true, detail }));
  }

  /** Mark the UI with the current language (the page's too, when this is the page). */
  applyLanguage() {
    this.frame.lang = language();
    // The shell and the iframe page are this UI's own documents; a host page is not.
    if (this.mode !== "element") document.documentElement.lang = language();
  }

  /** Switch to `code` and draw what is on screen again in it. */
  useLanguage(code, { remember = false } = {}) {
    setLanguage(code, { remember });
    this.applyLanguage();
    if (this.booted) {
      this.renderShell();
      this.show(this.current, { push: false, focus: false });
    } else if (this.signedOutKeys) {
      this.renderSignedOut(...this.signedOutKeys);
    }
    this.frame.querySelector(".language select")?.focus();
  }

  /** A language picker; the choice is remembered for the next visit. */
  languagePicker() {
    const id = `language-${this.mode}`;
    return h("div", { class: "language" },
      h("label", { for: id }, t("app.language")),
      h("select", { id, onchange: (event) => this.useLanguage(event.target.value, { remember: true }) },
        Object.entries(LANGUAGES).map(([code, { name }]) =>
          h("option", { value: code, lang: code, selected: code === language() }, name))));
  }

  /** Ask the BFF who is signed in, then show the app or the sign-in screen (once at a time). */
  boot() {
    if (!this.bootPromise) {
      this.bootPromise = this.bootOnce().finally(() => {
        this.bootPromise = null;
      });
    }
    return this.bootPromise;
  }

  async bootOnce() {
    this.frame.replaceChildren(h("div", { class: "boot" }, loading()));
    const first = (this.routing === "history"
      ? this.viewFromLocation()
      : viewFromPath(this.getAttribute("view") || DEFAULT_VIEW)) || viewFromPath(DEFAULT_VIEW);
    this.params = new URLSearchParams(this.routing === "history" ? location.search : "");
    if (readHint()) {
      for (const path of first.data(this.params)) this.api.prefetch(path);
    }
    let data;
    try {
      // /bff/session answers 200 signed in or not: a signed-out visitor's console stays
      // clean (/bff/user keeps its 401 for API clients).
      ({ data } = await this.api.get("/bff/session"));
    } catch (error) {
      this.api.forgetPrefetched();
      this.frame.replaceChildren(h("div", { class: "boot" }, failure(error, () => this.boot())));
      return;
    }
    writeHint(data.signed_in);
    if (!data.signed_in) {
      this.api.forgetPrefetched();
      this.loginUrl = data.login_url;
      this.renderSignedOut();
      return;
    }
    this.session = data;
    if (data.csrf_header) this.api.csrfHeader = data.csrf_header;
    this.booted = true;
    this.renderShell();
    this.emit("signed-in", { user_id: this.session.user?.sub || this.session.user?.user_id });
    this.show(first, { push: false, focus: false });
  }

  viewFromLocation() {
    const path = location.pathname.startsWith(this.base)
      ? location.pathname.slice(this.base.length)
      : location.pathname;
    return viewFromPath(path) || viewFromPath(DEFAULT_VIEW);
  }

  currentPath() {
    return this.routing === "history" ? location.pathname + location.search : `${this.base}/`;
  }

  // ----- the signed-in layout -------------------------------------------------

  renderShell() {
    const user = this.session.user || {};
    const name = user.name || user.nickname || user.email || "";
    this.nav = h("ul", { class: "nav-list" }, VIEWS.map((view) => this.navItem(view)));
    this.content = h(this.mode === "element" ? "section" : "main", {
      class: "content", id: "content", tabindex: "-1",
      "aria-label": this.mode === "element" ? t("app.title") : null,
    });
    this.flash = h("div", { class: "flash", role: "status", "aria-live": "polite" });
    const skip = this.mode === "page"
      ? h("a", { class: "skip", href: "#content", onclick: (event) => {
        event.preventDefault();
        this.content.focus();
      } }, t("app.skip"))
      : null;
    this.frame.replaceChildren(
      ...(skip ? [skip] : []),
      h("header", { class: "topbar" },
        h("p", { class: "brand" }, t("app.title")),
        h("div", { class: "who" },
          this.avatar(user, name),
          h("span", { class: "who-name" }, h("span", { class: "visually-hidden" }, t("app.signedInAs", { name: "" })), name)),
        this.languagePicker(),
        h("button", { type: "button", class: "button subtle sign-out", onclick: () => this.signOut() },
          t("app.signOut"))),
      h("div", { class: "layout" },
        h("nav", { class: "nav", "aria-label": t("app.nav") }, this.nav),
        h("div", { class: "main-column" }, this.flash, this.content)));
  }

  avatar(user, name) {
    return avatar(user.picture, name, { size: 32, label: null });
  }

  navItem(view) {
    const available = this.featureAvailable(view.feature);
    return h("li", {},
      h("a", {
        href: `${this.base}/${view.name}`,
        "data-view": view.name,
        class: available ? "nav-link" : "nav-link unavailable",
        onclick: (event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          this.show(view);
        },
      }, t(`nav.${view.name}`),
      available ? null : h("span", { class: "badge" }, t("app.unavailable"))));
  }

  featureAvailable(feature) {
    const features = this.session.features || {};
    return features[feature] !== false;
  }

  /** Show `view`: update the URL (history routing), the nav, the title, and move focus. */
  show(view, { push = true, focus = true } = {}) {
    if (!this.booted || !view) return;
    if (push) {
      this.params = new URLSearchParams();
      if (this.routing === "history") history.pushState({}, "", `${this.base}/${view.name}`);
    }
    this.current = view;
    for (const link of this.nav.querySelectorAll("a")) {
      if (link.dataset.view === view.name) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    this.flash.replaceChildren();
    if (this.mode === "page") document.title = `${t(`nav.${view.name}`)} · ${t("app.title")}`;

    let element;
    if (this.featureAvailable(view.feature)) {
      element = document.createElement(view.tag);
      element.ctx = this.context();
    } else {
      element = this.unavailable(view);
    }
    this.content.replaceChildren(element);
    if (focus) {
      const title = this.content.querySelector(".view-title");
      if (title) title.focus();
    }
    this.emit("view", { view: view.name });
  }

  context() {
    return {
      api: this.api,
      base: this.base,
      mode: this.mode,
      user: this.session.user || {},
      features: this.session.features || {},
      // Whether the BFF has a My Account API token for this session (never the token).
      myAccount: this.session.my_account || {},
      params: this.params || new URLSearchParams(),
      href: (path) => this.href(path),
      announce: (message) => this.announce(message),
      clearAnnouncement: () => this.flash.replaceChildren(),
      emit: (name, detail) => this.emit(name, detail),
      navigate: (name) => this.show(viewFromPath(name)),
      openTopLevel: (url) => this.openTopLevel(url),
    };
  }

  unavailable(view) {
    const missing = (this.session.missing_scopes || {})[view.feature] || [];
    const name = t(`nav.${view.name}`);
    return h("section", { class: "view unavailable-view" },
      h("header", { class: "view-header" },
        h("h1", { class: "view-title", tabindex: "-1" }, t("app.unavailableTitle", { feature: name }))),
      h("p", {}, t("app.unavailableText", {
        what: t(`feature.${view.feature}`),
        scopes: missing.join(", "),
      })));
  }

  announce(message) {
    this.flash.replaceChildren(h("p", { class: "alert alert-success" }, message));
  }

  // ----- sign-in, renewal, sign-out ------------------------------------------

  renderSignedOut(titleKey = "app.signInTitle", textKey = "app.signInText") {
    this.booted = false;
    this.signedOutKeys = [titleKey, textKey];
    writeHint(false);
    const button = h("button", { type: "button", class: "button primary", onclick: () => this.signIn() },
      t("app.signIn"));
    this.frame.replaceChildren(h(this.mode === "element" ? "section" : "main", { class: "signed-out", "aria-labelledby": "signin-title" },
      h("div", { class: "card signin-card" },
        h("h1", { id: "signin-title", tabindex: "-1" }, t(titleKey)),
        h("p", {}, t(textKey)),
        this.mode === "page" ? null : h("p", { class: "hint" }, t("app.signInPopup")),
        button,
        this.languagePicker())));
  }

  /**
   * Sign in. The page navigates to the sign-in and comes back to the same view.
   * Embedded (iframe or element on another page), sign-in runs in a pop-up window
   * so the host page stays; it ends on /embed/signed-in, which tells us.
   */
  signIn() {
    if (this.mode === "page") {
      location.assign(this.loginHref(`${this.base}/login`, this.currentPath()));
      return;
    }
    const done = new URL(this.dataset.signedInUrl || `${this.base}/embed/signed-in`, this.href("/"));
    const url = this.loginHref(`${this.base}/login`, done.pathname + done.search);
    const popup = window.open(url, "selfserve-signin", "popup,width=480,height=640");
    if (!popup) {
      this.frame.querySelector(".signin-card")?.append(
        h("p", { class: "alert alert-error", role: "alert" }, t("app.popupBlocked")));
      return;
    }
    this.waitForSignIn();
  }

  loginHref(loginUrl, returnTo) {
    const url = new URL(loginUrl, this.href("/"));
    url.searchParams.set("returnTo", returnTo);
    return url.href;
  }

  /** After a pop-up sign-in: the pop-up tells us (same origin), or we notice by polling. */
  waitForSignIn() {
    const card = this.frame.querySelector(".signin-card");
    card?.querySelector(".waiting")?.remove();
    card?.append(h("p", { class: "waiting", role: "status" }, t("app.waitingForSignIn")));
    const started = Date.now();
    const channel = "BroadcastChannel" in window ? new BroadcastChannel("selfserve") : null;
    const stop = () => {
      clearInterval(timer);
      channel?.close();
    };
    const check = async () => {
      let signedIn = false;
      try {
        signedIn = (await this.api.get("/bff/session")).data.signed_in;
      } catch (error) {
        console.warn("selfserve: could not ask whether the sign-in finished", error);
      }
      if (!signedIn) {
        if (Date.now() - started > SIGN_IN_POLL_LIMIT_MS) stop();
        return;
      }
      stop();
      if (!this.booted) this.boot();
    };
    const timer = setInterval(check, SIGN_IN_POLL_MS);
    if (channel) channel.onmessage = (event) => event.data === "signed-in" && check();
  }

  /**
   * The session ended while in use. In the page, renew it through `login_url`
   * (silent when the tenant still knows the user) and come back to this view;
   * the metadata editor keeps unsaved edits in sessionStorage meanwhile.
   */
  sessionExpired(error) {
    if (!this.booted) return;
    this.emit("session-expired");
    const lastRenewal = Number(sessionStorage.getItem("selfserve.renewal") || 0);
    if (this.mode === "page" && Date.now() - lastRenewal > RENEWAL_GUARD_MS) {
      sessionStorage.setItem("selfserve.renewal", String(Date.now()));
      this.booted = false;
      this.frame.replaceChildren(h("div", { class: "boot" }, loading(t("app.renewing"))));
      location.assign(this.loginHref(error.body.login_url || `${this.base}/login`, this.currentPath()));
      return;
    }
    this.renderSignedOut("app.sessionEnded", "app.sessionEndedText");
    this.frame.querySelector("h1")?.focus();
  }

  async signOut() {
    const button = this.frame.querySelector(".sign-out");
    if (button) {
      button.disabled = true;
      button.textContent = t("app.signingOut");
    }
    let next = this.session?.logout_url || null;
    try {
      const response = await fetch(this.href("/logout"), {
        method: "POST",
        credentials: "include",
        redirect: "manual",
        headers: { [this.api.csrfHeader]: "1", Accept: "application/json" },
      });
      if (response.ok && (response.headers.get("Content-Type") || "").includes("json")) {
        const body = await response.json();
        next = body.logout_url || body.redirect || next;
      }
    } catch (error) {
      console.warn("selfserve: sign-out request failed", error);
    }
    this.emit("signed-out");
    this.session = null;
    writeHint(false);
    if (this.mode === "page") {
      // The tenant's logout page ends its single sign-on session, then returns here.
      location.assign(next ? new URL(next, this.href("/")).href : this.href("/"));
      return;
    }
    this.renderSignedOut("app.signedOut", "app.signInText");
  }

  /**
   * Go to a BFF page such as /link/github. The page navigates; embedded, it opens
   * in a pop-up window told this window's origin (`opener`, which the BFF checks
   * against EMBED_ALLOWED_ORIGINS). A link ends there on /embed/link-pending, which
   * posts {source: "selfserve", type: "link-pending"} here and closes itself; this
   * element then shows the confirmation step in the linked-accounts view. If the
   * user closes the pop-up by hand instead, the current view reloads.
   */
  openTopLevel(url) {
    if (this.mode === "page") {
      location.assign(url);
      return;
    }
    const target = new URL(url);
    target.searchParams.set("opener", location.origin);
    const popup = window.open(target.href, "selfserve-link", "popup,width=520,height=720");
    if (!popup) {
      this.announce(t("app.popupBlocked"));
      return;
    }
    const serviceOrigin = new URL(this.href("/")).origin;
    const finish = (view) => {
      clearInterval(timer);
      window.removeEventListener("message", onMessage);
      if (this.booted && view) this.show(view, { push: false, focus: false });
    };
    const onMessage = (event) => {
      if (event.origin !== serviceOrigin || event.source !== popup) return;
      if (event.data?.source === "selfserve" && event.data.type === "link-pending") {
        this.params = new URLSearchParams({ pending: "1" });
        finish(viewFromPath("linked-accounts"));
      }
    };
    window.addEventListener("message", onMessage);
    const timer = setInterval(() => {
      if (popup.closed) finish(this.current);
    }, POPUP_CLOSED_POLL_MS);
  }
}

if (!customElements.get("selfserve-account")) {
  customElements.define("selfserve-account", SelfServeAccount);
}
