// Building DOM without innerHTML, so user data is always text, never markup.

/**
 * h("button", {class: "primary", onclick: fn, disabled: true}, "Save") -> HTMLButtonElement.
 * Attributes named on* become listeners; `false`/`null`/`undefined` attributes are
 * left out; children may be strings, nodes, arrays or null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "value" && "value" in el) {
      el.value = value;
    } else if (name === "checked") {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

let counter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = "ss") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A date string from an ISO timestamp or UNIX seconds, in the user's locale; "" when absent. */
export function formatDate(value, withTime = true) {
  if (!value) return "";
  // Numbers are UNIX seconds (as the BFF sends expiry times); strings are ISO 8601.
  const date = new Date(typeof value === "number" ? value * 1000 : value);
  if (Number.isNaN(date.getTime())) return String(value);
  const options = withTime
    ? { dateStyle: "medium", timeStyle: "short" }
    : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(undefined, options).format(date);
}
