// A new password: offered when the list has a password. The start (a step-up when the
// sign-in is not recent) brings the tenant's policy; the form shows it as a checklist
// that follows what is typed (each rule met or not in words, a polite live summary). The
// tenant decides: a password it refuses keeps the form with its reason on the field.
// The password goes only into the verify request's body: never into sessionStorage (the
// start, which the step-up keeps, carries only {type}), the URL or the console.

import { h } from "../../dom.js";
import { t } from "../../messages.js";
import { cancelButton, confirmEnrollment, fieldError, startEnrollment, step } from "./flow.js";
import { serverFieldError } from "./codes.js";

export const type = "password";

/** Offered only to a user who has a password. */
export function offeredFor(methods) {
  return methods.some((method) => method.type === "password");
}

const CHARACTER_TYPES = {
  lowercase: /\p{Ll}/u,
  uppercase: /\p{Lu}/u,
  number: /\p{Nd}/u,
  special: /[^\p{L}\p{N}]/u,
};

/** The checklist's rules from the policy's `complexity`: `[{id, text, test(pw), sub?}]`. */
export function rulesOf(policy) {
  const complexity = policy?.complexity || {};
  const rules = [];
  const min = complexity.min_length || 0;
  if (min > 0) {
    rules.push({ id: "length", text: t("enroll.password.ruleLength", { count: min }),
      test: (password) => [...password].length >= min });
  }
  const types = (complexity.character_types || []).filter((name) => CHARACTER_TYPES[name]);
  if (types.length) {
    const needed = complexity.character_type_rule === "three_of_four" ? Math.min(3, types.length) : types.length;
    const sub = types.map((name) => ({ id: name, text: t(`enroll.password.type.${name}`),
      test: (password) => CHARACTER_TYPES[name].test(password) }));
    rules.push({ id: "types", sub,
      text: needed === types.length ? t("enroll.password.ruleAll")
        : t("enroll.password.ruleSome", { count: needed, total: types.length }),
      test: (password) => sub.filter((rule) => rule.test(password)).length >= needed });
  }
  return rules;
}

function ruleItem(rule) {
  const state = h("span", { class: "rule-state" });
  const subs = (rule.sub || []).map(ruleItem);
  const item = h("li", { class: "password-rule", "data-rule": rule.id }, state, " ", h("span", {}, rule.text),
    subs.length ? h("ul", { class: "password-rules" }, subs.map((sub) => sub.item)) : null);
  return { item, rule, state, subs };
}

/** Mark a rule (and its parts) met or not, in words as well as by style. */
function mark({ item, rule, state, subs }, password) {
  const met = rule.test(password);
  item.dataset.met = String(met);
  state.textContent = met ? t("enroll.password.met") : t("enroll.password.unmet");
  subs.forEach((sub) => mark(sub, password));
}

export async function begin(view, panel) {
  const pending = await startEnrollment(view, panel, { type }, t("enroll.password.action"));
  if (pending) await resume(view, panel, pending);
}

export function resume(view, panel, pending) {
  const rules = rulesOf(pending.password_policy);
  const input = h("input", { id: "new-password", type: "password", autocomplete: "new-password",
    maxlength: "256", required: true, "aria-describedby": "password-rules-title" });
  const again = h("input", { id: "new-password-again", type: "password", autocomplete: "new-password",
    maxlength: "256", required: true });
  const error = fieldError(input, "new-password-error");
  const againError = fieldError(again, "new-password-again-error");
  const items = rules.map(ruleItem);
  const summary = h("p", { class: "muted small", id: "password-rules-summary", role: "status", "aria-live": "polite" });
  const update = () => {
    const password = input.value;
    items.forEach((item) => mark(item, password));
    const unmet = rules.filter((rule) => !rule.test(password)).length;
    summary.textContent = !password ? ""
      : unmet ? t("enroll.password.summaryUnmet", { count: unmet }) : t("enroll.password.summaryMet");
  };
  const toggle = h("button", { type: "button", class: "button", "aria-pressed": "false",
    "aria-controls": "new-password new-password-again" }, t("enroll.password.show"));
  toggle.addEventListener("click", () => {
    const show = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", String(show));
    input.type = again.type = show ? "text" : "password";
  });
  const button = h("button", { type: "submit", class: "button primary" }, t("enroll.password.submit"));
  step(panel, t("enroll.password.title"), t("enroll.password.text"));
  return new Promise((resolve, reject) => {
    const form = h("form", { class: "enroll-password", novalidate: true, "data-enrollment-id": pending.id, onsubmit: async (event) => {
      event.preventDefault();
      error.clear();
      againError.clear();
      if (!input.value) {
        error.show(t("enroll.password.missing"));
        return;
      }
      if (again.value !== input.value) {
        againError.show(t("enroll.password.mismatch"));
        return;
      }
      button.disabled = true;
      try {
        const result = await confirmEnrollment(view, panel, pending, { new_password: input.value });
        input.value = again.value = "";
        view.enrolled({ ...result, notice: result.notice || t("enroll.password.otherSessions") },
          t("enroll.password.done"));
        resolve();
      } catch (failure) {
        const onField = serverFieldError(failure, "new_password");
        if (failure.code === "password_rejected" || onField) {
          error.show(onField || failure.body.detail || t("enroll.password.rejected"));
          input.select();
        } else {
          reject(failure);
        }
      } finally {
        button.disabled = false;
      }
    } },
    h("div", { class: "field" },
      h("label", { for: "new-password" }, t("enroll.password.newLabel")), input, error.node),
    h("div", { class: "password-policy" },
      h("p", { id: "password-rules-title", class: "muted small" }, t("enroll.password.rulesTitle")),
      h("ul", { class: "password-rules", "data-testid": "password-rules" }, items.map(({ item }) => item)),
      summary),
    h("div", { class: "field" },
      h("label", { for: "new-password-again" }, t("enroll.password.againLabel")), again, againError.node),
    h("div", { class: "actions" }, toggle),
    h("div", { class: "actions" }, button, cancelButton(view)));
    input.addEventListener("input", update);
    update();
    panel.append(form);
    input.focus();
  });
}
