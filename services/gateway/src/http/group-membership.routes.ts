import type { GroupCommandResult, GroupCommand } from '@im/bus';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { NO_CONTENT, groupApplications, object } from './api-schemas';
import { idSchema } from './routes.context';
import type { RoutesContext } from './routes.context';
import { withProfiles } from './user.routes';

export const groupParams = { type: 'object', properties: { groupId: idSchema } } as const;
export const memberParams = { type: 'object', properties: { groupId: idSchema, userId: idSchema } } as const;

/** What the group routes share with these: the command sender and the command stamp. */
export interface GroupRouteKit {
  readonly send: <T extends GroupCommandResult = GroupCommandResult>(command: GroupCommand) => Promise<T>;
  readonly stamp: (
    groupId: string,
    userId: string,
  ) => { groupId: string; userId: string; commandId: string; at: number };
}

/** Who is in a group and in which role: applications (apply, approve, refuse, list), ownership (offer, accept, refuse), admins, and muting the whole group. */
export function groupMembershipRoutes(app: FastifyInstance, ctx: RoutesContext, kit: GroupRouteKit): void {
  const { send, stamp } = kit;
  app.post<{ Params: { groupId: string }; Body: { message?: string } | undefined }>(
    '/v1/groups/:groupId/applications',
    {
      schema: {
        security: 'bearer',
        summary: 'Apply to join: joined at once (free), or pending until an owner or admin answers (approval)',
        response: { 200: object({ status: { type: 'string', enum: ['joined', 'pending'] } }) },
        params: groupParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { message: { type: 'string', maxLength: 512 } },
        },
      },
    },
    async (request) => {
      const { sub } = ctx.auth(request);
      return send<{ status: 'joined' | 'pending' }>({
        kind: 'apply',
        ...stamp(request.params.groupId, sub),
        message: request.body?.message ?? '',
      });
    },
  );

  for (const [action, kind] of [
    ['approve', 'approve'],
    ['refuse', 'refuse-application'],
  ] as const) {
    app.post<{ Params: { groupId: string; userId: string } }>(
      `/v1/groups/:groupId/applications/:userId/${action}`,
      {
        schema: {
          security: 'bearer',
          summary:
            action === 'approve'
              ? 'Approve an application (owner, admin): 14/60 to the applicant, 8 to the members'
              : 'Refuse an application (owner, admin): 61 to the applicant',
          params: memberParams,
          response: { 204: NO_CONTENT },
        },
      },
      async (request, reply) => {
        const { sub } = ctx.auth(request);
        await send({ kind, ...stamp(request.params.groupId, sub), targetId: request.params.userId });
        return reply.status(204).send();
      },
    );
  }

  app.post<{ Params: { groupId: string }; Body: { userId: string } }>(
    '/v1/groups/:groupId/owner/offer',
    {
      schema: {
        security: 'bearer',
        summary: 'Offer ownership to a member (owner): 52 to them',
        response: { 204: NO_CONTENT },
        params: groupParams,
        body: { type: 'object', required: ['userId'], additionalProperties: false, properties: { userId: idSchema } },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await send({ kind: 'offer-ownership', ...stamp(request.params.groupId, sub), targetId: request.body.userId });
      return reply.status(204).send();
    },
  );

  for (const [action, kind] of [
    ['accept', 'accept-ownership'],
    ['refuse', 'refuse-ownership'],
  ] as const) {
    app.post<{ Params: { groupId: string } }>(
      `/v1/groups/:groupId/owner/${action}`,
      {
        schema: {
          security: 'bearer',
          summary:
            action === 'accept'
              ? 'Accept the ownership offered to you: roles swap, 53 to the old owner'
              : 'Refuse the ownership offered to you: 54 to the owner',
          params: groupParams,
          response: { 204: NO_CONTENT },
        },
      },
      async (request, reply) => {
        const { sub } = ctx.auth(request);
        await send({ kind, ...stamp(request.params.groupId, sub) });
        return reply.status(204).send();
      },
    );
  }

  app.get<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId/applications',
    {
      schema: {
        security: 'bearer',
        summary: 'Pending applications (owner, admin)',
        params: groupParams,
        response: { 200: groupApplications },
      },
    },
    async (request) => {
      const claims = ctx.auth(request);
      const me = await ctx.store.groups.member(request.params.groupId, claims.sub);
      if (!me) throw new AppError('IM_ERR_NOT_MEMBER');
      if (me.role === 'member')
        throw new AppError('IM_ERR_FORBIDDEN', 'only the owner and admins may read applications');
      const applications = await ctx.store.groups.applications(request.params.groupId);
      return {
        applications: await withProfiles(ctx, applications, (a) => ({
          message: a.message,
          createdAt: a.createdAt,
        })),
      };
    },
  );

  for (const [method, kind] of [
    ['PUT', 'set-admin'],
    ['DELETE', 'unset-admin'],
  ] as const) {
    app.route<{ Params: { groupId: string; userId: string } }>({
      method,
      url: '/v1/groups/:groupId/admins/:userId',
      schema: {
        security: 'bearer',
        summary:
          method === 'PUT'
            ? 'Make a member an admin (owner): 55 to them'
            : 'Make an admin a member again (owner): 57 to them',
        params: memberParams,
        response: { 204: NO_CONTENT },
      },
      handler: async (request, reply) => {
        const { sub } = ctx.auth(request);
        await send({ kind, ...stamp(request.params.groupId, sub), targetId: request.params.userId });
        return reply.status(204).send();
      },
    });
  }

  for (const [method, kind] of [
    ['PUT', 'mute'],
    ['DELETE', 'unmute'],
  ] as const) {
    app.route<{ Params: { groupId: string } }>({
      method,
      url: '/v1/groups/:groupId/mute',
      schema: {
        security: 'bearer',
        summary:
          method === 'PUT'
            ? 'Mute the whole group (owner, admin): 62; members may not send'
            : 'Unmute the group (owner, admin): 63',
        params: groupParams,
        response: { 204: NO_CONTENT },
      },
      handler: async (request, reply) => {
        const { sub } = ctx.auth(request);
        await send({ kind, ...stamp(request.params.groupId, sub) });
        return reply.status(204).send();
      },
    });
  }
}
