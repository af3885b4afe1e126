// The account UI's words, in every language it ships, and the functions that pick one
// and fill in a message: t(key, vars). English is complete by definition; every other
// table has exactly its keys and placeholders (tests/browser/test_ui_language.py).
//
// A message is a string with {placeholders}, or, where a number decides the wording,
// an object of Intl.PluralRules categories ({one, other}, and whatever else the
// language needs) chosen by `vars.count`. Numbers in `vars` are written with
// Intl.NumberFormat in the current language; dates go through formatDate below.
//
// The language: the user's own choice on the page (remembered in localStorage), else
// the `lang` attribute the host page put on the element (the iframe page sets it from
// its `?lang=` parameter), else the browser's languages (navigator.languages, which
// Chromium also sends as Accept-Language), else English.

import { de } from "./messages-de.js";

export const en = {
  "app.language": "Language",
  "app.title": "Your account",
  "app.skip": "Skip to content",
  "app.nav": "Account sections",
  "app.signedInAs": "Signed in as {name}",
  "app.signOut": "Sign out",
  "app.signingOut": "Signing out…",
  "app.signIn": "Sign in",
  "app.signInTitle": "Sign in to manage your account",
  "app.signInText": "See your profile, edit your preferences, link other sign-in methods and manage your security settings.",
  "app.signInPopup": "Sign-in opens in a new window. Finish there and this page will follow.",
  "app.waitingForSignIn": "Waiting for you to finish signing in…",
  "app.sessionEnded": "Your session ended",
  "app.sessionEndedText": "Sign in again to continue where you left off.",
  "app.signedOut": "You are signed out.",
  "app.renewing": "Renewing your session…",
  "app.unavailable": "Unavailable",
  "app.unavailableTitle": "{feature} is not available",
  "app.unavailableText": "Your sign-in did not grant this page permission to {what} (scope {scopes}). The site that runs this page decides which permissions to ask for; contact its owner if you need this.",
  "app.popupBlocked": "Your browser blocked the new window. Allow pop-ups for this site and try again.",
  "app.reload": "Reload the page",

  "nav.profile": "Profile",
  "nav.metadata": "Preferences",
  "nav.linked-accounts": "Linked accounts",
  "nav.security": "Sign-in methods",
  "nav.devices": "Devices",

  "feature.profile": "reading your profile",
  "feature.metadata": "changing your preferences",
  "feature.identities": "linking and unlinking accounts",
  "feature.mfa": "managing multi-factor authentication",
  "feature.devices": "registering and revoking devices",

  "state.loading": "Loading…",
  "state.retry": "Try again",
  "state.errorTitle": "Something went wrong",

  "error.network": "We could not reach the account service. Check your connection and try again.",
  "error.rate_limited": "Too many requests right now. Try again in {seconds} seconds.",
  "error.tenant_unavailable": "The account service is not answering right now. Try again in a moment.",
  "error.write_outcome_unknown": "We could not confirm whether your change was saved. Your edit is still here: try again, and if it was saved after all you will see both versions to choose from.",
  "error.generic": "Something went wrong ({status}). Try again.",
  "error.unexpected": "The account service had a problem and could not answer ({status}). Try again in a moment; if it keeps happening, reload the page.",

  "confirm.cancel": "Cancel",

  "profile.title": "Profile",
  "profile.intro": "What your account knows about you.",
  "profile.picture": "Profile picture of {name}",
  "profile.name": "Name",
  "profile.nickname": "Nickname",
  "profile.email": "Email",
  "profile.verified": "Verified",
  "profile.unverified": "Not verified",
  "profile.userId": "User ID",
  "profile.lastLogin": "Last sign-in",
  "profile.loginsCount": "Sign-ins",
  "profile.createdAt": "Member since",
  "profile.identities": "Sign-in methods",
  "profile.identitiesEmpty": "No sign-in methods.",
  "profile.appMetadata": "Set by the site",
  "profile.appMetadataHelp": "Information the site keeps about your account. You can see it but not change it.",
  "profile.mainMethod": "{method}, {detail}",
  "profile.manageTitle": "Name, email and password",
  "profile.manageDatabase": "This page cannot change your name, email address or password: the site's sign-in manages them. To set a new password, sign out and choose “Forgot password?” on the sign-in page; to change your name or email address, contact the site.",
  "profile.manageSocial": "Your name and email address come from {provider}: change them there. This page cannot change them, and you have no password here.",
  "profile.never": "Never",

  "metadata.title": "Preferences",
  "metadata.intro": "Your own settings, stored with your account. Change them, review what changes, then save.",
  "metadata.empty": "You have no saved preferences yet. Add one below.",
  "metadata.type": "Type",
  "metadata.type.string": "Text",
  "metadata.type.number": "Number",
  "metadata.type.boolean": "Yes/No",
  "metadata.type.json": "List or group",
  "metadata.true": "Yes",
  "metadata.remove": "Remove {key}",
  "metadata.removeShort": "Remove",
  "metadata.undo": "Undo",
  "metadata.undoKey": "Undo changes to {key}",
  "metadata.removed": "Will be removed",
  "metadata.badge.new": "New",
  "metadata.badge.changed": "Changed",
  "metadata.add": "Add a preference",
  "metadata.newKey": "Name of the new preference",
  "metadata.addButton": "Add",
  "metadata.changes": "Changes to save",
  "metadata.unsaved": { one: "{count} unsaved change", other: "{count} unsaved changes" },
  "metadata.noChanges": "No unsaved changes.",
  "metadata.change.add": "Add {key}: {value}",
  "metadata.change.set": "Change {key}: {from} → {value}",
  "metadata.change.remove": "Remove {key}",
  "metadata.save": "Save changes",
  "metadata.saving": "Saving…",
  "metadata.discard": "Discard all changes",
  "metadata.saved": "Your preferences are saved.",
  "metadata.restored": "We kept the changes you had not saved before signing in again. Review and save them.",
  "metadata.restoredDraft": "We kept the changes you had not saved. Review and save them.",
  "metadata.space": "About {percent} of the space for preferences is used.",
  "metadata.clear": "Clear",
  "metadata.clearKey": "Clear {key}",
  "metadata.notSet": "Not set",
  "metadata.other": "Other preferences",
  "metadata.otherHelp": "Stored with your account, but not changed on this page.",
  "metadata.err.keyEmpty": "Give the preference a name.",
  "metadata.err.keyChars": "A name cannot contain “.” or “$”.",
  "metadata.err.keyExists": "A preference with that name already exists.",
  "metadata.err.keyLong": { one: "A name can have at most {count} character.", other: "A name can have at most {count} characters." },
  "metadata.err.number": "Enter a number, such as 42 or {example}.",
  "metadata.err.integer": "Enter a whole number, such as 42.",
  "metadata.err.json": "This is not a valid list or group. Check the brackets, quotes and commas.",
  "metadata.err.deep": "Too deeply nested: at most {count} levels.",
  "metadata.err.innerKey": "A name inside this value is empty, too long, or contains “.” or “$”.",
  "metadata.err.space": "Too much to save: this would take about {percent} of the space for preferences. Remove or shorten something first.",
  "metadata.err.email": "Enter an email address, such as name@example.com.",
  "metadata.err.uri": "Enter a full web address, such as https://example.com.",
  "metadata.err.date": "Enter a date, such as 2024-05-31.",
  "metadata.err.dateTime": "Enter a date and time, such as 2024-05-31T14:30:00Z.",
  "metadata.err.pattern": "This does not have the expected form.",
  "metadata.err.maxLength": { one: "At most {count} character.", other: "At most {count} characters." },
  "metadata.err.minLength": { one: "At least {count} character.", other: "At least {count} characters." },
  "metadata.err.minimum": "The smallest allowed value is {limit}.",
  "metadata.err.maximum": "The largest allowed value is {limit}.",
  "metadata.err.enum": "Choose one of the options.",
  "metadata.err.notEditable": "This preference cannot be changed here.",
  "metadata.err.refused": "This value was refused.",
  "metadata.err.fix": "Fix the highlighted values before saving.",
  "metadata.err.invalid": "Some values were refused. Fix them and save again.",
  "metadata.err.saveFailed": "Your changes were not saved. They are still here: try again.",
  "metadata.conflict.title": "These preferences changed since you opened them",
  "metadata.conflict.text": "They were saved again, in another tab, window or device, after you opened this page. Your changes are not saved yet: choose which version to keep.",
  "metadata.conflict.key": "Preference",
  "metadata.conflict.mine": "Your version",
  "metadata.conflict.theirs": "Saved version",
  "metadata.conflict.absent": "(not set)",
  "metadata.conflict.keepMine": "Keep my changes",
  "metadata.conflict.useTheirs": "Use the saved version",

  "links.title": "Linked accounts",
  "links.intro": "Sign in to this account with any of these methods.",
  "links.linked": "Linked sign-in methods",
  "links.main": "Main",
  "links.mainHelp": "Your main sign-in method cannot be removed.",
  "links.unlink": "Unlink",
  "links.unlinkLabel": "Unlink {name}",
  "links.unlinkTitle": "Unlink {name}?",
  "links.unlinkText": "You will no longer be able to sign in to this account with {name}. It becomes a separate, empty account of its own; nothing is deleted from this account. You can link it again later.",
  "links.unlinkConfirm": "Unlink",
  "links.unlinked": "{name} is no longer linked.",
  "links.available": "Link another sign-in method",
  "links.availableEmpty": "There are no other sign-in methods to link.",
  "links.link": "Link {name}",
  "links.notLinkable": "{name} cannot be linked",
  "links.linkHelp": "You will sign in to the other account to prove it is yours, then confirm here.",
  "links.pendingTitle": "Confirm linking {name}",
  "links.pendingText": "You signed in to another account. Link it to this one so that you can sign in with either.",
  "links.pendingEmail": "Email of the other account",
  "links.warnEmail": "This email is not the email of your account ({email}). Link only accounts that are yours.",
  "links.warnUnverified": "The email of the other account is not verified.",
  "links.warnMetadata": "The other account's own preferences will be lost when it is linked: {keys}.",
  "links.copyMetadata": "Copy the other account's preferences into this account first",
  "links.copyHelp": "Preferences that already exist here are kept as they are.",
  "links.confirm": "Link account",
  "links.cancel": "Cancel",
  "links.linkedOk": "{name} is now linked.",
  "links.copied": "Copied: {keys}.",
  "links.skipped": "Kept yours: {keys}.",
  "links.expires": "Confirm before {time}.",
  "links.cancelled": "Linking was cancelled.",

  "provider.auth0": "Email and password",
  "provider.sms": "Phone (SMS)",
  "provider.email": "Email code",

  "security.title": "Sign-in methods",
  "security.intro": "Your password, passkeys and second factors in one place. A second factor (multi-factor authentication, MFA) asks for another proof when you sign in.",
  "security.mfaTitle": "Multi-factor enrollments",
  "security.otherFactorsTitle": "Other second factors",
  "security.methodsTitle": "How you sign in",
  "security.methodsUnavailable": "Your sign-in methods cannot be shown here: {reason}",
  "security.usage.primary": "Signs you in",
  "security.usage.secondary": "Second factor",
  "security.type.password": "Password",
  "security.type.passkey": "Passkey",
  "security.type.phone": "Phone",
  "security.removeMethodText": "You can no longer use {name} to sign in. Your account may be less protected until you add another way.",
  "security.empty": "You have no MFA methods enrolled.",
  "security.type": "Type",
  "security.name": "Name",
  "security.enrolledAt": "Enrolled",
  "security.lastAuth": "Last used",
  "security.status.confirmed": "Active",
  "security.status.pending": "Not finished",
  "security.remove": "Remove",
  "security.removeLabel": "Remove {name}",
  "security.removeTitle": "Remove {name}?",
  "security.removeText": "You will no longer be asked for {name} when you sign in, and every enrollment of this kind is removed. Your account will be less protected until you enroll again.",
  "security.removeConfirm": "Remove",
  "security.removed": "{name} was removed.",
  "enroll.passkey.add": "Add a passkey",
  "enroll.passkey.action": "Add a passkey",
  "enroll.passkey.title": "Create a passkey",
  "enroll.passkey.text": "Your browser will ask you to create a passkey: confirm with your fingerprint, face, screen lock or security key. The passkey stays on your device; you can then sign in with it instead of your password.",
  "enroll.passkey.create": "Create the passkey",
  "enroll.passkey.tryAgain": "Try again",
  "enroll.passkey.waiting": "Waiting for your browser…",
  "enroll.passkey.checking": "Checking the passkey…",
  "enroll.passkey.done": "Your passkey was added. You can sign in with it now.",
  "enroll.passkey.unsupported": "This browser cannot create passkeys. Try a current version of Chrome, Edge, Firefox or Safari; nothing was added.",
  "enroll.passkey.cancelled": "No passkey was created: the browser's request was cancelled or timed out. You can try again.",
  "enroll.passkey.alreadyThere": "This device already holds a passkey for your account. Use another device or security key, or try again.",
  "enroll.passkey.wrongSite": "No passkey was created: passkeys of this account belong to “{rpId}”, and this page is on “{host}”. The account page must be served under the sign-in service's domain (see docs/passkeys.md).",
  "enroll.passkey.failed": "No passkey was created: {reason}",
  "enroll.passkey.rejected": "The sign-in service did not accept this passkey ({reason}). Nothing was added; you can try again.",
  "security.rename": "Rename",
  "security.renameLabel": "Rename {name}",
  "security.renameField": "New name",
  "security.renameHelp": "Up to 100 characters, such as “Work laptop”.",
  "security.renameRequired": "Give it a name.",
  "security.renameSave": "Save",
  "security.renamed": "Renamed to “{name}”.",
  "security.renamedUnlisted": "The name “{name}” was saved. The sign-in service does not list passkeys by name, so this page keeps showing the browser the passkey was made in.",
  "enroll.title": "Add a way to sign in",
  "enroll.intro": "Each step says what happens next. Adding a method asks you to sign in again if your sign-in is not recent.",
  "enroll.notGranted": "The sign-in service does not let this page add sign-in methods (it did not grant create:me:authentication_methods). Ask the site's administrator.",
  "enroll.noneEnabled": "The sign-in service enables no way to sign in that could be added here.",
  "enroll.back": "Back",
  "enroll.cancel": "Cancel",
  "enroll.confirm": "Confirm",
  "enroll.codeFormat": "Enter the 6 digits of the code.",
  "enroll.wrongCode": "That code is not right. Check it and try again; nothing was added.",
  "enroll.rateLimited": "The sign-in service asks us to wait. Trying again in {seconds} s…",
  "enroll.listRateLimited": "The sign-in service asks us to wait. Your sign-in methods load again in {seconds} s…",
  "enroll.retrying": "Trying again…",
  "enroll.resumeFailed": "You signed in again, but your sign-in methods cannot be shown right now, so the method was not added. Try again in a moment.",
  "enroll.newestCode": "The wait is over: enter the code your app shows now.",
  "enroll.totp.add": "Add an authenticator app",
  "enroll.totp.action": "Add an authenticator app",
  "enroll.totp.scanTitle": "Scan the code with your authenticator app",
  "enroll.totp.scanText": "Open your authenticator app, add an account and scan this code. Then enter the 6-digit code the app shows.",
  "enroll.totp.qrAlt": "QR code for your authenticator app",
  "enroll.totp.manual": "Cannot scan? Type this key into the app instead:",
  "enroll.totp.codeLabel": "Code from the app",
  "enroll.totp.codeHelp": "6 digits; the app shows a new one every 30 seconds.",
  "enroll.totp.done": "Your authenticator app was added. You will be asked for a code from it when you sign in.",
  "enroll.recovery-code.add": "Get a recovery code",
  "enroll.recovery-code.replace": "Get a new recovery code",
  "enroll.recovery.action": "Get a recovery code",
  "enroll.recovery.title": "Save your recovery code",
  "enroll.recovery.text": "This code lets you sign in if you lose your other second factors. It is shown only now: copy or download it and keep it somewhere safe. A new code replaces your old one.",
  "enroll.recovery.copy": "Copy",
  "enroll.recovery.copied": "Copied to the clipboard.",
  "enroll.recovery.copyFailed": "The browser did not allow copying: select the code and copy it, or download it.",
  "enroll.recovery.download": "Download",
  "enroll.recovery.fileIntro": "Your recovery code. Keep it safe; it is shown only once.",
  "enroll.recovery.saved": "I have saved this code",
  "enroll.recovery.confirm": "Use this code",
  "enroll.recovery.done": "Your recovery code is ready. Any older recovery code no longer works.",
  "enroll.sendCode": "Send the code",
  "enroll.codeSent": "We sent a 6-digit code to {to}. Enter it below to confirm.",
  "enroll.codeHelp": "6 digits. The code works for a few minutes; if it does not arrive, cancel and start again.",
  "enroll.email.label": "Email address",
  "enroll.phone_number.label": "Phone number",
  "enroll.email.add": "Add an email address for codes",
  "enroll.email.action": "Add an email address for codes",
  "enroll.email.title": "Which email address should get the codes?",
  "enroll.email.text": "We send a code there now; once you enter it, codes sent to this address can be your second factor.",
  "enroll.email.help": "For example name@example.com.",
  "enroll.email.missing": "Enter an email address.",
  "enroll.email.invalid": "This is not an email address: it needs a name, an @ and a domain, like name@example.com.",
  "enroll.email.codeTitle": "Enter the code from the email",
  "enroll.email.codeLabel": "Code from the email",
  "enroll.email.done": "Your email address was added. You can be asked for a code sent there when you sign in.",
  "enroll.phone.add": "Add a phone for codes",
  "enroll.phone.action": "Add a phone for codes",
  "enroll.phone.title": "Which phone should get the codes?",
  "enroll.phone.text": "We send a code there now; once you enter it, codes sent to this phone can be your second factor.",
  "enroll.phone.help": "International format: a + and the country code, then the number, for example +15551234567.",
  "enroll.phone.how": "How should the codes come?",
  "enroll.phone.sms": "Text message (SMS)",
  "enroll.phone.voice": "Voice call",
  "enroll.phone.missing": "Enter a phone number.",
  "enroll.phone.invalid": "Enter the number in international format: + and the country code, then 5 to 14 digits, for example +15551234567.",
  "enroll.phone.codeTitle": "Enter the code we sent to your phone",
  "enroll.phone.codeLabel": "Code from the message or call",
  "enroll.phone.done": "Your phone was added. You can be asked for a code sent there when you sign in.",
  "enroll.password.add": "Change password",
  "enroll.password.action": "Change your password",
  "enroll.password.title": "Choose a new password",
  "enroll.password.text": "The list below shows the rules your new password must meet, as you type.",
  "enroll.password.newLabel": "New password",
  "enroll.password.againLabel": "New password again",
  "enroll.password.rulesTitle": "Your new password needs:",
  "enroll.password.ruleLength": "at least {count} characters",
  "enroll.password.ruleAll": "each of these kinds of characters:",
  "enroll.password.ruleSome": "{count} of these {total} kinds of characters:",
  "enroll.password.type.lowercase": "lower-case letters (a–z)",
  "enroll.password.type.uppercase": "upper-case letters (A–Z)",
  "enroll.password.type.number": "numbers (0–9)",
  "enroll.password.type.special": "special characters (such as !@#$%)",
  "enroll.password.met": "Met:",
  "enroll.password.unmet": "Not yet:",
  "enroll.password.summaryMet": "Your new password meets every rule.",
  "enroll.password.summaryUnmet": { one: "{count} rule is not met yet.", other: "{count} rules are not met yet." },
  "enroll.password.show": "Show passwords",
  "enroll.password.submit": "Change password",
  "enroll.password.missing": "Enter a new password.",
  "enroll.password.mismatch": "The two passwords are not the same: type the new password again.",
  "enroll.password.rejected": "The sign-in service refused this password: choose another.",
  "enroll.password.otherSessions": "Places where you are signed in already stay signed in. To sign out there, use “Sign out everywhere else” in Sessions.",
  "enroll.password.done": "Your password was changed. Use the new one the next time you sign in.",
  "security.type.authenticator": "Authenticator app",
  "security.type.totp": "Authenticator app",
  "security.type.sms": "Text message",
  "security.type.push": "Push notification",
  "security.type.email": "Email",
  "security.type.duo": "Duo",
  "security.type.webauthn-roaming": "Security key",
  "security.type.webauthn-platform": "Device biometrics",
  "security.type.recovery-code": "Recovery code",

  "devices.title": "Devices",
  "devices.intro": "Register this browser to prove later that it is yours. Its private key never leaves this browser.",
  "devices.thisBrowser": "This browser",
  "devices.registeredAs": "Registered as “{name}”.",
  "devices.notRegistered": "This browser is not registered.",
  "devices.name": "Device name",
  "devices.nameHelp": "A name you will recognise, such as “Work laptop”.",
  "devices.nameRequired": "Give the device a name.",
  "devices.register": "Register this browser",
  "devices.registering": "Registering…",
  "devices.registered": "This browser is registered.",
  "devices.exists": "This browser already has a key registered. Revoke it below first.",
  "devices.noCrypto": "This browser cannot make device keys (it needs WebCrypto and IndexedDB on a secure page).",
  "devices.list": "Registered devices",
  "devices.count": { one: "{count} device", other: "{count} devices" },
  "devices.empty": "No devices registered from this page.",
  "devices.created": "Registered {date}",
  "devices.current": "This browser",
  "devices.revoke": "Revoke",
  "devices.revokeLabel": "Revoke {name}",
  "devices.revokeTitle": "Revoke {name}?",
  "devices.revokeText": "The key of {name} stops working right away. To use the device again, register it again.",
  "devices.revokeConfirm": "Revoke",
  "devices.revoked": "{name} was revoked.",
};

