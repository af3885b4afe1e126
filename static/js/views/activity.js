// Activity: what was done to the account on this page, newest first, a page at a
// time (GET /api/me/activity?before=&limit=).

import { formatDate, h } from "../dom.js";
import { has, t } from "../messages.js";
import { View, alert, empty } from "../ui.js";

const PAGE = 20;

function label(prefix, value) {
  const key = `${prefix}.${value}`;
  return has(key) ? t(key) : String(value);
}

class ActivityView extends View {
  title = t("activity.title");
  intro = t("activity.intro");

  async load() {
    const { data } = await this.ctx.api.get(`/api/me/activity?limit=${PAGE}`);
    return data;
  }

  render(page) {
    if (!page.entries.length) return h("section", { class: "card" }, empty(t("activity.empty")));
    this.list = h("ul", { class: "item-list" }, page.entries.map((entry) => this.item(entry)));
    this.more = h("div", { class: "actions" });
    this.showMore(page.next_before);
    return h("section", { class: "card", "aria-labelledby": "activity-list-title" },
      h("h2", { id: "activity-list-title", class: "visually-hidden" }, t("activity.title")),
      this.list, this.more);
  }

  item(entry) {
    const outcome = entry.outcome === "ok" ? null
      : h("span", { class: `badge ${entry.outcome === "failed" || entry.outcome === "refused" ? "badge-warning" : ""}` },
        label("activity.outcome", entry.outcome));
    const keys = entry.details?.keys?.length ? t("activity.keys", { keys: entry.details.keys.join(", ") }) : null;
    return h("li", { class: "item activity-entry" },
      h("div", { class: "item-main" },
        h("p", { class: "item-title" }, label("activity.action", entry.action), outcome),
        h("dl", { class: "facts compact" },
          h("dt", {}, t("activity.when")), h("dd", {}, formatDate(entry.at)),
          h("dt", {}, t("activity.where")), h("dd", {}, t("sessions.name", { browser: entry.browser, os: entry.os }), ` · ${entry.ip || "—"}`),
          keys ? [h("dt", {}, t("activity.what")), h("dd", {}, keys)] : null)));
  }

  showMore(before) {
    this.more.replaceChildren(before === null || before === undefined ? h("p", { class: "muted" }, t("activity.end"))
      : h("button", { type: "button", class: "button", onclick: () => this.loadMore(before) }, t("activity.more")));
  }

  async loadMore(before) {
    try {
      const { data } = await this.ctx.api.get(`/api/me/activity?limit=${PAGE}&before=${encodeURIComponent(before)}`);
      const items = data.entries.map((entry) => this.item(entry));
      this.list.append(...items);
      this.showMore(data.next_before);
      items[0]?.setAttribute("tabindex", "-1");
      items[0]?.focus();
    } catch (error) {
      if (error.code !== "login_required") this.more.replaceChildren(alert("error", error.userMessage));
    }
  }
}

customElements.define("ss-activity-view", ActivityView);
