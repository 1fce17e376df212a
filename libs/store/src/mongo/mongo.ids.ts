/**
 * Input checks run before any query. A Store receives ids from services that parsed them from
 * the wire; if a bug ever lets an object through (`{ $ne: null }`), it must never become a query
 * operator. Mongoose's `sanitizeFilter` is the second line; this is the first, and it also
 * guards the driver calls that bypass mongoose on the hot path.
 */
export function assertId(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`MongoStore: ${name} must be a string, got ${typeof value}`);
}

export function assertIds(values: readonly unknown[], name: string): asserts values is readonly string[] {
  if (!Array.isArray(values)) throw new TypeError(`MongoStore: ${name} must be an array of strings`);
  values.forEach((v, i) => assertId(v, `${name}[${i}]`));
}

/** Seqs, read marks and cursors are non-negative safe integers. */
export function assertSeq(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`MongoStore: ${name} must be a non-negative integer`);
  }
}

/**
 * The `_id` of a document identified by several strings. JSON of the tuple is injective for any
 * strings (no separator can be forged), so uniqueness of the tuple is uniqueness of the `_id`.
 *
 * Why natural `_id`s: FerretDB v1 (SQLite backend) pushes down to SQL only a filter that is
 * exactly `{ _id: <string> }`; every other filter is a full collection scan evaluated in Go,
 * whatever indexes exist. Point reads and upserts on the hot path (idempotency check,
 * blacklist check, cursor and read-mark updates) therefore go by `_id`. On MongoDB this is
 * simply the `_id` index.
 */
export function naturalKey(...parts: readonly string[]): string {
  return JSON.stringify(parts);
}
