// A passkey: the BFF passes on the tenant's creation options, the browser makes the
// passkey (navigator.credentials.create, after the user presses the button: some
// browsers create only on a user's gesture, and after a step-up there was none), and
// the credential goes back to be verified. What can go wrong is said in the panel, with
// the way to try again: no WebAuthn in this browser, the user cancelled (or the
// authenticator refused), the page not under the passkeys' domain (rp.id; see
// docs/passkeys.md), the tenant refusing the credential (its reason shown).

import { h } from "../../dom.js";
import { t } from "../../messages.js";
import { ApiError } from "../../api.js";
import { alert } from "../../ui.js";
import { cancelButton, confirmEnrollment, startEnrollment, statusLine, step } from "./flow.js";

export const type = "passkey";

/** Whether this browser can make a passkey from JSON options (WebAuthn Level 3). */
export function supported() {
  return typeof window.PublicKeyCredential === "function"
    && typeof window.PublicKeyCredential.parseCreationOptionsFromJSON === "function"
    && typeof navigator.credentials?.create === "function";
}

export async function begin(view, panel) {
  if (!supported()) {
    step(panel, t("enroll.passkey.title"), null,
      alert("error", t("enroll.passkey.unsupported")),
      h("div", { class: "actions" }, cancelButton(view)));
    return;
  }
  const pending = await startEnrollment(view, panel, { type }, t("enroll.passkey.action"));
  if (pending) await resume(view, panel, pending);
}

/** The sentence for a ceremony the browser ended with `error` (a DOMException). */
function ceremonyFailure(error, options) {
  switch (error?.name) {
    case "NotAllowedError":
    case "AbortError":
      return t("enroll.passkey.cancelled");
    case "InvalidStateError":
      return t("enroll.passkey.alreadyThere");
    case "SecurityError":
      return t("enroll.passkey.wrongSite", { rpId: options?.rp?.id ?? "?", host: location.hostname });
    case "NotSupportedError":
      return t("enroll.passkey.unsupported");
    default:
      return t("enroll.passkey.failed", { reason: error?.message || String(error) });
  }
}

export async function resume(view, panel, pending) {
  const options = pending.passkey_options;
  const problem = h("div", { "data-testid": "passkey-error" });
  const create = h("button", { type: "button", class: "button primary" }, t("enroll.passkey.create"));
  step(panel, t("enroll.passkey.title"), t("enroll.passkey.text"), problem,
    h("div", { class: "actions" }, create, cancelButton(view)));
  const status = statusLine(panel);
  const failed = (sentence) => {
    status.textContent = "";
    problem.replaceChildren(alert("error", sentence));
    create.textContent = t("enroll.passkey.tryAgain");
    create.disabled = false;
    create.focus();
  };
  // After a refused credential the authenticator has made one for this challenge
  // already: trying again starts a new enrollment rather than asking for another.
  let startAgain = false;
  await new Promise((resolve, reject) => {
    create.addEventListener("click", async () => {
      if (startAgain) {
        begin(view, panel).then(resolve, reject);
        return;
      }
      create.disabled = true;
      problem.replaceChildren();
      status.textContent = t("enroll.passkey.waiting");
      let credential;
      try {
        const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
        credential = await navigator.credentials.create({ publicKey });
        if (!credential) throw new DOMException("no credential", "NotAllowedError");
      } catch (error) {
        failed(ceremonyFailure(error, options));
        return;
      }
      status.textContent = t("enroll.passkey.checking");
      try {
        const result = await confirmEnrollment(view, panel, pending, { authn_response: credential.toJSON() });
        resolve(view.enrolled(result, t("enroll.passkey.done")));
      } catch (error) {
        if (error instanceof ApiError && error.code === "passkey_rejected") {
          startAgain = true;
          failed(t("enroll.passkey.rejected", { reason: error.userMessage }));
        } else if (error instanceof ApiError && error.code === "passkey_exists") {
          startAgain = true;
          failed(error.userMessage);
        } else {
          reject(error);
        }
      }
    });
  });
}