/** The languages shipped: code -> {name (in that language), messages}. */
export const LANGUAGES = {
  en: { name: "English", messages: en },
  de: { name: "Deutsch", messages: de },
};
export const DEFAULT_LANGUAGE = "en";
const STORAGE_KEY = "selfserve.language";

let current = DEFAULT_LANGUAGE;
let extra = {};

/** The shipped language for a BCP 47 tag ("de-AT" -> "de"), or null. */
export function supported(tag) {
  if (!tag) return null;
  const base = String(tag).trim().toLowerCase().split(/[-_]/)[0];
  return Object.hasOwn(LANGUAGES, base) ? base : null;
}

/** The language to use: stored choice, then `hint` (a lang attribute), then the browser's. */
export function pickLanguage(hint = null) {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null; // storage blocked (a sandboxed frame): the choice lasts for this page only
  }
  const candidates = [stored, hint, ...(navigator.languages || [navigator.language])];
  for (const tag of candidates) {
    const code = supported(tag);
    if (code) return code;
  }
  return DEFAULT_LANGUAGE;
}

/** Use `code` from now on; `remember`: the user chose it, keep it for the next visit. */
export function setLanguage(code, { remember = false } = {}) {
  current = supported(code) || DEFAULT_LANGUAGE;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, current);
    } catch {
      // storage blocked: the choice lasts for this page only
    }
  }
  return current;
}

