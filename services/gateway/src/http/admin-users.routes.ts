import { AppError } from '@im/common';
import type { Clock, Logger } from '@im/common';
import type { Store } from '@im/store';
import type { FastifyInstance } from 'fastify';
import type { Revocations } from '../security/revocations';
import type { ImServer } from '../socket/socket.events';
import { NO_CONTENT, object } from './api-schemas';
import { idSchema } from './routes.context';

export interface AdminRoutesDeps {
  readonly revocations: Revocations;
  /** The revoked user's push tokens are removed: a revoked session's phone gets no more pushes. */
  /** Bans are kept in the user directory (durable: they outlive every token). */
  readonly store: Store;
  readonly io: ImServer;
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

  const userParams = { type: 'object', required: ['userId'], properties: { userId: idSchema } } as const;
  app.put<{ Params: { userId: string }; Body: { reason?: string } | undefined }>(
    '/v1/admin/users/:userId/ban',
    {
      schema: {
        summary:
          'Ban a user (admin): their sockets close on every gateway at once; new tokens, sockets and HTTP calls are refused until unbanned',
        security: 'admin',
        params: userParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 512 } },
        },
        response: {
          200: object({ userId: { type: 'string' }, bannedAt: { type: 'integer' }, reason: { type: 'string' } }),
        },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const ban = { userId, at: d.clock.now(), reason: request.body?.reason ?? '' };
      // Stored first: a socket closed here that reconnects at once already meets the ban.
      await d.store.users.ban(ban);
      const room = `user:${userId}`;
      d.io.in(room).emit('kicked', { reason: 'user banned' });
      d.io.in(room).disconnectSockets(true);
      d.logger.warn({ userId, reason: ban.reason, reqId: request.id }, 'user banned by an admin');
      return reply.status(200).send({ userId, bannedAt: ban.at, reason: ban.reason });
    },
  );
  app.delete<{ Params: { userId: string } }>(
    '/v1/admin/users/:userId/ban',
    {
      schema: {
        summary: 'Lift a ban (admin): the user may connect and call the API again (404 when not banned)',
        security: 'admin',
        params: userParams,
        response: { 204: NO_CONTENT },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      if (!(await d.store.users.unban(userId))) throw new AppError('IM_ERR_NOT_FOUND', 'this user is not banned');
      d.logger.warn({ userId, reqId: request.id }, 'user ban lifted by an admin');
      return reply.status(204).send();
    },
  );
}
