// The metadata editor's model, free of DOM: rows of typed values, their validation
// (the server's rules, checked here as the user types: key names, nesting, size, and
// with METADATA_SCHEMA each key's subschema), and the first-level change set that
// PATCH /api/me/metadata takes. The server checks everything again.
// Keys are the user's own, so every collection keyed by them is a Map (see
// json-maps.js for why a plain object would lose `__proto__`).

import { jsonText, toMap } from "./json-maps.js";
import { formatNumber, language, t } from "./messages.js";

export const TYPES = ["string", "number", "boolean", "json"];

/** The server's limits (GET /api/me/metadata `limits`), for when it sends none. */
export const DEFAULT_LIMITS = { max_bytes: 10 * 1024, max_depth: 5, max_key_length: 100 };

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

/** The editor type of a subschema: string, number, boolean, or json for anything else. */
export function schemaType(schema) {
  let type = schema?.type;
  if (Array.isArray(type)) type = type.find((item) => item !== "null");
  if (!type && Array.isArray(schema?.enum) && schema.enum.length) return typeOf(schema.enum[0]);
  if (type === "integer") return "number";
  return TYPES.includes(type) ? type : "json";
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
  if (value === undefined || value === null) return t("metadata.conflict.absent");
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Why `key` cannot be a metadata key (the server's rules), or null. */
export function keyError(key, existing = [], limits = DEFAULT_LIMITS) {
  if (!key.trim()) return t("metadata.err.keyEmpty");
  if (key.includes(".") || key.includes("$")) return t("metadata.err.keyChars");
  if ([...key].length > limits.max_key_length) return t("metadata.err.keyLong", { count: limits.max_key_length });
  if (existing.includes(key)) return t("metadata.err.keyExists");
  return null;
}

/** Why a first-level `value` breaks the server's nesting or key rules, or null. */
function structureError(value, limits, depth = 1) {
  if (value === null || typeof value !== "object") return null;
  if (depth >= limits.max_depth) return t("metadata.err.deep", { count: limits.max_depth });
  if (!Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      if (!key || key.includes(".") || key.includes("$") || [...key].length > limits.max_key_length) {
        return t("metadata.err.innerKey");
      }
    }
  }
  for (const item of Object.values(value)) {
    const error = structureError(item, limits, depth + 1);
    if (error) return error;
  }
  return null;
}

/** The decimal separator of the current language ("." or ","). */
function decimalSeparator() {
  return new Intl.NumberFormat(language()).formatToParts(1.5).find((part) => part.type === "decimal")?.value || ".";
}

// A JSON number, nothing else: "0x10", "1e", " 12 ", "Infinity" are not numbers here
// (Number() would take the first as 16).
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** {value} for a number typed in the current language's way, or {error}. */
export function parseNumber(text) {
  let plain = text.trim();
  // "3,5" in a language that writes it so; in English a comma is not a decimal point.
  if (decimalSeparator() === "," && /^-?\d+,\d+$/.test(plain)) plain = plain.replace(",", ".");
  const number = Number(plain);
  if (!NUMBER.test(plain) || !Number.isFinite(number)) {
    return { error: t("metadata.err.number", { example: formatNumber(3.5) }) };
  }
  return { value: number };
}

const FORMATS = {
  email: [/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "metadata.err.email"],
  date: [/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "metadata.err.date"],
  "date-time": [/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/, "metadata.err.dateTime"],
};

function uriOk(text) {
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(text)) return false;
  try {
    return Boolean(new URL(text));
  } catch {
    return false;
  }
}

/** Why `value` does not fit the subschema `schema` (what a person can fix in a field), or null. */
export function schemaError(value, schema) {
  if (!schema) return null;
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => sameValue(option, value))) {
    return t("metadata.err.enum");
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof schema.minLength === "number" && length < schema.minLength) {
      return t("metadata.err.minLength", { count: schema.minLength });
    }
    if (typeof schema.maxLength === "number" && length > schema.maxLength) {
      return t("metadata.err.maxLength", { count: schema.maxLength });
    }
    const format = FORMATS[schema.format];
    if (format && !format[0].test(value)) return t(format[1]);
    if ((schema.format === "uri" || schema.format === "url") && !uriOk(value)) return t("metadata.err.uri");
    if (typeof schema.pattern === "string") {
      let pattern = null;
      try {
        pattern = new RegExp(schema.pattern, "u");
      } catch {
        pattern = null; // not an ECMA-262 pattern: the server's check decides
      }
      if (pattern && !pattern.test(value)) return t("metadata.err.pattern");
    }
  }
  if (typeof value === "number") {
    if (schema.type === "integer" && !Number.isInteger(value)) return t("metadata.err.integer");
    const below = typeof schema.minimum === "number" && value < schema.minimum;
    const under = typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum;
    if (below || under) return t("metadata.err.minimum", { limit: schema.minimum ?? schema.exclusiveMinimum });
    const above = typeof schema.maximum === "number" && value > schema.maximum;
    const over = typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum;
    if (above || over) return t("metadata.err.maximum", { limit: schema.maximum ?? schema.exclusiveMaximum });
  }
  return null;
}

