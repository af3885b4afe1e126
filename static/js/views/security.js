// Sign-in methods (the route "security"): how you sign in (the My Account API's list of
// methods, where the tenant grants this page a /me/ token; otherwise why not), what can
// be added (each kind's steps in views/enroll/), then the Management API's MFA
// enrollments that list does not already show (all of them without it) with type, name,
// enrolment date and last use; removal with a confirmation that says what happens.

import { LoginRequired } from "../api.js";
import { formatDate, h } from "../dom.js";
import { has, t } from "../messages.js";
import { sendSensitive } from "../step-up.js";
import { View, alert, confirmDialog, empty } from "../ui.js";
import * as email from "./enroll/email.js";
import { countDown, fieldError } from "./enroll/flow.js";
import * as passkey from "./enroll/passkey.js";
import * as password from "./enroll/password.js";
import * as phone from "./enroll/phone.js";
import * as recoveryCode from "./enroll/recovery-code.js";
import * as totp from "./enroll/totp.js";

/** The kinds that can be added here, in the order the page offers them. Each module:
 *  `type`, `begin(view, panel)`, `resume(view, panel, pending)` (after a step-up), and
 *  optionally `offeredFor(methods)` (password: only to a user who has one). */
const KINDS = [passkey, totp, recoveryCode, email, phone, password];

/** The provider DELETE /api/me/multifactor/<provider> takes for an enrollment. */
export function providerOf(enrollment) {
  if (enrollment.provider) return enrollment.provider;
  if (enrollment.type === "duo") return "duo";
  return "google-authenticator";
}

function typeLabel(enrollment) {
  const key = `security.type.${enrollment.type}`;
  return has(key) ? t(key) : String(enrollment.type || "");
}

class SecurityView extends View {
  title = t("security.title");
  intro = t("security.intro");

  async load() {
    const [{ data }, signIn] = await Promise.all([
      this.ctx.api.get("/api/me/enrollments"), this.signInMethods()]);
    return { enrollments: data.enrollments || [], signIn };
  }

  /** `{ methods, factors }` from the My Account API (`factors`: the types the tenant
   *  enables, or null when this page may not ask), `{ retryAfter }` while the tenant's
   *  rate limit holds, or `{ unavailable: sentence }`. */
  async signInMethods() {
    const known = this.ctx.myAccount || {};
    // The BFF already knows it has no token: say why without a request that must fail.
    if (known.available === false) return { unavailable: known.detail || t("error.generic", { status: 403 }) };
    const scopes = known.scopes || [];
    const factors = scopes.includes("read:me:factors")
      ? this.ctx.api.get("/api/me/factors").then(({ data }) => data.factors.map((f) => f.type), () => null)
      : Promise.resolve(null);
    try {
      const { data } = await this.ctx.api.get("/api/me/authentication-methods");
      return { methods: data.methods || [], factors: await factors,
        canAdd: !known.scopes || scopes.includes("create:me:authentication_methods") };
    } catch (error) {
      if (error instanceof LoginRequired) throw error;
      if (error.code === "rate_limited") return { retryAfter: error.body.retry_after ?? 5 };
      return { unavailable: error.userMessage };
    }
  }

  render({ enrollments, signIn }) {
    this.message = h("div", { class: "security-message" });
    if (this.resumed && !signIn.methods) {
      // Signed in again for an enrollment, but the list cannot be shown: say so.
      this.resumed = null;
      this.message.append(alert("error", t("enroll.resumeFailed")));
    }
    return [this.message, this.signInCard(signIn), signIn.methods ? this.addCard(signIn) : null,
      this.enrollmentsCard(enrollments, signIn.methods)];
  }

