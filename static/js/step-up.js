// Step-up in the UI: a sensitive change the BFF answers with 401
// `reauthentication_required` is explained, kept as the pending action (in
// sessionStorage: a method, a path and a label, never a token), and the browser signs
// in again through the problem's `reauth_url`, coming back to this view. The view then
// asks the user to confirm the action again, and only then sends it.

import { t } from "./messages.js";
import { alert, confirmDialog } from "./ui.js";

const PENDING = "selfserve.pendingAction";
// A pending action older than this is dropped (the sign-in transaction's lifetime).
const PENDING_MAX_MS = 10 * 60 * 1000;

/**
 * Send a sensitive change. Resolves to the answer ({status, data, etag}) when it was
 * done; false when the user must sign in again first (the page then navigates) or
 * declined. Other errors reject. `action`: {method, path, body (optional JSON), label
 * (what it does, for people), what (the "saved" event), and any JSON the view's
 * `afterSensitive(action, answer)` needs when it is resumed}. The action waits in
 * sessionStorage: never put a secret in it.
 */
export async function sendSensitive(view, action) {
  const label = action.label.replace(/\?\s*$/, "");
  try {
    return await view.ctx.api.send(action.method, action.path, action.body);
  } catch (error) {
    if (error.code !== "reauthentication_required") throw error;
    const ok = await confirmDialog(view, {
      title: t("stepup.title"),
      text: t("stepup.text", { action: label }),
      confirm: t("stepup.confirm"),
      danger: false,
    });
    if (!ok) return false;
    sessionStorage.setItem(PENDING, JSON.stringify({ ...action, label, view: view.localName, at: Date.now() }));
    const target = new URL(error.body.reauth_url, view.ctx.href("/"));
    target.searchParams.set("returnTo", location.pathname + location.search);
    view.ctx.openTopLevel(target.href);
    return false;
  }
}

/** After the view rendered: if an action of this view waits for the re-authentication,
 *  ask once more and carry it out (or drop it). */
export async function resumeSensitive(view) {
  const raw = sessionStorage.getItem(PENDING);
  if (!raw) return;
  let pending;
  try {
    pending = JSON.parse(raw);
  } catch {
    sessionStorage.removeItem(PENDING);
    return;
  }
  if (pending.view !== view.localName) return;
  sessionStorage.removeItem(PENDING);
  if (Date.now() - pending.at > PENDING_MAX_MS) return;
  const ok = await confirmDialog(view, {
    title: t("stepup.resumeTitle"),
    text: t("stepup.resumeText", { action: pending.label }),
    confirm: t("stepup.resumeConfirm"),
  });
  if (!ok) return;
  try {
    const answer = await sendSensitive(view, pending);
    if (!answer) return;
    // What the view does after the call besides reloading (e.g. drop a local key, or
    // go on with an enrollment the call started).
    if (typeof view.afterSensitive === "function") await view.afterSensitive(pending, answer);
    view.ctx.emit("saved", { what: pending.what });
    await view.run();
    view.ctx.announce(t("stepup.done", { action: pending.label }));
    // A flow the call resumed (an enrollment's next step) put the focus on its field:
    // leave it there.
    const focused = view.getRootNode().activeElement;
    if (!(focused && view.body.contains(focused))) view.focusHeading();
  } catch (error) {
    if (error.code !== "login_required") view.body.prepend(alert("error", error.userMessage));
  }
}
