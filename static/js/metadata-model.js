// The metadata editor's model, free of DOM: rows of typed values, their
// validation, and the first-level change set that PATCH /api/me/metadata takes.
// Keys are the user's own, so every collection keyed by them is a Map (see
// json-maps.js for why a plain object would lose `__proto__`).

import { toMap } from "./json-maps.js";
import { t } from "./messages.js";

export const TYPES = ["string", "number", "boolean", "json"];

/** A JSON text with object keys sorted, so equal values compare equal. */
export function stable(value) {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sameValue(a, b) {
  return stable(a) === stable(b);
}

export function typeOf(value) {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  return "json";
}

/** The text an input shows for `value` of `type`. */
export function toText(value, type) {
  if (value === undefined) return "";
  if (type === "string") return typeof value === "string" ? value : JSON.stringify(value);
  if (type === "number") return typeof value === "number" ? String(value) : "";
  if (type === "json") return JSON.stringify(value, null, 2);
  return "";
}

/** A short, one-line rendering of a value for the change list. */
export function preview(value) {
  if (value === undefined) return t("metadata.conflict.absent");
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Why `key` cannot be a metadata key, or null. */
export function keyError(key, existing = []) {
  if (!key.trim()) return t("metadata.err.keyEmpty");
  if (key.includes(".") || key.includes("$")) return t("metadata.err.keyChars");
  if (existing.includes(key)) return t("metadata.err.keyExists");
  return null;
}

let nextId = 0;

export class Row {
  constructor(key, original, { isNew = false, type } = {}) {
    nextId += 1;
    this.id = `row-${nextId}`;
    this.key = key;
    this.original = original; // undefined for a key the server does not have
    this.isNew = isNew;
    this.type = type || typeOf(original);
    this.text = toText(original, this.type);
    this.bool = original === true;
    this.removed = false;
  }

  /** {value} when the input parses, {error} otherwise. */
  parse() {
    switch (this.type) {
      case "string":
        return { value: this.text };
      case "boolean":
        return { value: this.bool };
      case "number": {
        const text = this.text.trim();
        const number = Number(text);
        if (!text || !Number.isFinite(number)) return { error: t("metadata.err.number") };
        return { value: number };
      }
      default:
        try {
          return { value: JSON.parse(this.text) };
        } catch (error) {
          return { error: t("metadata.err.json", { reason: error.message }) };
        }
    }
  }

  /** Switch type, carrying the value over where it makes sense. */
  setType(type) {
    const parsed = this.parse();
    const value = parsed.error ? this.text : parsed.value;
    this.type = type;
    if (type === "boolean") this.bool = value === true || value === "true";
    else if (type === "number") this.text = typeof value === "number" ? String(value) : String(Number(value) || "");
    else if (type === "string") this.text = typeof value === "string" ? value : JSON.stringify(value);
    else this.text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value, null, 2);
  }

  reset() {
    this.type = typeOf(this.original);
    this.text = toText(this.original, this.type);
    this.bool = this.original === true;
    this.removed = false;
  }

  /** "add", "set", "remove" or null (unchanged); undefined while the input does not parse. */
  change() {
    if (this.removed) return this.isNew ? null : "remove";
    const parsed = this.parse();
    if (parsed.error) return undefined;
    if (this.isNew) return "add";
    return sameValue(parsed.value, this.original) ? null : "set";
  }
}

/** Rows for `metadata` (a Map, or an object such as parsed JSON), sorted by key. */
export function rowsFrom(metadata) {
  const entries = metadata instanceof Map ? metadata : toMap(metadata);
  return [...entries.keys()].sort().map((key) => new Row(key, entries.get(key)));
}

/**
 * The PATCH body for `rows`, as a Map: changed keys with their value, removed keys
 * with null. Api.send writes it as a JSON object.
 */
export function changesOf(rows) {
  const changes = new Map();
  for (const row of rows) {
    const change = row.change();
    if (change === "remove") changes.set(row.key, null);
    else if (change === "add" || change === "set") changes.set(row.key, row.parse().value);
  }
  return changes;
}

/** Apply a saved change set (a Map, e.g. a draft kept across sign-in) to fresh rows. */
export function applyChanges(rows, changes) {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  for (const [key, value] of changes) {
    let row = byKey.get(key);
    if (value === null) {
      if (row) row.removed = true;
      continue;
    }
    if (!row) {
      row = new Row(key, undefined, { isNew: true, type: typeOf(value) });
      rows.push(row);
      byKey.set(key, row);
    }
    row.type = typeOf(value);
    row.text = toText(value, row.type);
    row.bool = value === true;
  }
  return rows;
}

export function hasErrors(rows) {
  return rows.some((row) => !row.removed && row.parse().error);
}
