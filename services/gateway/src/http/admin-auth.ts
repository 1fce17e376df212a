import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@im/common';
import type { FastifyRequest } from 'fastify';
import type { RoutesContext } from './routes.context';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Checks `Authorization: Bearer <IM_ADMIN_TOKEN>` in constant time; client JWTs are not admin tokens. */
export function adminGuard(ctx: RoutesContext): (request: FastifyRequest) => void {
  const expected = ctx.settings.adminToken === undefined ? undefined : digest(ctx.settings.adminToken);
  return (request) => {
    if (expected === undefined) throw new AppError('IM_ERR_FORBIDDEN', 'the admin API is disabled: IM_ADMIN_TOKEN is not set');
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!timingSafeEqual(digest(token), expected)) throw new AppError('IM_ERR_UNAUTHENTICATED', 'missing or wrong admin token');
  };
}

