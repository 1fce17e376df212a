import { AppError, verifyToken } from '@im/common';
import type { Clock, TokenClaims } from '@im/common';
import type { FastifyRequest } from 'fastify';

/** The user each authenticated request acts as, for the refusal log line. */
const actingUser = new WeakMap<FastifyRequest, string>();

/** Records the user a request's valid token names. */
export function rememberUser(request: FastifyRequest, userId: string): void {
  actingUser.set(request, userId);
}

/** The user a request authenticated as, if it did. */
export function userOf(request: FastifyRequest): string | undefined {
  return actingUser.get(request);
}

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** Reads `Authorization: Bearer <token>`; throws IM_ERR_UNAUTHENTICATED otherwise. */
export function authenticate(request: FastifyRequest, secret: string, clock: Clock): TokenClaims {
  const token = bearerToken(request);
  const result = verifyToken(token, secret, clock.now());
  if (!result.ok) throw new AppError('IM_ERR_UNAUTHENTICATED', result.reason);
  rememberUser(request, result.claims.sub);
  return result.claims;
}
