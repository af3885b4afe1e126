// The views of the account UI: their URLs, elements, the feature each needs, and the
// GET routes each loads first (`data(params)`, which the app prefetches in parallel
// with the session so that a reload takes one round of data requests, not two). This
// is the one list of them: app/web/spa.py reads the names (one `{ name: "..." }` a
// line) to serve the shell at each view's URL. Which features a session has, and the
// scopes each one lacks, come from /bff/session (app/auth/features.py).

export const VIEWS = [
  { name: "profile", tag: "ss-profile-view", feature: "profile", data: () => ["/api/me"] },
  { name: "metadata", tag: "ss-metadata-view", feature: "metadata", data: () => ["/api/me/metadata"] },
  {
    name: "linked-accounts", tag: "ss-linked-accounts-view", feature: "identities",
    // A pending link is asked for only when one is expected (back from the link's
    // sign-in): asked otherwise, it answers 404 and the console shows a failed request.
    data: (params) => ["/api/me/identities", ...(params.get("pending") ? ["/api/me/link"] : [])],
  },
  { name: "security", tag: "ss-security-view", feature: "mfa", data: () => ["/api/me/enrollments"] },
  { name: "devices", tag: "ss-devices-view", feature: "devices", data: () => ["/api/me/device-credentials"] },
  { name: "sessions", tag: "ss-sessions-view", feature: "sessions", data: () => ["/api/me/sessions"] },
  { name: "activity", tag: "ss-activity-view", feature: "activity", data: () => ["/api/me/activity"] },
];

export const DEFAULT_VIEW = "profile";

/** The view named by `path` relative to the app's base path, or null. */
export function viewFromPath(path) {
  const name = path.replace(/^\/+|\/+$/g, "") || DEFAULT_VIEW;
  return VIEWS.find((view) => view.name === name) || null;
}