  /** The Management API's MFA enrollments, folded into one picture: with the My Account
   *  list on the page, only those it does not show (a Duo or Guardian push enrollment)
   *  get a card of their own; without it, all of them, as before. */
  enrollmentsCard(enrollments, methods) {
    if (methods) {
      const shown = new Set(methods.flatMap((m) => [m.id, m.id.slice(m.id.indexOf("|") + 1)]));
      const others = enrollments.filter((enrollment) => !shown.has(enrollment.id));
      if (!others.length) return null;
      return h("section", { class: "card", "aria-labelledby": "mfa-title" },
        h("h2", { id: "mfa-title" }, t("security.otherFactorsTitle")),
        h("ul", { class: "item-list" }, others.map((enrollment) => this.item(enrollment))));
    }
    return h("section", { class: "card", "aria-labelledby": "mfa-title" },
      h("h2", { id: "mfa-title" }, t("security.mfaTitle")),
      enrollments.length
        ? h("ul", { class: "item-list" }, enrollments.map((enrollment) => this.item(enrollment)))
        : empty(t("security.empty")));
  }

  signInCard({ methods, unavailable, retryAfter }) {
    let body;
    if (methods) {
      body = h("ul", { class: "item-list", "data-testid": "sign-in-methods" }, methods.map((method) => this.method(method)));
    } else if (retryAfter) {
      body = this.waitAndReload(retryAfter);
    } else {
      body = h("p", { class: "muted", "data-testid": "sign-in-methods-unavailable" },
        t("security.methodsUnavailable", { reason: unavailable }));
    }
    return h("section", { class: "card", "aria-labelledby": "methods-title" },
      h("h2", { id: "methods-title" }, t("security.methodsTitle")), body);
  }

  method(method) {
    const label = typeLabel(method);
    const detail = method.name || method.email || method.phone_number || method.user_agent || null;
    return h("li", { class: "item sign-in-method", "data-id": method.id, "data-type": method.type },
      h("div", { class: "item-main" },
        h("p", { class: "item-title" }, label, detail ? h("span", { class: "muted" }, ` · ${detail}`) : null,
          h("span", { class: "badge" }, t(method.usage?.includes("primary") ? "security.usage.primary" : "security.usage.secondary"))),
        h("dl", { class: "facts compact" },
          h("dt", {}, t("security.enrolledAt")), h("dd", {}, formatDate(method.created_at) || "—"),
          h("dt", {}, t("security.lastAuth")), h("dd", {}, formatDate(method.last_auth_at) || t("profile.never")))),
      method.type === "password" ? null
        : h("div", { class: "actions" },
          method.name || method.type === "passkey" ? h("button", { type: "button", class: "button",
            "aria-label": t("security.renameLabel", { name: detail || label }),
            onclick: (event) => this.renameForm(event.currentTarget.closest("li"), method) }, t("security.rename")) : null,
          h("button", { type: "button", class: "button danger-outline",
            "aria-label": t("security.removeLabel", { name: detail || label }),
            onclick: () => this.removeMethod(method, detail || label) }, t("security.remove"))));
  }

