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
