import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@im/common';
import type { Clock, Logger } from '@im/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Server } from 'socket.io';
import type { Revocations } from '../security/revocations';
import { idSchema } from './routes.context';

export interface AdminRoutesDeps {
  /** `IM_ADMIN_TOKEN`; undefined disables the admin API. */
  readonly adminToken: string | undefined;
  readonly revocations: Revocations;
  readonly io: Server;
  readonly clock: Clock;
  readonly logger: Logger;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** `Authorization: Bearer <IM_ADMIN_TOKEN>`, compared in constant time (over digests, so lengths do not leak). */
function checkAdmin(request: FastifyRequest, adminToken: string | undefined): void {
  if (adminToken === undefined || adminToken === '') throw new AppError('IM_ERR_FORBIDDEN', 'the admin API is disabled (IM_ADMIN_TOKEN unset)');
  const header = request.headers.authorization;
  const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!timingSafeEqual(digest(given), digest(adminToken))) throw new AppError('IM_ERR_UNAUTHENTICATED', 'missing or wrong admin token');
}

/**
 * Operations endpoints. `POST /v1/admin/users/:userId/revoke` records the revocation time (shared by
 * every gateway) and closes the user's sockets on every gateway at once: the Socket.IO adapter
 * (Redis in cluster mode) reaches the `user:<id>` room everywhere.
 */
export function adminRoutes(app: FastifyInstance, d: AdminRoutesDeps): void {
  app.post<{ Params: { userId: string } }>(
    '/v1/admin/users/:userId/revoke',
    { schema: { params: { type: 'object', required: ['userId'], properties: { userId: idSchema } } } },
    async (request, reply) => {
      checkAdmin(request, d.adminToken);
      const { userId } = request.params;
      const revokedAt = d.clock.now();
      // Recorded first: a socket closed here that reconnects at once already meets the revocation.
      await d.revocations.revoke(userId, revokedAt);
      const room = `user:${userId}`;
      d.io.in(room).emit('kicked', { reason: 'sessions revoked' });
      d.io.in(room).disconnectSockets(true);
      d.logger.warn({ userId, revokedAt, reqId: request.id }, 'user sessions revoked by an admin');
      return reply.status(200).send({ userId, revokedAt });
    },
  );
}
