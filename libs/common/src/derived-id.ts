import { createHash } from 'node:crypto';

/**
 * A stable id made from its parts, 32 hex characters of their SHA-256: the same parts always give
 * the same id, so a retried request or a redelivered command finds what its first try made.
 */
export function derivedId(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
