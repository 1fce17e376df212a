import type { TokenClaims } from '@im/common';
import type { OnceStore } from '@im/realtime';

const key = (userId: string): string => `revoked:${userId}`;

/**
 * Revoked sessions: the time a user's sessions were revoked, kept in the shared OnceStore (Redis
 * in cluster mode, so every gateway sees it) for `ttlMs`, which must outlive every token issued
 * before it. A token is refused when it was issued (`iat`, whole seconds) in or before the second of
 * the revocation, or carries no `iat` at all; a token issued in a later second is accepted.
 */
export class Revocations {
  constructor(
    private readonly once: OnceStore,
    private readonly ttlMs: number,
  ) {}

  /** Records the revocation; a later one replaces an earlier one (times only move forward). */
  async revoke(userId: string, atMs: number): Promise<void> {
    const previous = Number(await this.once.get(key(userId)));
    await this.once.set(key(userId), String(Number.isFinite(previous) ? Math.max(previous, atMs) : atMs), this.ttlMs);
  }

  /** The revocation time of `userId` in ms, if any. */
  async revokedAt(userId: string): Promise<number | undefined> {
    const raw = await this.once.get(key(userId));
    const at = raw === undefined ? NaN : Number(raw);
    return Number.isFinite(at) ? at : undefined;
  }

  /** True when `claims` belong to a token issued before its user's revocation. */
  async isRevoked(claims: TokenClaims): Promise<boolean> {
    const at = await this.revokedAt(claims.sub);
    if (at === undefined) return false;
    return claims.iat === undefined || claims.iat <= Math.floor(at / 1000);
  }
}
