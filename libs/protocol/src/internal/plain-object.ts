/** A JSON-like object: created by `{}`, `JSON.parse` or `Object.create(null)`; not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A deep copy of a value already checked by `guardContent` (JSON-like, bounded depth), so the
 * result never shares objects with the caller's input. Undefined object fields are dropped,
 * as JSON would drop them.
 */
export function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = cloneJson(item);
  }
  return out;
}

/** True when `value` has `key` as an own property (not inherited). */
export function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}
