// An e-mail address for one-time codes: the address (checked here, then by the server),
// a code sent there (the local tenant's outbox), the code to confirm.

import { h } from "../../dom.js";
import { t } from "../../messages.js";
import { confirmCode, destinationForm, step } from "./codes.js";

export const type = "email";
const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export async function begin(view, panel) {
  step(panel, t("enroll.email.title"), t("enroll.email.text"));
  const input = h("input", { id: "enroll-email", type: "email", autocomplete: "email",
    inputmode: "email", spellcheck: "false", maxlength: "254", required: true });
  const pending = await destinationForm(view, panel, {
    input, field: "email", label: t("enroll.email.action"), help: t("enroll.email.help"),
    read: () => {
      const email = input.value.trim();
      if (!email) return { error: t("enroll.email.missing") };
      if (email.length > 254 || !ADDRESS.test(email)) return { error: t("enroll.email.invalid") };
      return { body: { type, email } };
    },
  });
  await resume(view, panel, pending);
}

export function resume(view, panel, pending) {
  return confirmCode(view, panel, pending, {
    title: t("enroll.email.codeTitle"), label: t("enroll.email.codeLabel"),
    help: t("enroll.codeHelp"), done: t("enroll.email.done") });
}
