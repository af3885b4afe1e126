// What the e-mail and phone kinds share: a small form for where the codes go (checked
// here first, then by the server, whose field errors land on the field too), the start,
// then "We sent a code to …" and the one-time code form.

import { h } from "../../dom.js";
import { t } from "../../messages.js";
import { cancelButton, codeForm, fieldError, startEnrollment, step } from "./flow.js";

/** The server's error for `field`, if it names it: problem `errors[]` (`path` like
 *  `/email`) or the problem's own `field`. */
export function serverFieldError(failure, field) {
  const body = failure?.body || {};
  if (![400, 422].includes(failure?.status)) return null;
  const named = (body.errors || []).find((error) => String(error.path || "").replace(/^\//, "") === field);
  if (named) return named.message || body.detail || null;
  return body.field === field ? body.detail || null : null;
}

/**
 * The "where do the codes go" form: `input` (the main field), `extra` (more of the
 * form), `read()` answers `{body}` or `{error}` (shown on the main input), `field` is
 * the request body's name of the main input. Resolves with the pending enrollment, or
 * stays open while a step-up is declined or under way; rejects on errors it cannot place.
 */
export function destinationForm(view, panel, { input, extra = [], read, field, label, help }) {
  return new Promise((resolve, reject) => {
    const error = fieldError(input, `${input.id}-error`);
    const button = h("button", { type: "submit", class: "button primary" }, t("enroll.sendCode"));
    const form = h("form", { class: "enroll-destination", novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const checked = read();
      if (checked.error) {
        error.show(checked.error);
        return;
      }
      error.clear();
      button.disabled = true;
      try {
        // null: the step-up was declined (the form stays) or the page navigates for it.
        const pending = await startEnrollment(view, panel, checked.body, label);
        if (pending) resolve(pending);
      } catch (failure) {
        const message = serverFieldError(failure, field);
        if (message) error.show(message);
        else reject(failure);
      } finally {
        button.disabled = false;
      }
    } },
    h("div", { class: "field" },
      h("label", { for: input.id }, t(`enroll.${field}.label`)), input,
      h("p", { id: `${input.id}-help`, class: "muted small" }, help), error.node),
    ...extra,
    h("div", { class: "actions" }, button, cancelButton(view)));
    input.setAttribute("aria-describedby", [`${input.id}-help`, input.getAttribute("aria-describedby")].filter(Boolean).join(" "));
    panel.append(form);
    input.focus();
  });
}

/** After the start: where the code went, then the code form; ends the flow. */
export async function confirmCode(view, panel, pending, { title, label, help, done }) {
  step(panel, title, t("enroll.codeSent", { to: pending.code_sent_to || "" }));
  const result = await codeForm(view, panel, pending, { label, help });
  view.enrolled(result, done);
}

export { step };
