// Profile: picture, name, email and its verification, sign-in methods, last sign-in,
// where the name, email and password are changed (not here), and the read-only
// app_metadata when the site keeps any.

import { formatDate, h } from "../dom.js";
import { formatNumber, t } from "../messages.js";
import { View, avatar, empty } from "../ui.js";
import { identityDetail, isMainIdentity, providerName } from "./providers.js";

class ProfileView extends View {
  title = t("profile.title");
  intro = t("profile.intro");

  async load() {
    const { data } = await this.ctx.api.get("/api/me");
    return data;
  }

  render(me) {
    const name = me.name || me.nickname || me.email || me.user_id;
    const picture = avatar(me.picture, name, { size: 96, label: t("profile.picture", { name }),
      className: "profile-picture" });

    const verified = me.email_verified
      ? h("span", { class: "badge badge-success" }, t("profile.verified"))
      : h("span", { class: "badge badge-warning" }, t("profile.unverified"));

    const facts = [
      [t("profile.name"), me.name],
      [t("profile.nickname"), me.nickname],
      [t("profile.email"), me.email ? [h("span", { class: "email" }, me.email), " ", verified] : null],
      [t("profile.lastLogin"), formatDate(me.last_login) || t("profile.never")],
      [t("profile.loginsCount"), typeof me.logins_count === "number" ? formatNumber(me.logins_count) : null],
      [t("profile.createdAt"), formatDate(me.created_at, false)],
      [t("profile.userId"), h("code", { class: "id" }, me.user_id)],
    ].filter(([, value]) => value !== null && value !== undefined && value !== "");

    const identities = me.identities || [];
    const main = identities.find((identity) => isMainIdentity(identity, me)) || identities[0];
    const appMetadata = me.app_metadata || {};
    return [
      h("section", { class: "card profile-card", "aria-labelledby": "profile-name" },
        h("div", { class: "profile-head" }, picture,
          h("div", { class: "profile-head-text" }, h("p", { class: "profile-name", id: "profile-name" }, name),
            me.email ? h("p", { class: "muted" }, me.email) : null)),
        h("dl", { class: "facts" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
        this.managedElsewhere(main)),
      h("section", { class: "card", "aria-labelledby": "identities-title" },
        h("h2", { id: "identities-title" }, t("profile.identities")),
        identities.length
          ? h("ul", { class: "identity-list" }, identities.map((identity) =>
            h("li", { class: "identity" },
              h("span", { class: `provider-mark provider-${identity.provider}`, "aria-hidden": "true" },
                providerName(identity).slice(0, 1)),
              h("span", { class: "identity-text" },
                t("profile.mainMethod", { method: providerName(identity), detail: identityDetail(identity, me) })))))
          : empty(t("profile.identitiesEmpty"))),
      // Only when the site keeps something: an empty card would be a heading over nothing.
      Object.keys(appMetadata).length
        ? h("section", { class: "card", "aria-labelledby": "app-metadata-title" },
          h("h2", { id: "app-metadata-title" }, t("profile.appMetadata")),
          h("p", { class: "muted" }, t("profile.appMetadataHelp")),
          h("dl", { class: "facts" }, Object.entries(appMetadata).map(([key, value]) => [
            h("dt", {}, key),
            h("dd", {}, typeof value === "object" && value !== null
              ? h("pre", { class: "json" }, JSON.stringify(value, null, 2))
              : String(value)),
          ])))
        : null,
      h("section", { class: "card", "aria-labelledby": "export-title" },
        h("h2", { id: "export-title" }, t("export.title")),
        h("p", { class: "muted" }, t("export.text")),
        h("a", { class: "button", href: this.ctx.href("/api/me/export"), download: "account-data.json" },
          t("export.download"))),
    ];
  }

  /** What this page cannot change, and where it is changed instead. */
  managedElsewhere(main) {
    const social = main && main.isSocial !== false && main.provider !== "auth0";
    return h("div", { class: "managed-elsewhere", role: "note", "aria-labelledby": "managed-title" },
      h("h2", { id: "managed-title", class: "small-heading" }, t("profile.manageTitle")),
      h("p", { class: "muted" }, social
        ? t("profile.manageSocial", { provider: providerName(main) })
        : t("profile.manageDatabase")));
  }
}

customElements.define("ss-profile-view", ProfileView);
