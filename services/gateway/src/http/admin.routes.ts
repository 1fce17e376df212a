import { randomUUID } from 'node:crypto';
import { readBusinessEvent, Topics } from '@im/bus';
import type { BusinessEvent, BusinessEventTarget } from '@im/bus';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { TokenBucket } from '../socket/rate-limiter';
import { object } from './api-schemas';
import { idSchema } from './routes.context';
import type { RoutesContext } from './routes.context';

/** Most users one admin notice may name; more: several calls, or `everyoneOnline`. */
export const ADMIN_MAX_USERS = 1000;

interface NoticeBody {
  eventId?: string;
  userIds?: string[];
  everyoneOnline?: boolean;
  content: unknown;
  fromName?: string;
}

/**
 * The admin API: system notices (68) to some users or to everyone online. The gateway checks
 * the token and the event, then publishes it to `im.events.in` like any business event; the
 * events service stores and delivers it (docs/business-events.md).
 */
export function adminRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const perMinute = ctx.settings.adminNoticesPerMinute;
  const bucket = new TokenBucket(perMinute / 60, perMinute, ctx.clock);

  app.post<{ Body: NoticeBody }>(
    '/v1/admin/notices',
    {
      // An unknown field (an admin's typo) is refused by the schema (request-validation.ts).
      schema: {
        summary: 'Send a system notice (68) to some users or to everyone online (admin)',
        security: 'admin',
        response: {
          202: object(
            { eventId: { type: 'string' } },
            { description: 'Accepted: published to im.events.in; the events service delivers it.' },
          ),
        },
        body: {
          type: 'object',
          required: ['content'],
          additionalProperties: false,
          properties: {
            eventId: { type: 'string', pattern: '^[A-Za-z0-9_.@-]{1,100}$' },
            userIds: { type: 'array', items: idSchema, minItems: 1, maxItems: ADMIN_MAX_USERS },
            everyoneOnline: { const: true },
            content: {},
            fromName: { type: 'string', maxLength: 128 },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if ((body.userIds === undefined) === (body.everyoneOnline === undefined)) {
        throw new AppError('IM_ERR_BAD_REQUEST', 'give exactly one of userIds and everyoneOnline');
      }
      const target: BusinessEventTarget = body.userIds !== undefined ? { users: body.userIds } : { allOnline: true };
      const candidate = {
        eventId: body.eventId ?? `admin-${randomUUID()}`,
        messageType: 68,
        fromType: 3,
        fromId: 'system',
        fromName: body.fromName ?? 'System',
        target,
        content: body.content,
        at: ctx.clock.now(),
      };
      const checked = readBusinessEvent(candidate, ADMIN_MAX_USERS);
      if (!checked.ok) throw new AppError('IM_ERR_BAD_REQUEST', checked.reason);
      if (!bucket.take()) throw new AppError('IM_ERR_RATE_LIMITED', `at most ${perMinute} notices per minute`);
      const event: BusinessEvent = checked.event;
      await ctx.bus.publish(Topics.EVENTS_IN, event.eventId, event);
      ctx.logger.info(
        { eventId: event.eventId, target: 'users' in target ? target.users.length : 'everyone online' },
        'admin notice accepted',
      );
      return reply.status(202).send({ eventId: event.eventId });
    },
  );
}
