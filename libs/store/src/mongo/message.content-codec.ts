/**
 * Message content is kept as a native sub-document whenever the backend can store it exactly;
 * otherwise as JSON text in a side field (the SQLite store's representation), so any content the
 * protocol accepts round-trips on both backends. Not natively storable:
 * - a key containing '.' (FerretDB v1 refuses it; MongoDB accepts it only with caveats),
 * - a key containing NUL or starting with '$' (BSON / MongoDB refuse them),
 * - an array directly inside an array (FerretDB v1: "nested arrays are not supported"),
 * - a non-finite number (FerretDB v1 drops the connection on NaN) or any non-JSON value.
 * JSON text gives these the same meaning the embedded store gives them.
 */
export interface EncodedContent {
  /** Present when the content is stored natively. */
  readonly content?: unknown;
  /** Present when the content is stored as JSON text. */
  readonly contentJson?: string;
}

function storableKey(key: string): boolean {
  return !key.includes('.') && !key.includes('\u0000') && !key.startsWith('$');
}

function storableArray(items: readonly unknown[]): boolean {
  return items.every((item) => !Array.isArray(item) && (item === undefined || isNativelyStorable(item)));
}

function storableObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.entries(value).every(([k, v]) => storableKey(k) && (v === undefined || isNativelyStorable(v)));
}

export function isNativelyStorable(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      return Array.isArray(value) ? storableArray(value) : storableObject(value);
    default:
      return false;
  }
}

export function encodeContent(content: unknown): EncodedContent {
  if (content === undefined) return {};
  if (isNativelyStorable(content)) return { content };
  return { contentJson: JSON.stringify(content) ?? 'null' };
}

export function decodeContent(encoded: EncodedContent): unknown {
  return encoded.contentJson === undefined ? encoded.content : (JSON.parse(encoded.contentJson) as unknown);
}
