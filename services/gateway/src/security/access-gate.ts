import { AppError, verifyToken } from '@im/common';
import type { Clock, TokenClaims } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { bearerToken, rememberUser } from '../http/http-auth';
import type { UserDirectory } from '../users/user-directory';
import type { Revocations } from './revocations';

/** Why a valid token is refused: its user is banned, or it was issued before a revocation. */
export type AccessRefusal = 'user banned' | 'token revoked';

/**
 * The one check every socket handshake and every HTTP call with a user token passes: a banned
 * user (the directory's ban, durable in the store) and a revoked token (Revocations) are refused.
 */
export class AccessGate {
  constructor(
    private readonly revocations: Revocations,
    private readonly users: UserDirectory,
  ) {}

  async refusal(claims: TokenClaims): Promise<AccessRefusal | undefined> {
    const [ban, revoked] = await Promise.all([this.users.banOf(claims.sub), this.revocations.isRevoked(claims)]);
    if (ban !== undefined) return 'user banned';
    return revoked ? 'token revoked' : undefined;
  }
}

/**
 * Every HTTP route: a valid user token of a banned user or a revoked token is refused before the
 * route runs (routes then verify the token as usual). Logged by the error handler, with the user.
 */
export function installAccessCheck(app: FastifyInstance, access: AccessGate, secret: string, clock: Clock): void {
  app.addHook('onRequest', async (request) => {
    const verified = verifyToken(bearerToken(request), secret, clock.now());
    if (!verified.ok) return;
    rememberUser(request, verified.claims.sub);
    let denied: AccessRefusal | undefined;
    try {
      denied = await access.refusal(verified.claims);
    } catch (e) {
      throw new AppError('IM_ERR_UNAVAILABLE', 'cannot check the token now', e);
    }
    if (denied === 'user banned') throw new AppError('IM_ERR_BANNED');
    if (denied !== undefined) throw new AppError('IM_ERR_UNAUTHENTICATED', denied);
  });
}
