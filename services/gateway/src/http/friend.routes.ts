import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { RelationCommand } from '@im/bus';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { requestCommand } from './command.reply';
import { NO_CONTENT, friendAnswer, friendRequests, friendStatus, userIds } from './api-schemas';
import { checkUrlField, idSchema, urlFieldSchema } from './routes.context';
import type { RoutesContext } from './routes.context';

type FriendReply = { done: true } | { status: 'pending' | 'friends' };

/**
 * Friends, friend requests and the profile. The gateway validates and forwards: the friend
 * service owns the data, decides, and tells the other side (docs/protocol-notes.md, "who receives").
 */
export function friendRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const send = async (command: RelationCommand): Promise<FriendReply> =>
    await requestCommand<FriendReply>(ctx.bus, Topics.RELATION_COMMANDS, command.userId, command);
  const stamp = (): { commandId: string; at: number } => ({ commandId: randomUUID(), at: ctx.clock.now() });
  const notSelf = (userId: string, targetId: string): void => {
    if (userId === targetId) throw new AppError('IM_ERR_BAD_REQUEST', 'cannot target yourself');
  };

  app.post<{ Body: { toUserId: string; message?: string } }>(
    '/v1/friends/requests',
    {
      schema: {
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
    },
    async (request) => {
      const { sub } = ctx.auth(request);
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

  const answer =
    (kind: 'friend-accept' | 'friend-refuse') =>
    async (
      request: { params: { fromUserId: string } } & Parameters<RoutesContext['auth']>[0],
    ): Promise<FriendReply> => {
      const { sub } = ctx.auth(request);
      notSelf(sub, request.params.fromUserId);
      return send({ kind, userId: sub, targetId: request.params.fromUserId, ...stamp() });
    };
  const fromParams = { type: 'object', properties: { fromUserId: idSchema } } as const;
  app.post<{ Params: { fromUserId: string } }>(
    '/v1/friends/requests/:fromUserId/accept',
    {
      schema: {
        summary: 'Accept a friend request: 12 to the requester',
        params: fromParams,
        response: { 200: friendAnswer },
      },
    },
    answer('friend-accept'),
  );
  app.post<{ Params: { fromUserId: string } }>(
    '/v1/friends/requests/:fromUserId/refuse',
    { schema: { summary: 'Refuse a friend request', params: fromParams, response: { 200: friendAnswer } } },
    answer('friend-refuse'),
  );

  app.delete<{ Params: { userId: string } }>(
    '/v1/friends/:userId',
    {
      schema: {
        summary: 'End a friendship: 7 to the other side',
        params: { type: 'object', properties: { userId: idSchema } },
        response: { 204: NO_CONTENT },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      notSelf(sub, request.params.userId);
      await send({ kind: 'unfriend', userId: sub, targetId: request.params.userId, ...stamp() });
      return reply.status(204).send();
    },
  );

  app.get(
    '/v1/friends',
    { schema: { summary: 'This user’s friends', response: { 200: userIds } } },
    async (request) => {
      const { sub } = ctx.auth(request);
      return { userIds: await ctx.store.relations.friends(sub) };
    },
  );

  app.get(
    '/v1/friends/requests',
    {
      schema: {
        summary: 'Friend requests waiting for this user (incoming) and sent by them (outgoing)',
        response: { 200: friendRequests },
      },
    },
    async (request) => {
      const { sub } = ctx.auth(request);
      const [incoming, outgoing] = await Promise.all([
        ctx.store.friendRequests.incoming(sub),
        ctx.store.friendRequests.outgoing(sub),
      ]);
      return { incoming, outgoing };
    },
  );

  app.put<{ Body: { name?: string; avatar?: string } }>(
    '/v1/profile',
    {
      schema: {
        summary: 'Change this user’s name or avatar: 26 to every friend',
        response: { 204: NO_CONTENT },
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: { name: { type: 'string', maxLength: 128 }, avatar: urlFieldSchema },
        },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      const { name, avatar } = request.body;
      checkUrlField('avatar', avatar);
      const profile = { ...(name !== undefined ? { name } : {}), ...(avatar !== undefined ? { avatar } : {}) };
      await send({ kind: 'profile', userId: sub, profile, ...stamp() });
      return reply.status(204).send();
    },
  );
}