  /** Rename a method in place: a form in its row; the PATCH's answer is the new list. */
  renameForm(row, method) {
    if (row.querySelector("form.rename")) return;
    const id = `rename-${row.dataset.id.replace(/[^\w-]/g, "_")}`;
    const input = h("input", { id, type: "text", value: method.name, maxlength: "100",
      required: true, autocomplete: "off", "aria-describedby": `${id}-help` });
    const error = fieldError(input, `${id}-error`);
    const opener = row.querySelector(".actions");
    const close = () => {
      form.remove();
      opener.hidden = false;
      opener.querySelector("button").focus();
    };
    const save = h("button", { type: "submit", class: "button primary" }, t("security.renameSave"));
    const form = h("form", { class: "rename", novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (!name) {
        error.show(t("security.renameRequired"));
        return;
      }
      error.clear();
      save.disabled = true;
      try {
        const path = `/api/me/authentication-methods/${encodeURIComponent(method.id)}`;
        const { data } = await this.ctx.api.send("PATCH", path, { name });
        this.ctx.emit("saved", { what: "sign_in_method", type: method.type });
        await this.run();
        // Auth0 lists no name for a passkey: the rename is kept there but not shown.
        const sentence = t(data?.name === name ? "security.renamed" : "security.renamedUnlisted", { name });
        if (data?.name !== name) this.message.replaceChildren(alert("info", sentence));
        this.ctx.announce(sentence);
        this.focusHeading();
      } catch (failure) {
        save.disabled = false;
        if (failure.code !== "login_required") error.show(failure.userMessage);
      }
    } },
    h("div", { class: "field" },
      h("label", { for: id }, t("security.renameField")), input,
      h("p", { id: `${id}-help`, class: "muted small" }, t("security.renameHelp")), error.node),
    h("div", { class: "actions" }, save,
      h("button", { type: "button", class: "button", onclick: close }, t("enroll.cancel"))));
    opener.hidden = true;
    row.append(form);
    input.focus();
    input.select();
  }

  /** The tenant's rate limit holds: say how long, then load the view again by itself. */
  waitAndReload(seconds) {
    const line = h("p", { class: "muted", role: "status", "data-testid": "rate-limit-wait" });
    countDown(line, seconds, (left) => t("enroll.listRateLimited", { seconds: left }))
      .then((over) => over && this.run());
    return line;
  }

  /** "Add a way to sign in": a button per kind the tenant enables (all of them when
   *  its factors are not known); the chosen kind's steps in the panel. */
  addCard({ methods, factors, canAdd }) {
    if (!canAdd) {
      return h("section", { class: "card", "aria-labelledby": "add-method-title" },
        h("h2", { id: "add-method-title" }, t("enroll.title")),
        h("p", { class: "muted", "data-testid": "enroll-unavailable" }, t("enroll.notGranted")));
    }
    this.panel = h("div", { class: "enroll-panel", "data-testid": "enroll-panel" });
    const hasRecovery = methods.some((method) => method.type === "recovery-code");
    const offered = KINDS.filter((kind) => (!factors || factors.includes(kind.type))
      && (!kind.offeredFor || kind.offeredFor(methods)));
    const buttons = offered.map((kind) => h("button", {
      type: "button", class: "button", "data-kind": kind.type,
      onclick: () => this.enroll(kind),
    }, t(kind.type === "recovery-code" && hasRecovery ? "enroll.recovery-code.replace" : `enroll.${kind.type}.add`)));
    this.addButtons = buttons.length ? h("div", { class: "actions enroll-choices" }, buttons)
      : h("p", { class: "muted", "data-testid": "enroll-none" }, t("enroll.noneEnabled"));
    const card = h("section", { class: "card", "aria-labelledby": "add-method-title" },
      h("h2", { id: "add-method-title" }, t("enroll.title")),
      h("p", { class: "muted" }, t("enroll.intro")), this.addButtons, this.panel);
    if (this.resumed) {
      const { kind, pending } = this.resumed;
      this.resumed = null;
      queueMicrotask(() => this.runFlow(kind, (view, panel) => kind.resume(view, panel, pending)));
    }
    return card;
  }

  enroll(kind) {
    return this.runFlow(kind, (view, panel) => kind.begin(view, panel));
  }

  /** Run one kind's steps in the panel; an error is shown there, with the way back. */
  async runFlow(kind, steps) {
    this.addButtons.hidden = true;
    this.panel.replaceChildren();
    this.panel.dataset.kind = kind.type;
    try {
      await steps(this, this.panel);
    } catch (error) {
      if (error.code === "login_required") return;
      this.panel.replaceChildren(alert("error", error.userMessage || t("error.generic", { status: error.status ?? 0 })),
        h("div", { class: "actions" }, h("button", { type: "button", class: "button",
          onclick: () => this.closeEnrollment() }, t("enroll.back"))));
      this.panel.querySelector("button").focus();
    }
  }

  /** A step-up came back: go on with the enrollment its start began (true: the flow
   *  takes the focus from here, see step-up.js). */
  afterSensitive(action, answer) {
    const kind = KINDS.find((k) => k.type === action.kind);
    if (action.what !== "enrollment" || !kind) return false;
    this.resumed = { kind, pending: answer.data };
    return true;
  }

  closeEnrollment() {
    this.panel.replaceChildren();
    delete this.panel.dataset.kind;
    this.addButtons.hidden = false;
    this.addButtons.querySelector("button")?.focus();
  }

  /** A kind's flow ended well: say so (and any notice), and show the new list. */
  async enrolled(result, sentence) {
    this.ctx.emit("saved", { what: "sign_in_method", type: result.method.type });
    await this.run();
    if (result.notice) this.message.replaceChildren(alert("warning", result.notice));
    this.ctx.announce(sentence);
    this.focusHeading();
  }

  async removeMethod(method, name) {
    const ok = await confirmDialog(this, {
      title: t("security.removeTitle", { name }),
      text: t("security.removeMethodText", { name }),
      confirm: t("security.removeConfirm"),
    });
    if (!ok) return;
    try {
      const path = `/api/me/authentication-methods/${encodeURIComponent(method.id)}`;
      if (!(await sendSensitive(this, { method: "DELETE", path, what: "sign_in_method", label: t("security.removeTitle", { name }) }))) return;
      this.ctx.emit("saved", { what: "sign_in_method", type: method.type });
      await this.run();
      this.ctx.announce(t("security.removed", { name }));
      this.focusHeading();
    } catch (error) {
      if (error.code !== "login_required") this.message.replaceChildren(alert("error", error.userMessage));
    }
  }

  item(enrollment) {
    const label = typeLabel(enrollment);
    const name = enrollment.name || enrollment.identifier || label;
    return h("li", { class: "item enrollment", "data-id": enrollment.id },
      h("div", { class: "item-main" },
        h("p", { class: "item-title" }, name,
          enrollment.status ? h("span", { class: `badge ${enrollment.status === "confirmed" ? "badge-success" : ""}` },
            has(`security.status.${enrollment.status}`) ? t(`security.status.${enrollment.status}`) : enrollment.status) : null),
        h("dl", { class: "facts compact" },
          h("dt", {}, t("security.type")), h("dd", {}, label),
          enrollment.identifier && enrollment.identifier !== name
            ? [h("dt", {}, t("security.name")), h("dd", {}, enrollment.identifier)] : null,
          h("dt", {}, t("security.enrolledAt")), h("dd", {}, formatDate(enrollment.enrolled_at) || "—"),
          h("dt", {}, t("security.lastAuth")), h("dd", {}, formatDate(enrollment.last_auth) || t("profile.never")))),
      h("button", { type: "button", class: "button danger-outline",
        "aria-label": t("security.removeLabel", { name }),
        onclick: () => this.remove(enrollment, label) }, t("security.remove")));
  }

  async remove(enrollment, label) {
    const ok = await confirmDialog(this, {
      title: t("security.removeTitle", { name: label }),
      text: t("security.removeText", { name: label }),
      confirm: t("security.removeConfirm"),
    });
    if (!ok) return;
    try {
      const path = `/api/me/multifactor/${encodeURIComponent(providerOf(enrollment))}`;
      if (!(await sendSensitive(this, { method: "DELETE", path, what: "mfa", label: t("security.removeTitle", { name: label }) }))) return;
      this.ctx.emit("saved", { what: "mfa", provider: providerOf(enrollment) });
      await this.run();
      this.ctx.announce(t("security.removed", { name: label }));
      this.focusHeading();
    } catch (error) {
      if (error.code !== "login_required") this.message.replaceChildren(alert("error", error.userMessage));
    }
  }
}

customElements.define("ss-security-view", SecurityView);
