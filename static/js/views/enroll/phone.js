// A phone number for one-time codes: the number in international (E.164) form and
// whether the code comes by text message or by a call, a code sent there (the local
// tenant's outbox), the code to confirm.

import { h } from "../../dom.js";
import { t } from "../../messages.js";
import { confirmCode, destinationForm, step } from "./codes.js";

export const type = "phone";
const E164 = /^\+[1-9][0-9]{5,14}$/;

/** What people type ("+1 (555) 123-4567") as E.164, or null. */
export function e164(value) {
  const compact = value.trim().replace(/[\s().-]/g, "").replace(/^00/, "+");
  return E164.test(compact) ? compact : null;
}

function choice(value, checked) {
  const id = `enroll-phone-${value}`;
  return h("label", { class: "check", for: id },
    h("input", { type: "radio", id, name: "enroll-phone-how", value, checked }),
    h("span", {}, t(`enroll.phone.${value}`)));
}

export async function begin(view, panel) {
  step(panel, t("enroll.phone.title"), t("enroll.phone.text"));
  const input = h("input", { id: "enroll-phone", type: "tel", autocomplete: "tel",
    inputmode: "tel", maxlength: "24", placeholder: "+15551234567", required: true });
  const how = h("fieldset", { class: "field" },
    h("legend", {}, t("enroll.phone.how")), choice("sms", true), choice("voice", false));
  const pending = await destinationForm(view, panel, {
    input, extra: [how], field: "phone_number", label: t("enroll.phone.action"),
    help: t("enroll.phone.help"),
    read: () => {
      if (!input.value.trim()) return { error: t("enroll.phone.missing") };
      const number = e164(input.value);
      if (!number) return { error: t("enroll.phone.invalid") };
      const preferred = how.querySelector("input:checked")?.value || "sms";
      return { body: { type, phone_number: number, preferred_authentication_method: preferred } };
    },
  });
  await resume(view, panel, pending);
}

export function resume(view, panel, pending) {
  return confirmCode(view, panel, pending, {
    title: t("enroll.phone.codeTitle"), label: t("enroll.phone.codeLabel"),
    help: t("enroll.codeHelp"), done: t("enroll.phone.done") });
}
