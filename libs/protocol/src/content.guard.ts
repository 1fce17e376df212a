import { isPlainObject } from './internal/plain-object';

/** How many objects/arrays may nest inside `content` (the content object itself is level 1). */
export const MAX_CONTENT_DEPTH = 8;

/**
 * Keys refused anywhere in content: prototype-pollution vectors, plus every key starting with
 * `$` so content can never smuggle a query operator (`{"$ne": null}`) into a document store.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks that `value` is JSON-like (strings, finite numbers, booleans, null, plain objects,
 * arrays), nests at most MAX_CONTENT_DEPTH levels and carries no forbidden key.
 * Returns the reason it is refused, or undefined when it is fine. Runs before any shape check.
 */
export function guardContent(value: unknown, path = 'content', depth = 0): string | undefined {
  if (value === null) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path}: numbers must be finite`;
    case 'object':
      return guardContainer(value, path, depth + 1);
    default:
      return `${path}: a ${typeof value} is not JSON`;
  }
}

function guardContainer(value: object, path: string, depth: number): string | undefined {
  if (depth > MAX_CONTENT_DEPTH) return `${path}: nested deeper than ${MAX_CONTENT_DEPTH} levels`;
  if (Array.isArray(value)) return guardArray(value, path, depth);
  if (!isPlainObject(value)) return `${path}: only plain objects and arrays are allowed`;
  for (const [key, item] of Object.entries(value)) {
    const bad = forbiddenKeyReason(key, path);
    if (bad !== undefined) return bad;
    if (item === undefined) continue;
    const reason = guardContent(item, `${path}.${key.slice(0, 64)}`, depth);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function guardArray(value: readonly unknown[], path: string, depth: number): string | undefined {
  for (let i = 0; i < value.length; i += 1) {
    const reason = guardContent(value[i], `${path}[${i}]`, depth);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function forbiddenKeyReason(key: string, path: string): string | undefined {
  const shown = JSON.stringify(key.slice(0, 64));
  if (key.startsWith('$')) return `${path}: key ${shown} is not allowed (keys may not start with "$")`;
  if (FORBIDDEN_KEYS.has(key)) return `${path}: key ${shown} is not allowed`;
  return undefined;
}
