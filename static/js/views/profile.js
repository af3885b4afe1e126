// Profile: picture, name, email and its verification, identities, last sign-in,
// and the read-only app_metadata.

import { formatDate, h } from "../dom.js";
import { t } from "../messages.js";
import { View, empty } from "../ui.js";
import { providerName } from "./providers.js";

class ProfileView extends View {
  title = t("profile.title");
  intro = t("profile.intro");

  async load() {
    const { data } = await this.ctx.api.get("/api/me");
    return data;
  }

  render(me) {
    const name = me.name || me.nickname || me.email || me.user_id;
    const picture = me.picture
      ? h("img", { class: "profile-picture", src: me.picture, alt: t("profile.picture", { name }),
        width: "96", height: "96", referrerpolicy: "no-referrer" })
      : null;
    const initials = h("span", { class: "profile-picture avatar-initials", role: "img",
      "aria-label": t("profile.picture", { name }) }, (name || "?").slice(0, 1).toUpperCase());
    if (picture) picture.addEventListener("error", () => picture.replaceWith(initials));

    const verified = me.email_verified
      ? h("span", { class: "badge badge-success" }, t("profile.verified"))
      : h("span", { class: "badge badge-warning" }, t("profile.unverified"));

    const facts = [
      [t("profile.name"), me.name],
      [t("profile.nickname"), me.nickname],
      [t("profile.email"), me.email ? [h("span", { class: "email" }, me.email), " ", verified] : null],
      [t("profile.lastLogin"), formatDate(me.last_login) || t("profile.never")],
      [t("profile.loginsCount"), me.logins_count ?? null],
      [t("profile.createdAt"), formatDate(me.created_at, false)],
      [t("profile.userId"), h("code", {}, me.user_id)],
    ].filter(([, value]) => value !== null && value !== undefined && value !== "");

    const identities = me.identities || [];
    const appMetadata = me.app_metadata || {};
    return [
      h("section", { class: "card profile-card" },
        h("div", { class: "profile-head" }, picture || initials,
          h("div", {}, h("p", { class: "profile-name" }, name),
            me.email ? h("p", { class: "muted" }, me.email) : null)),
        h("dl", { class: "facts" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]))),
      h("section", { class: "card", "aria-labelledby": "identities-title" },
        h("h2", { id: "identities-title" }, t("profile.identities")),
        identities.length
          ? h("ul", { class: "identity-list" }, identities.map((identity) =>
            h("li", { class: "identity" },
              h("span", { class: `provider-mark provider-${identity.provider}`, "aria-hidden": "true" },
                providerName(identity).slice(0, 1)),
              h("span", {}, h("strong", {}, providerName(identity)),
                h("span", { class: "muted" }, ` ${identity.profileData?.email || identity.user_id}`)))))
          : empty(t("profile.identitiesEmpty"))),
      h("section", { class: "card", "aria-labelledby": "app-metadata-title" },
        h("h2", { id: "app-metadata-title" }, t("profile.appMetadata")),
        h("p", { class: "muted" }, t("profile.appMetadataHelp")),
        Object.keys(appMetadata).length
          ? h("dl", { class: "facts" }, Object.entries(appMetadata).map(([key, value]) => [
            h("dt", {}, key),
            h("dd", {}, typeof value === "object" && value !== null
              ? h("pre", { class: "json" }, JSON.stringify(value, null, 2))
              : String(value)),
          ]))
          : empty(t("profile.appMetadataEmpty"))),
      h("section", { class: "card", "aria-labelledby": "export-title" },
        h("h2", { id: "export-title" }, t("export.title")),
        h("p", { class: "muted" }, t("export.text")),
        h("a", { class: "button", href: this.ctx.href("/api/me/export"), download: "account-data.json" },
          t("export.download"))),
    ];
  }
}

customElements.define("ss-profile-view", ProfileView);
