// Adding a sign-in method (or a new password): the steps every kind shares.
//
// Contract: `startEnrollment(view, panel, body, label)` sends POST
// /api/me/authentication-methods as a sensitive action (step-up.js: when the sign-in is
// too old the page signs in again and the view resumes the start, then calls the kind's
// `resume(view, panel, pending)`), and resolves to the pending enrollment, or null when
// the page navigates for the re-authentication. `confirmEnrollment(view, panel, pending,
// proof)` sends POST …/{id}/verify and resolves to `{method, notice}`. Both wait out the
// tenant's rate limits in the open: a 429 shows a countdown in the panel's status line
// and the same request goes again when it ends (the enrollment waits on the server, so
// nothing is added twice). Other errors reject as ApiError for the kind to show.

import { h } from "../../dom.js";
import { t } from "../../messages.js";
import { sendSensitive } from "../../step-up.js";

export const METHODS_PATH = "/api/me/authentication-methods";
// How many 429s in a row are waited out before the user is asked to try again.
const RATE_LIMIT_TRIES = 3;

/** The panel's status line (created on first use): what is happening now. */
export function statusLine(panel) {
  let line = panel.querySelector(".enroll-status");
  if (!line) {
    line = h("p", { class: "enroll-status muted", role: "status", "aria-live": "polite" });
    panel.append(line);
  }
  return line;
}

/** Count `seconds` down in `line` (`sentence(left)` each second); resolves true when
 *  the wait is over, false as soon as `line` has left the page (the view moved on). */
export function countDown(line, seconds, sentence) {
  return new Promise((resolve) => {
    let left = Math.max(1, Math.ceil(seconds));
    const tick = () => {
      if (left <= 0 || (!line.isConnected && line.textContent)) {
        resolve(left <= 0);
        return;
      }
      line.textContent = sentence(left);
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  });
}

async function rateLimitWait(panel, seconds) {
  const line = statusLine(panel);
  line.dataset.testid = "rate-limit-wait";
  await countDown(line, seconds, (left) => t("enroll.rateLimited", { seconds: left }));
  line.textContent = t("enroll.retrying");
  delete line.dataset.testid;
}

/** `send()` again after each 429 `rate_limited`, once its wait is over. `resend:
 *  false`: after the wait, reject with code `waited` instead (a proof that may have
 *  gone stale meanwhile, like an authenticator app's 30-second code, is asked anew). */
export async function withRateLimitWaits(panel, send, { resend = true } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (error.code !== "rate_limited" || attempt >= RATE_LIMIT_TRIES) throw error;
      await rateLimitWait(panel, error.body.retry_after ?? 5);
      if (!resend) {
        statusLine(panel).textContent = "";
        throw Object.assign(new Error("waited"), { code: "waited" });
      }
    }
  }
}

export async function startEnrollment(view, panel, body, label) {
  const action = { method: "POST", path: METHODS_PATH, body, label, what: "enrollment",
    kind: body.type };
  const sent = await withRateLimitWaits(panel, () => sendSensitive(view, action));
  return sent ? sent.data : null;
}

export async function confirmEnrollment(view, panel, pending, proof, options = {}) {
  const path = `${METHODS_PATH}/${encodeURIComponent(pending.id)}/verify`;
  const { data } = await withRateLimitWaits(panel, () => view.ctx.api.send("POST", path, proof), options);
  return data;
}

/** A step of a flow: its heading (focused, so a screen reader hears where the user is),
 *  what happens next, and the step's own content. */
export function step(panel, title, text, ...content) {
  const heading = h("h3", { class: "small-heading", tabindex: "-1" }, title);
  panel.replaceChildren(heading, text ? h("p", { class: "muted" }, text) : null, ...content);
  heading.focus();
  return heading;
}

/** A field's error line, wired to its input (aria-describedby, aria-invalid). */
export function fieldError(input, id) {
  const error = h("p", { id, class: "field-error", "aria-live": "polite" });
  input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
  return {
    node: error,
    show(message) {
      error.textContent = message;
      input.setAttribute("aria-invalid", "true");
      input.focus();
    },
    clear() {
      error.textContent = "";
      input.removeAttribute("aria-invalid");
    },
  };
}

/** A one-time code form (authenticator app, e-mail, phone): confirms `pending` with the
 *  code; a wrong code says so and the user tries again; resolves with the result.
 *  `shortLived`: the code changes every 30 s, so after a rate-limit wait the user is
 *  asked for the newest one rather than the old one being sent again. */
export function codeForm(view, panel, pending, { label, help, shortLived = false }) {
  return new Promise((resolve, reject) => {
    const input = h("input", { id: "enroll-code", type: "text", inputmode: "numeric",
      autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: "6", required: true,
      "aria-describedby": "enroll-code-help" });
    const error = fieldError(input, "enroll-code-error");
    const button = h("button", { type: "submit", class: "button primary" }, t("enroll.confirm"));
    const form = h("form", { class: "enroll-code", novalidate: true, "data-enrollment-id": pending.id, onsubmit: async (event) => {
      event.preventDefault();
      const code = input.value.replace(/\s+/g, "");
      if (!/^[0-9]{6}$/.test(code)) {
        error.show(t("enroll.codeFormat"));
        return;
      }
      error.clear();
      button.disabled = true;
      try {
        resolve(await confirmEnrollment(view, panel, pending, { otp_code: code },
          { resend: !shortLived }));
      } catch (failure) {
        if (failure.code === "wrong_code") {
          error.show(t("enroll.wrongCode"));
          input.select();
        } else if (failure.code === "waited") {
          input.value = "";
          error.show(t("enroll.newestCode"));
        } else {
          reject(failure);
        }
      } finally {
        button.disabled = false;
      }
    } },
    h("div", { class: "field" },
      h("label", { for: "enroll-code" }, label), input,
      h("p", { id: "enroll-code-help", class: "muted small" }, help), error.node),
    h("div", { class: "actions" }, button, cancelButton(view)));
    panel.append(form);
    input.focus();
  });
}

/** Leave the flow: the pending enrollment simply expires on the server. */
export function cancelButton(view) {
  return h("button", { type: "button", class: "button", onclick: () => view.closeEnrollment() },
    t("enroll.cancel"));
}
