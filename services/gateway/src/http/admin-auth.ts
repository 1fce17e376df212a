import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@im/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './http-auth';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <IM_ADMIN_TOKEN>`, the gateway's one admin credential, in
 * constant time (over digests, so lengths do not leak); client JWTs are not admin tokens.
 */
export function checkAdminToken(request: FastifyRequest, adminToken: string | undefined): void {
  if (adminToken === undefined || adminToken === '')
    throw new AppError('IM_ERR_FORBIDDEN', 'the admin API is disabled: IM_ADMIN_TOKEN is not set');
  const token = bearerToken(request) ?? '';
  if (!timingSafeEqual(digest(token), digest(adminToken)))
    throw new AppError('IM_ERR_UNAUTHENTICATED', 'missing or wrong admin token');
}
