// Maps for data whose keys come from users, and their JSON form.
//
// A plain object is not a safe map for such keys: `obj["__proto__"] = v` calls
// the prototype setter instead of storing a key (and JSON.stringify then leaves
// it out), and `obj["constructor"]` or `obj["toString"]` answer an inherited
// function for a key that is absent. A Map has no such keys.

/** A Map of the own keys of `object` (e.g. parsed JSON; null or undefined: empty). */
export function toMap(object) {
  return new Map(Object.entries(object ?? {}));
}

/**
 * JSON text of `value`, with every Map in it (at any depth) written as a JSON
 * object of its entries. Object.fromEntries defines own data properties, so a
 * `__proto__` entry becomes a key like any other (it never calls the setter).
 */
export function jsonText(value) {
  return JSON.stringify(value, (key, item) => (item instanceof Map ? Object.fromEntries(item) : item));
}
