// A recovery code: shown once (copy, download), confirmed when the user says it is
// saved; a new one replaces the old. Never kept in the page after the flow ends.

import { h } from "../../dom.js";
import { t } from "../../messages.js";
import { cancelButton, confirmEnrollment, startEnrollment, statusLine, step } from "./flow.js";

export const type = "recovery-code";

export async function begin(view, panel) {
  const pending = await startEnrollment(view, panel, { type }, t("enroll.recovery.action"));
  if (pending) await resume(view, panel, pending);
}

function download(code) {
  const blob = new Blob([`${t("enroll.recovery.fileIntro")}\n\n${code}\n`], { type: "text/plain" });
  const link = h("a", { href: URL.createObjectURL(blob), download: "recovery-code.txt" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

export async function resume(view, panel, pending) {
  const code = pending.recovery_code;
  const saved = h("input", { type: "checkbox", id: "recovery-saved" });
  const confirm = h("button", { type: "button", class: "button primary", disabled: true }, t("enroll.recovery.confirm"));
  saved.addEventListener("change", () => {
    confirm.disabled = !saved.checked;
  });
  step(panel, t("enroll.recovery.title"), t("enroll.recovery.text"),
    h("p", {}, h("code", { class: "enroll-secret recovery-code", "data-testid": "recovery-code" }, code)),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "button", onclick: async () => {
        try {
          await navigator.clipboard.writeText(code);
          statusLine(panel).textContent = t("enroll.recovery.copied");
        } catch {
          statusLine(panel).textContent = t("enroll.recovery.copyFailed");
        }
      } }, t("enroll.recovery.copy")),
      h("button", { type: "button", class: "button", onclick: () => download(code) }, t("enroll.recovery.download"))),
    h("label", { class: "check", for: "recovery-saved" }, saved, h("span", {}, t("enroll.recovery.saved"))),
    h("div", { class: "actions" }, confirm, cancelButton(view)));
  await new Promise((resolve, reject) => {
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      try {
        view.enrolled(await confirmEnrollment(view, panel, pending, {}), t("enroll.recovery.done"));
        resolve();
      } catch (error) {
        confirm.disabled = false;
        reject(error);
      }
    });
  });
}
