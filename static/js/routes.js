// The views of the account UI: their URLs, elements and the feature each needs.
// Kept in step with app/web/spa.py (VIEWS); which features a session has, and the
// scopes each one lacks, come from /bff/user (app/selfservice/features.py).

export const VIEWS = [
  { name: "profile", tag: "ss-profile-view", feature: "profile" },
  { name: "metadata", tag: "ss-metadata-view", feature: "metadata" },
  { name: "linked-accounts", tag: "ss-linked-accounts-view", feature: "identities" },
  { name: "security", tag: "ss-security-view", feature: "mfa" },
  { name: "devices", tag: "ss-devices-view", feature: "devices" },
  { name: "sessions", tag: "ss-sessions-view", feature: "sessions" },
  { name: "activity", tag: "ss-activity-view", feature: "activity" },
];

export const DEFAULT_VIEW = "profile";

/** The view named by `path` relative to the app's base path, or null. */
export function viewFromPath(path) {
  const name = path.replace(/^\/+|\/+$/g, "") || DEFAULT_VIEW;
  return VIEWS.find((view) => view.name === name) || null;
}
