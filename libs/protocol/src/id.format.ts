/**
 * Ids on the wire (msgId, fromId, destId, id, ids inside content): 1–128 characters from
 * `A-Z a-z 0-9 _ . @ -`. A ':' is deliberately not allowed, so conversation ids such as
 * `p:<a>:<b>` stay unambiguous. Old clients send numeric ids: a safe non-negative integer is
 * accepted and normalised to its decimal string.
 */
export const ID_PATTERN = /^[A-Za-z0-9_.@-]{1,128}$/;

/** True when `value` is a string id in the canonical wire format. */
export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** The id as a canonical string, or undefined when `value` is not an id (objects never are). */
export function normaliseId(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  }
  return isValidId(value) ? value : undefined;
}
