// People's names for identity providers and connections.

const NAMES = {
  auth0: "Email and password",
  "Username-Password-Authentication": "Email and password",
  github: "GitHub",
  "google-oauth2": "Google",
  windowslive: "Microsoft",
  facebook: "Facebook",
  apple: "Apple",
  twitter: "X (Twitter)",
  linkedin: "LinkedIn",
  sms: "Phone (SMS)",
  email: "Email code",
};

/** A name for an identity ({provider, connection}) or a connection ({name, strategy}). */
export function providerName(item) {
  if (!item) return "";
  return NAMES[item.connection] || NAMES[item.name] || NAMES[item.provider] || NAMES[item.strategy]
    || item.connection || item.name || item.provider || "";
}
