// Sessions: every browser signed in to this account page, with browser, OS, the
// network it signed in from and when; end one, or every one but this.

import { formatDate, h } from "../dom.js";
import { t } from "../messages.js";
import { sendSensitive } from "../step-up.js";
import { View, alert, confirmDialog } from "../ui.js";

class SessionsView extends View {
  title = t("sessions.title");
  intro = t("sessions.intro");

  async load() {
    const { data } = await this.ctx.api.get("/api/me/sessions");
    return data.sessions || [];
  }

  render(sessions) {
    this.message = h("div", { class: "sessions-message" });
    const others = sessions.filter((session) => !session.current);
    return [
      this.message,
      h("section", { class: "card", "aria-labelledby": "sessions-list-title" },
        h("h2", { id: "sessions-list-title", class: "visually-hidden" }, t("sessions.title")),
        h("ul", { class: "item-list" }, sessions.map((session) => this.item(session))),
        others.length
          ? h("div", { class: "actions" },
            h("button", { type: "button", class: "button danger-outline",
              onclick: () => this.signOutOthers(others.length) }, t("sessions.signOutOthers")))
          : h("p", { class: "muted" }, t("sessions.onlyThis"))),
    ];
  }

  item(session) {
    const name = t("sessions.name", { browser: session.browser, os: session.os });
    return h("li", { class: "item session", "data-id": session.id },
      h("div", { class: "item-main" },
        h("p", { class: "item-title" }, name,
          session.current ? h("span", { class: "badge badge-success" }, t("sessions.current")) : null),
        h("dl", { class: "facts compact" },
          h("dt", {}, t("sessions.ip")), h("dd", {}, session.ip || "—"),
          h("dt", {}, t("sessions.signedInAt")), h("dd", {}, formatDate(session.signed_in_at)),
          h("dt", {}, t("sessions.lastActive")), h("dd", {}, formatDate(session.last_active)))),
      session.current ? null : h("button", { type: "button", class: "button danger-outline",
        "aria-label": t("sessions.endLabel", { name }),
        onclick: () => this.end(session, name) }, t("sessions.end")));
  }

  async end(session, name) {
    const ok = await confirmDialog(this, {
      title: t("sessions.endTitle", { name }),
      text: t("sessions.endText"),
      confirm: t("sessions.end"),
    });
    if (!ok) return;
    await this.change({ method: "DELETE", path: `/api/me/sessions/${encodeURIComponent(session.id)}`,
      what: "session-ended", label: t("sessions.endTitle", { name }) }, t("sessions.ended", { name }));
  }

  async signOutOthers(count) {
    const ok = await confirmDialog(this, {
      title: t("sessions.signOutOthersTitle", { count }),
      text: t("sessions.endText"),
      confirm: t("sessions.signOutOthers"),
    });
    if (!ok) return;
    await this.change({ method: "POST", path: "/api/me/sessions/sign-out-others",
      what: "sessions-ended", label: t("sessions.signOutOthersTitle", { count }) }, t("sessions.othersEnded"));
  }

  async change(action, done) {
    try {
      if (!(await sendSensitive(this, action))) return;
      this.ctx.emit("saved", { what: action.what });
      await this.run();
      this.ctx.announce(done);
      this.focusHeading();
    } catch (error) {
      if (error.code !== "login_required") this.message.replaceChildren(alert("error", error.userMessage));
    }
  }
}

customElements.define("ss-sessions-view", SessionsView);
