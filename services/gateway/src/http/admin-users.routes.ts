import { checkAdminToken } from './admin-auth';
import type { Clock, Logger } from '@im/common';
import type { Store } from '@im/store';
import type { FastifyInstance } from 'fastify';
import type { Server } from 'socket.io';
import type { Revocations } from '../security/revocations';
import { object } from './api-schemas';
import { idSchema } from './routes.context';

export interface AdminRoutesDeps {
  /** `IM_ADMIN_TOKEN`; undefined disables the admin API. */
  readonly adminToken: string | undefined;
  readonly revocations: Revocations;
  /** The revoked user's push tokens are removed: a revoked session's phone gets no more pushes. */
  readonly store: Store;
  readonly io: Server;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Operations endpoints. `POST /v1/admin/users/:userId/revoke` records the revocation time (shared by
 * every gateway), removes their push tokens and closes the user's sockets on every gateway at once: the Socket.IO adapter
 * (Redis in cluster mode) reaches the `user:<id>` room everywhere.
 */
export function adminUserRoutes(app: FastifyInstance, d: AdminRoutesDeps): void {
  app.post<{ Params: { userId: string } }>(
    '/v1/admin/users/:userId/revoke',
    {
      schema: {
        summary: 'Revoke every token of a user issued so far and close their sockets on every gateway (admin)',
        security: 'admin',
        params: { type: 'object', required: ['userId'], properties: { userId: idSchema } },
        response: {
          200: object({
            userId: { type: 'string' },
            revokedAt: { type: 'integer', description: 'Tokens issued before this (ms) are refused.' },
          }),
        },
      },
    },
    async (request, reply) => {
      checkAdminToken(request, d.adminToken);
      const { userId } = request.params;
      const revokedAt = d.clock.now();
      // Recorded first: a socket closed here that reconnects at once already meets the revocation.
      await d.revocations.revoke(userId, revokedAt);
      await d.store.pushDevices.removeAll(userId);
      const room = `user:${userId}`;
      d.io.in(room).emit('kicked', { reason: 'sessions revoked' });
      d.io.in(room).disconnectSockets(true);
      d.logger.warn({ userId, revokedAt, reqId: request.id }, 'user sessions revoked by an admin');
      return reply.status(200).send({ userId, revokedAt });
    },
  );
}
