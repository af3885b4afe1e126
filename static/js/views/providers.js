// People's names for identity providers and connections, and what tells one
// identity from another (its email, else its nickname, else its id).

import { has, t } from "../messages.js";

// Brand names stay as they are in every language; the others are messages.
const BRANDS = {
  github: "GitHub",
  "google-oauth2": "Google",
  windowslive: "Microsoft",
  facebook: "Facebook",
  apple: "Apple",
  twitter: "X (Twitter)",
  linkedin: "LinkedIn",
};
const ALIASES = { "Username-Password-Authentication": "auth0" };

function nameOf(key) {
  if (!key) return null;
  const canonical = ALIASES[key] || key;
  if (Object.hasOwn(BRANDS, canonical)) return BRANDS[canonical];
  return has(`provider.${canonical}`) ? t(`provider.${canonical}`) : null;
}

/** A name for an identity ({provider, connection}) or a connection ({name, strategy}). */
export function providerName(item) {
  if (!item) return "";
  return nameOf(item.connection) || nameOf(item.name) || nameOf(item.provider) || nameOf(item.strategy)
    || item.connection || item.name || item.provider || "";
}

/** Whether `identity` is the one `user`'s id was made from (the main sign-in method). */
export function isMainIdentity(identity, user) {
  return Boolean(user?.user_id) && `${identity.provider}|${identity.user_id}` === user.user_id;
}

/**
 * What tells the person which account this is: the identity's own email or nickname;
 * for the main identity, whose profile data Auth0 leaves empty, the user's email.
 */
export function identityDetail(identity, user) {
  const data = identity.profileData || {};
  const own = data.email || data.nickname || data.name;
  if (own) return own;
  if (isMainIdentity(identity, user) && user.email) return user.email;
  return String(identity.user_id);
}