export function language() {
  return current;
}

/** Override some messages of the current language (a host's wording); unknown keys are ignored. */
export function setMessages(messages) {
  extra = { ...messages };
}

function lookup(key) {
  if (Object.hasOwn(extra, key)) return extra[key];
  const table = LANGUAGES[current].messages;
  if (Object.hasOwn(table, key)) return table[key];
  return Object.hasOwn(en, key) ? en[key] : undefined;
}

/** `value` written as a number of the current language (Intl.NumberFormat `options`). */
export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(current, options).format(value);
}

/** A date string from an ISO timestamp or UNIX seconds, in the current language; "" when absent. */
export function formatDate(value, withTime = true) {
  if (!value) return "";
  // Numbers are UNIX seconds (as the BFF sends expiry times); strings are ISO 8601.
  const date = new Date(typeof value === "number" ? value * 1000 : value);
  if (Number.isNaN(date.getTime())) return String(value);
  const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(current, options).format(date);
}

/** The message `key` with `{name}` placeholders replaced from `vars` (plural forms by `vars.count`). */
export function t(key, vars = {}) {
  let text = lookup(key);
  if (text === undefined) {
    console.warn(`selfserve: no message for ${key}`);
    return key;
  }
  if (typeof text === "object") {
    const category = new Intl.PluralRules(current).select(Number(vars.count ?? 0));
    text = text[category] ?? text.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!Object.hasOwn(vars, name)) return whole;
    const value = vars[name];
    return typeof value === "number" ? formatNumber(value) : String(value);
  });
}

