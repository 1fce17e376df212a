import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { RelationCommand, RelationOutcome } from '@im/bus';
import { AppError } from '@im/common';
import { profilesOf } from '@im/store';
import type { FastifyInstance } from 'fastify';
import { NO_CONTENT, friendAnswer, friendList, friendRequests, friendStatus } from './api-schemas';
import { idSchema, userIdParams } from './routes.context';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

/**
 * Friends and friend requests (the profile is in user.routes.ts). The gateway validates and forwards: the friend
 * service owns the data, decides, and tells the other side (docs/protocol-notes.md, "who receives").
 */
export function friendRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const bearer = bearerRoutes(app, ctx);
  const send = (command: RelationCommand): Promise<RelationOutcome> =>
    ctx.commands.request(Topics.RELATION_COMMANDS, command);
  const stamp = (): { commandId: string; at: number } => ({ commandId: randomUUID(), at: ctx.clock.now() });
  const notSelf = (userId: string, targetId: string): void => {
    if (userId === targetId) throw new AppError('IM_ERR_BAD_REQUEST', 'cannot target yourself');
  };

  bearer.post<{ Body: { toUserId: string; message?: string } }>(
    '/v1/friends/requests',
    {
      summary:
        'Ask a user to be friends: 11 to them (or friends at once: 12, or 23 to both with IM_FRIEND_AUTO_ACCEPT)',
      response: { 200: friendStatus },
      body: {
        type: 'object',
        required: ['toUserId'],
        additionalProperties: false,
        properties: { toUserId: idSchema, message: { type: 'string', maxLength: 512 } },
      },
    },
    async (sub, request) => {
      notSelf(sub, request.body.toUserId);
      return send({
        kind: 'friend-request',
        userId: sub,
        targetId: request.body.toUserId,
        message: request.body.message ?? '',
        ...stamp(),
      });
    },
  );

  const fromParams = { type: 'object', properties: { fromUserId: idSchema } } as const;
  for (const [action, kind] of [
    ['accept', 'friend-accept'],
    ['refuse', 'friend-refuse'],
  ] as const) {
    bearer.post<{ Params: { fromUserId: string } }>(
      `/v1/friends/requests/:fromUserId/${action}`,
      {
        summary: action === 'accept' ? 'Accept a friend request: 12 to the requester' : 'Refuse a friend request',
        params: fromParams,
        response: { 200: friendAnswer },
      },
      async (sub, request) => {
        notSelf(sub, request.params.fromUserId);
        return send({ kind, userId: sub, targetId: request.params.fromUserId, ...stamp() });
      },
    );
  }

  bearer.delete<{ Params: { userId: string } }>(
    '/v1/friends/:userId',
    { summary: 'End a friendship: 7 to the other side', params: userIdParams, response: { 204: NO_CONTENT } },
    async (sub, request) => {
      notSelf(sub, request.params.userId);
      await send({ kind: 'unfriend', userId: sub, targetId: request.params.userId, ...stamp() });
    },
  );

  bearer.get(
    '/v1/friends',
    { summary: 'This user’s friends, with their profiles', response: { 200: friendList } },
    async (sub) => {
      const ids = await ctx.store.relations.friends(sub);
      return { userIds: ids, friends: await profilesOf(ctx.store.users, ids) };
    },
  );

  bearer.get(
    '/v1/friends/requests',
    {
      summary: 'Friend requests waiting for this user (incoming) and sent by them (outgoing)',
      response: { 200: friendRequests },
    },
    async (sub) => {
      const [incoming, outgoing] = await Promise.all([
        ctx.store.friendRequests.incoming(sub),
        ctx.store.friendRequests.outgoing(sub),
      ]);
      const profiles = new Map(
        (await profilesOf(ctx.store.users, [...incoming.map((r) => r.fromId), ...outgoing.map((r) => r.toId)])).map(
          (p) => [p.userId, p],
        ),
      );
      return {
        incoming: incoming.map((r) => ({ ...r, user: profiles.get(r.fromId) })),
        outgoing: outgoing.map((r) => ({ ...r, user: profiles.get(r.toId) })),
      };
    },
  );
}
