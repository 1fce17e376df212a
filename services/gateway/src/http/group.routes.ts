import { Topics } from '@im/bus';
import type { CreateGroupResult, GroupCommand, GroupJoinPolicy } from '@im/bus';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { NO_CONTENT, groupDetail, groupMembers, groupSummary, object } from './api-schemas';
import { changeBody, checkUrlField, idSchema, membershipOf, nameSchema, urlFieldSchema } from './routes.context';
import type { RoutesContext } from './routes.context';
import { withProfiles } from './user.routes';
import { groupMembershipRoutes } from './group-membership.routes';
import { groupParams, groupRouteKit, memberParams } from './group-route-kit';
import { bearerRoutes } from './bearer-routes';

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
  const bearer = bearerRoutes(app, ctx);
  bearer.post<{ Body: CreateGroupBody }>(
    '/v1/groups',
    {
      summary: 'Create a group: the caller is its owner; the members get type 8',
      response: { 201: object({ groupId: { type: 'string' } }, { description: 'Created.' }) },
      body: {
        type: 'object',
        required: ['name', 'memberIds'],
        additionalProperties: false,
        properties: {
          name: nameSchema,
          memberIds: { type: 'array', items: idSchema, maxItems: 10000 },
          joinPolicy: joinPolicySchema,
        },
      },
    },
    async (sub, request) => {
      const command: GroupCommand = {
        kind: 'create',
        groupId: ctx.ids.next(),
        ownerId: sub,
        name: request.body.name,
        memberIds: request.body.memberIds,
        at: ctx.clock.now(),
        ...(request.body.joinPolicy === undefined ? {} : { joinPolicy: request.body.joinPolicy }),
      };
      const result = await ctx.commands.request<typeof Topics.GROUP_COMMANDS, CreateGroupResult>(
        Topics.GROUP_COMMANDS,
        command,
      );
      return { groupId: result.groupId };
    },
  );

  const kit = groupRouteKit(app, ctx);
  const { send, stamp, commandRoute } = kit;

  bearer.post<{ Params: { groupId: string }; Body: { userIds: string[] } }>(
    '/v1/groups/:groupId/members',
    {
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
    (sub, request) =>
      send<{ added: string[] }>({
        kind: 'invite',
        ...stamp(request.params.groupId, sub),
        targetIds: request.body.userIds,
      }),
  );

  commandRoute(
    'delete',
    '/v1/groups/:groupId/members/me',
    { summary: 'Leave a group (not the owner): 9 to the members', params: groupParams },
    () => ({ kind: 'leave' }),
  );
  commandRoute<{ Params: { groupId: string; userId: string } }>(
    'delete',
    '/v1/groups/:groupId/members/:userId',
    { summary: 'Remove a member (owner, admin): 64 to them, 9 to the rest', params: memberParams },
    (request) => ({ kind: 'kick', targetId: request.params.userId }),
  );
  commandRoute(
    'delete',
    '/v1/groups/:groupId',
    { summary: 'Dismiss a group (owner): 51 to the members; later sends are refused', params: groupParams },
    () => ({ kind: 'dismiss' }),
  );

  bearer.patch<{ Params: { groupId: string }; Body: PatchGroupBody }>(
    '/v1/groups/:groupId',
    {
      summary:
        'Change the name (25), join policy, avatar (46), announcement (47/48) or introduction (56) (owner, admin)',
      response: { 204: NO_CONTENT },
      params: groupParams,
      body: changeBody({
        name: nameSchema,
        joinPolicy: joinPolicySchema,
        avatar: urlFieldSchema,
        announcement: { type: 'string', maxLength: 4096 },
        introduction: { type: 'string', maxLength: 4096 },
      }),
    },
    async (sub, request) => {
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
    },
  );

  groupMembershipRoutes(app, ctx, kit);

  commandRoute<{ Params: { groupId: string }; Body: { expiresAt: number } }>(
    'put',
    '/v1/groups/:groupId/expiry',
    {
      summary: 'Set when the group expires (owner): 58 ahead of it, 65 at it',
      params: groupParams,
      body: {
        type: 'object',
        required: ['expiresAt'],
        additionalProperties: false,
        properties: { expiresAt: { type: 'integer', minimum: 1, maximum: 8_640_000_000_000_000 } },
      },
    },
    (request) => ({ kind: 'set-expiry', expiresAt: request.body.expiresAt }),
  );
  commandRoute(
    'delete',
    '/v1/groups/:groupId/expiry',
    { summary: 'Clear the group’s expiry (owner)', params: groupParams },
    () => ({ kind: 'set-expiry', expiresAt: null }),
  );
  commandRoute<{ Params: { groupId: string }; Body: { remark: string } }>(
    'put',
    '/v1/groups/:groupId/members/me/remark',
    {
      summary: 'Set the name you are shown by in this group: 27 to all',
      params: groupParams,
      body: {
        type: 'object',
        required: ['remark'],
        additionalProperties: false,
        properties: { remark: { type: 'string', maxLength: 128 } },
      },
    },
    (request) => ({ kind: 'set-remark', remark: request.body.remark }),
  );
  commandRoute<{ Params: { groupId: string; userId: string }; Body: { minutes: number } }>(
    'put',
    '/v1/groups/:groupId/members/:userId/mute',
    {
      summary: 'Mute one member for some minutes (owner; an admin for members only)',
      params: memberParams,
      body: {
        type: 'object',
        required: ['minutes'],
        additionalProperties: false,
        properties: { minutes: { type: 'integer', minimum: 1, maximum: 525600 } },
      },
    },
    (request) => ({ kind: 'mute-member', targetId: request.params.userId, minutes: request.body.minutes }),
  );
  commandRoute<{ Params: { groupId: string; userId: string } }>(
    'delete',
    '/v1/groups/:groupId/members/:userId/mute',
    { summary: 'Unmute a member', params: memberParams },
    (request) => ({ kind: 'unmute-member', targetId: request.params.userId }),
  );

  bearer.get(
    '/v1/groups',
    {
      summary: 'The groups this user is a member of, with their role',
      response: { 200: object({ groups: { type: 'array', items: groupSummary } }, { title: 'GroupList' }) },
    },
    async (sub) => {
      const memberships = await ctx.store.groups.groupsOf(sub);
      const groups = await Promise.all(
        memberships.map(async (m) => ({ ...(await ctx.store.groups.get(m.groupId)), role: m.role })),
      );
      return { groups };
    },
  );

  bearer.get<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId',
    { summary: 'One group (members only)', params: groupParams, response: { 200: groupDetail } },
    async (sub, request) => {
      const me = await membershipOf(ctx, request.params.groupId, sub);
      const group = await ctx.store.groups.get(request.params.groupId);
      if (!group) throw new AppError('IM_ERR_NOT_FOUND');
      // As the members see it: not the pending ownership offer nor the expiry sweeper's claims.
      const { ownershipCandidate: _offer, remindedAt: _reminded, expiredAt: _expiredNotice, ...shown } = group;
      const expired = group.expiresAt !== undefined && ctx.clock.now() >= group.expiresAt;
      return { ...shown, expired, role: me.role };
    },
  );

  bearer.get<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId/members',
    { summary: 'The members, with role, remark and mute', params: groupParams, response: { 200: groupMembers } },
    async (sub, request) => {
      await membershipOf(ctx, request.params.groupId, sub);
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
