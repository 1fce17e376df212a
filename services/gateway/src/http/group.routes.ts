import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { CreateGroupResult, GroupCommand, GroupCommandResult, GroupJoinPolicy } from '@im/bus';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { NO_CONTENT, groupDetail, groupMembers, groupSummary, object } from './api-schemas';
import { checkUrlField, idSchema, urlFieldSchema } from './routes.context';
import type { RoutesContext } from './routes.context';
import { withProfiles } from './user.routes';
import { groupMembershipRoutes, groupParams, memberParams } from './group-membership.routes';

interface CreateGroupBody {
  name: string;
  memberIds: string[];
  joinPolicy?: GroupJoinPolicy;
}

interface PatchGroupBody {
  name?: string;
  joinPolicy?: GroupJoinPolicy;
  avatar?: string;
  announcement?: string;
  introduction?: string;
}

const joinPolicySchema = { type: 'string', enum: ['free', 'approval', 'invite-only'] } as const;

export function groupRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  app.post<{ Body: CreateGroupBody }>(
    '/v1/groups',
    {
      schema: {
        security: 'bearer',
        summary: 'Create a group: the caller is its owner; the members get type 8',
        response: { 201: object({ groupId: { type: 'string' } }, { description: 'Created.' }) },
        body: {
          type: 'object',
          required: ['name', 'memberIds'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 128 },
            memberIds: { type: 'array', items: idSchema, maxItems: 10000 },
            joinPolicy: joinPolicySchema,
          },
        },
      },
    },
    async (request, reply) => {
      const claims = ctx.auth(request);
      const command: GroupCommand = {
        kind: 'create',
        groupId: ctx.ids.next(),
        ownerId: claims.sub,
        name: request.body.name,
        memberIds: request.body.memberIds,
        at: ctx.clock.now(),
        ...(request.body.joinPolicy === undefined ? {} : { joinPolicy: request.body.joinPolicy }),
      };
      const result = await ctx.commands.request<typeof Topics.GROUP_COMMANDS, CreateGroupResult>(
        Topics.GROUP_COMMANDS,
        command,
      );
      return reply.status(201).send({ groupId: result.groupId });
    },
  );

  /** Sends a group command (request/reply keyed by the group id) and returns its value. */
  const send = <T extends GroupCommandResult = GroupCommandResult>(command: GroupCommand): Promise<T> =>
    ctx.commands.request<typeof Topics.GROUP_COMMANDS, T>(Topics.GROUP_COMMANDS, command);
  const stamp = (
    groupId: string,
    userId: string,
  ): { groupId: string; userId: string; commandId: string; at: number } => ({
    groupId,
    userId,
    commandId: randomUUID(),
    at: ctx.clock.now(),
  });

  app.post<{ Params: { groupId: string }; Body: { userIds: string[] } }>(
    '/v1/groups/:groupId/members',
    {
      schema: {
        security: 'bearer',
        summary: 'Invite users (owner, admin): 10 to each invitee, 8 to the members',
        response: {
          200: object({
            added: { type: 'array', items: { type: 'string' }, description: 'Those who were not members yet.' },
          }),
        },
        params: groupParams,
        body: {
          type: 'object',
          required: ['userIds'],
          additionalProperties: false,
          properties: { userIds: { type: 'array', items: idSchema, minItems: 1, maxItems: 1000 } },
        },
      },
    },
    async (request) => {
      const { sub } = ctx.auth(request);
      return send<{ added: string[] }>({
        kind: 'invite',
        ...stamp(request.params.groupId, sub),
        targetIds: request.body.userIds,
      });
    },
  );

  app.delete<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId/members/me',
    {
      schema: {
        security: 'bearer',
        summary: 'Leave a group (not the owner): 9 to the members',
        params: groupParams,
        response: { 204: NO_CONTENT },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({ kind: 'leave', ...stamp(request.params.groupId, sub) });
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: { groupId: string; userId: string } }>(
    '/v1/groups/:groupId/members/:userId',
    {
      schema: {
        security: 'bearer',
        summary: 'Remove a member (owner, admin): 64 to them, 9 to the rest',
        params: memberParams,
        response: { 204: NO_CONTENT },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({ kind: 'kick', ...stamp(request.params.groupId, sub), targetId: request.params.userId });
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId',
    {
      schema: {
        security: 'bearer',
        summary: 'Dismiss a group (owner): 51 to the members; later sends are refused',
        params: groupParams,
        response: { 204: NO_CONTENT },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({ kind: 'dismiss', ...stamp(request.params.groupId, sub) });
      return reply.status(204).send();
    },
  );

  app.patch<{ Params: { groupId: string }; Body: PatchGroupBody }>(
    '/v1/groups/:groupId',
    {
      schema: {
        security: 'bearer',
        summary:
          'Change the name (25), join policy, avatar (46), announcement (47/48) or introduction (56) (owner, admin)',
        response: { 204: NO_CONTENT },
        params: groupParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 128 },
            joinPolicy: joinPolicySchema,
            avatar: urlFieldSchema,
            announcement: { type: 'string', maxLength: 4096 },
            introduction: { type: 'string', maxLength: 4096 },
          },
        },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      const { name, joinPolicy } = request.body;
      checkUrlField('avatar', request.body.avatar);
      if (name !== undefined) await send({ kind: 'rename', ...stamp(request.params.groupId, sub), name });
      if (joinPolicy !== undefined)
        await send({ kind: 'set-join-policy', ...stamp(request.params.groupId, sub), joinPolicy });
      for (const attribute of ['avatar', 'announcement', 'introduction'] as const) {
        const value = request.body[attribute];
        if (value !== undefined)
          await send({ kind: 'set-attribute', ...stamp(request.params.groupId, sub), attribute, value });
      }
      return reply.status(204).send();
    },
  );

  groupMembershipRoutes(app, ctx, { send, stamp });

  app.put<{ Params: { groupId: string }; Body: { expiresAt: number } }>(
    '/v1/groups/:groupId/expiry',
    {
      schema: {
        security: 'bearer',
        summary: 'Set when the group expires (owner): 58 ahead of it, 65 at it',
        response: { 204: NO_CONTENT },
        params: groupParams,
        body: {
          type: 'object',
          required: ['expiresAt'],
          additionalProperties: false,
          properties: { expiresAt: { type: 'integer', minimum: 1, maximum: 8_640_000_000_000_000 } },
        },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({ kind: 'set-expiry', ...stamp(request.params.groupId, sub), expiresAt: request.body.expiresAt });
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId/expiry',
    {
      schema: {
        security: 'bearer',
        summary: 'Clear the group’s expiry (owner)',
        params: groupParams,
        response: { 204: NO_CONTENT },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({ kind: 'set-expiry', ...stamp(request.params.groupId, sub), expiresAt: null });
      return reply.status(204).send();
    },
  );

  app.put<{ Params: { groupId: string }; Body: { remark: string } }>(
    '/v1/groups/:groupId/members/me/remark',
    {
      schema: {
        security: 'bearer',
        summary: 'Set the name you are shown by in this group: 27 to all',
        response: { 204: NO_CONTENT },
        params: groupParams,
        body: {
          type: 'object',
          required: ['remark'],
          additionalProperties: false,
          properties: { remark: { type: 'string', maxLength: 128 } },
        },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({ kind: 'set-remark', ...stamp(request.params.groupId, sub), remark: request.body.remark });
      return reply.status(204).send();
    },
  );

  app.put<{ Params: { groupId: string; userId: string }; Body: { minutes: number } }>(
    '/v1/groups/:groupId/members/:userId/mute',
    {
      schema: {
        security: 'bearer',
        summary: 'Mute one member for some minutes (owner; an admin for members only)',
        response: { 204: NO_CONTENT },
        params: memberParams,
        body: {
          type: 'object',
          required: ['minutes'],
          additionalProperties: false,
          properties: { minutes: { type: 'integer', minimum: 1, maximum: 525600 } },
        },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({
        kind: 'mute-member',
        ...stamp(request.params.groupId, sub),
        targetId: request.params.userId,
        minutes: request.body.minutes,
      });
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: { groupId: string; userId: string } }>(
    '/v1/groups/:groupId/members/:userId/mute',
    { schema: { security: 'bearer', summary: 'Unmute a member', params: memberParams, response: { 204: NO_CONTENT } } },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({ kind: 'unmute-member', ...stamp(request.params.groupId, sub), targetId: request.params.userId });
      return reply.status(204).send();
    },
  );

  app.get(
    '/v1/groups',
    {
      schema: {
        security: 'bearer',
        summary: 'The groups this user is a member of, with their role',
        response: { 200: object({ groups: { type: 'array', items: groupSummary } }, { title: 'GroupList' }) },
      },
    },
    async (request) => {
      const claims = ctx.auth(request);
      const memberships = await ctx.store.groups.groupsOf(claims.sub);
      const groups = await Promise.all(
        memberships.map(async (m) => ({ ...(await ctx.store.groups.get(m.groupId)), role: m.role })),
      );
      return { groups };
    },
  );

  app.get<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId',
    {
      schema: {
        security: 'bearer',
        summary: 'One group (members only)',
        params: groupParams,
        response: { 200: groupDetail },
      },
    },
    async (request) => {
      const claims = ctx.auth(request);
      const me = await ctx.store.groups.member(request.params.groupId, claims.sub);
      if (!me) throw new AppError('IM_ERR_NOT_MEMBER');
      const group = await ctx.store.groups.get(request.params.groupId);
      if (!group) throw new AppError('IM_ERR_NOT_FOUND');
      const {
        groupId,
        name,
        ownerId,
        createdAt,
        dismissed,
        muted,
        joinPolicy,
        avatar,
        announcement,
        introduction,
        expiresAt,
      } = group;
      const expired = expiresAt !== undefined && ctx.clock.now() >= expiresAt;
      return {
        groupId,
        name,
        ownerId,
        createdAt,
        dismissed,
        muted,
        joinPolicy,
        avatar,
        announcement,
        introduction,
        expiresAt,
        expired,
        role: me.role,
      };
    },
  );

  app.get<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId/members',
    {
      schema: {
        security: 'bearer',
        summary: 'The members, with role, remark and mute',
        params: { type: 'object', properties: { groupId: idSchema } },
        response: { 200: groupMembers },
      },
    },
    async (request) => {
      const claims = ctx.auth(request);
      if (!(await ctx.store.groups.member(request.params.groupId, claims.sub))) throw new AppError('IM_ERR_NOT_MEMBER');
      const members = await ctx.store.groups.members(request.params.groupId);
      return {
        members: await withProfiles(ctx, members, (m) => ({
          role: m.role,
          ...(m.remark === undefined ? {} : { remark: m.remark }),
          ...(m.mutedUntil === undefined ? {} : { mutedUntil: m.mutedUntil }),
        })),
      };
    },
  );
}
