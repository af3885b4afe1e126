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

// Dates are written in the UI's current language; messages.js owns that.
export { formatDate } from "./messages.js";