let nextId = 0;

/**
 * One key: its saved value (`original`, undefined when not saved), what the input
 * holds (`text`, or `bool`), and, with a schema, its subschema. A schema row whose
 * input is empty means "not set" (removing the key if it was saved).
 */
export class Row {
  constructor(key, original, { isNew = false, type, schema = null, limits = DEFAULT_LIMITS } = {}) {
    nextId += 1;
    this.id = `row-${nextId}`;
    this.key = key;
    this.original = original;
    this.isNew = isNew;
    this.schema = schema;
    this.limits = limits;
    this.type = type || (schema ? schemaType(schema) : typeOf(original));
    this.text = toText(original, this.type);
    this.bool = original === true;
    this.removed = false;
  }

  /** {value} when the input parses and fits, {absent} for an empty schema field, else {error}. */
  parse() {
    if (this.schema && this.type !== "boolean" && !this.text.trim()) return { absent: true };
    const parsed = this.parseType();
    if (parsed.error) return parsed;
    const error = structureError(parsed.value, this.limits) || schemaError(parsed.value, this.schema);
    return error ? { error } : parsed;
  }

  parseType() {
    switch (this.type) {
      case "string":
        return { value: this.text };
      case "boolean":
        // A switch left off for a key that was never saved sets nothing.
        if (this.schema && !this.bool && this.original === undefined) return { absent: true };
        return { value: this.bool };
      case "number":
        return parseNumber(this.text);
      default:
        try {
          return { value: JSON.parse(this.text) };
        } catch {
          return { error: t("metadata.err.json") };
        }
    }
  }

  /** Switch type, carrying the value over where it makes sense. */
  setType(type) {
    const parsed = this.parseType();
    const value = parsed.error ? this.text : parsed.value;
    this.type = type;
    if (type === "boolean") this.bool = value === true || value === "true";
    else if (type === "number") this.text = typeof value === "number" ? String(value) : (parseNumber(String(value)).error ? "" : String(value).trim());
    else if (type === "string") this.text = typeof value === "string" ? value : JSON.stringify(value);
    else this.text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value, null, 2);
  }

  reset() {
    this.type = this.schema ? schemaType(this.schema) : typeOf(this.original);
    this.text = toText(this.original, this.type);
    this.bool = this.original === true;
    this.removed = false;
  }

  /** "add", "set", "remove" or null (unchanged); undefined while the input does not parse. */
  change() {
    if (this.removed) return this.original === undefined ? null : "remove";
    const parsed = this.parse();
    if (parsed.error) return undefined;
    if (parsed.absent) return this.original === undefined ? null : "remove";
    if (this.original === undefined) return "add";
    return sameValue(parsed.value, this.original) ? null : "set";
  }
}

/** Rows for `metadata` (a Map, or an object such as parsed JSON), sorted by key. */
export function rowsFrom(metadata, limits = DEFAULT_LIMITS) {
  const entries = metadata instanceof Map ? metadata : toMap(metadata);
  return [...entries.keys()].sort().map((key) => new Row(key, entries.get(key), { limits }));
}

/** With METADATA_SCHEMA: one row per editable key, in the schema's order. */
export function schemaRows(schema, metadata, limits = DEFAULT_LIMITS) {
  const properties = toMap(schema.properties);
  return [...properties.keys()].map((key) =>
    new Row(key, metadata.get(key), { schema: properties.get(key), limits }));
}

/** The saved keys a schema does not list (shown, not edited). */
export function keysOutside(schema, metadata) {
  const properties = toMap(schema.properties);
  return [...metadata.keys()].filter((key) => !properties.has(key)).sort();
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

/**
 * Apply a change set (a Map: a draft kept across a reload, or the user's changes
 * rebased on a newer saved version) to fresh rows; a change to the value a row
 * already has is no change.
 */
export function applyChanges(rows, changes, limits = DEFAULT_LIMITS) {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  for (const [key, value] of changes) {
    let row = byKey.get(key);
    if (value === null) {
      if (row && row.original !== undefined) row.removed = true;
      continue;
    }
    if (!row) {
      row = new Row(key, undefined, { isNew: true, type: typeOf(value), limits });
      rows.push(row);
      byKey.set(key, row);
    }
    if (!row.schema) row.type = typeOf(value);
    row.text = toText(value, row.type);
    row.bool = value === true;
  }
  return rows;
}

export function hasErrors(rows) {
  return rows.some((row) => !row.removed && row.parse().error);
}

/** The UTF-8 size of `metadata` with `changes` merged, as the server counts it. */
export function mergedSize(metadata, changes) {
  const merged = new Map(metadata);
  for (const [key, value] of changes) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return new TextEncoder().encode(jsonText(merged)).length;
}