/** Whether the tables have `key` (for optional labels such as MFA types). */
export function has(key) {
  return lookup(key) !== undefined;
}

// Account safety (issue 11): step-up, sessions, activity, data export.
Object.assign(en, {
  "stepup.title": "Confirm it is you",
  "stepup.text": "For your security, “{action}” needs a recent sign-in. Sign in again (with your second factor, if you have one); you come back here and confirm the change once more. Nothing has been changed yet.",
  "stepup.confirm": "Sign in again",
  "stepup.resumeTitle": "You signed in again",
  "stepup.resumeText": "Do you still want this change: “{action}”?",
  "stepup.resumeConfirm": "Yes, go ahead",
  "stepup.done": "Done: “{action}”.",
  "nav.sessions": "Sessions",
  "feature.sessions": "seeing and ending your sessions",
  "feature.activity": "seeing your account's activity",
  "sessions.title": "Sessions",
  "sessions.intro": "Where you are signed in to this account page. This list shows this page's sessions only, not every application of your account provider: those are managed there.",
  "sessions.name": "{browser} on {os}",
  "sessions.current": "This session",
  "sessions.ip": "Network",
  "sessions.signedInAt": "Signed in",
  "sessions.lastActive": "Last active",
  "sessions.end": "End session",
  "sessions.endLabel": "End session: {name}",
  "sessions.endTitle": "End the session of {name}?",
  "sessions.endText": "That browser is signed out of this page at its next request. It can sign in again.",
  "sessions.ended": "The session of {name} was ended.",
  "sessions.signOutOthers": "Sign out everywhere else",
  "sessions.signOutOthersTitle": "End {count} other session(s)?",
  "sessions.othersEnded": "Every other session was ended.",
  "sessions.onlyThis": "You are signed in here only.",
  "nav.activity": "Activity",
  "activity.title": "Activity",
  "activity.intro": "What was done to your account on this page, newest first. Entries are kept for a limited time.",
  "activity.empty": "Nothing yet.",
  "activity.when": "When",
  "activity.where": "From",
  "activity.what": "Changed",
  "activity.keys": "Keys: {keys}",
  "activity.more": "Show older activity",
  "activity.end": "That is all.",
  "activity.outcome.failed": "Failed",
  "activity.outcome.refused": "Refused: sign-in not recent",
  "activity.outcome.unknown": "Outcome unknown",
  "activity.action.signed_in": "Signed in",
  "activity.action.signed_out": "Signed out",
  "activity.action.reauthenticated": "Signed in again to confirm a change",
  "activity.action.metadata_saved": "Preferences saved",
  "activity.action.identity_linked": "Sign-in method linked",
  "activity.action.identity_unlinked": "Sign-in method unlinked",
  "activity.action.sign_in_method_added": "Sign-in method added",
  "activity.action.sign_in_method_removed": "Sign-in method removed",
  "activity.action.sign_in_method_renamed": "Sign-in method renamed",
  "activity.action.password_changed": "Password changed",
  "activity.action.mfa_removed": "Multi-factor authentication removed",
  "activity.action.device_key_registered": "Device key registered",
  "activity.action.device_key_revoked": "Device key revoked",
  "activity.action.session_ended": "A session ended",
  "activity.action.other_sessions_ended": "Signed out everywhere else",
  "export.title": "Your data",
  "export.text": "One JSON file with everything this page can read about you: profile, preferences, the site's data, linked sign-in methods, multi-factor enrollments, device keys, sessions and activity. It contains no passwords or keys to your account.",
  "export.download": "Download my data",
});
