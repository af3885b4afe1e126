// An authenticator app: the QR code (drawn by the BFF from the otpauth URI, shown as an
// image so its markup never runs), the same secret to type in by hand, then the app's
// 6-digit code to confirm.

import { h } from "../../dom.js";
import { t } from "../../messages.js";
import { codeForm, startEnrollment, step } from "./flow.js";

export const type = "totp";

export async function begin(view, panel) {
  const pending = await startEnrollment(view, panel, { type }, t("enroll.totp.action"));
  if (pending) await resume(view, panel, pending);
}

export async function resume(view, panel, pending) {
  const { qr_svg: svg, manual_input_code: secret } = pending.totp;
  step(panel, t("enroll.totp.scanTitle"), t("enroll.totp.scanText"),
    h("div", { class: "enroll-qr" },
      h("img", { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
        alt: t("enroll.totp.qrAlt"), width: "200", height: "200", "data-testid": "totp-qr" }),
      h("div", {},
        h("p", { class: "muted small" }, t("enroll.totp.manual")),
        h("code", { class: "enroll-secret", "data-testid": "totp-secret" }, secret.replace(/(.{4})/g, "$1 ").trim()))));
  const result = await codeForm(view, panel, pending, {
    label: t("enroll.totp.codeLabel"), help: t("enroll.totp.codeHelp"), shortLived: true });
  view.enrolled(result, t("enroll.totp.done"));
}
