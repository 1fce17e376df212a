import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { groupApplications, object } from './api-schemas';
import { idSchema, membershipOf } from './routes.context';
import type { RoutesContext } from './routes.context';
import { withProfiles } from './user.routes';
import { groupParams, memberParams } from './group-route-kit';
import type { GroupRouteKit } from './group-route-kit';
import { bearerRoutes } from './bearer-routes';

/** Who is in a group and in which role: applications (apply, approve, refuse, list), ownership (offer, accept, refuse), admins, and muting the whole group. */
export function groupMembershipRoutes(app: FastifyInstance, ctx: RoutesContext, kit: GroupRouteKit): void {
  const bearer = bearerRoutes(app, ctx);
  const { send, stamp, commandRoute } = kit;
  bearer.post<{ Params: { groupId: string }; Body: { message?: string } | undefined }>(
    '/v1/groups/:groupId/applications',
    {
      summary: 'Apply to join: joined at once (free), or pending until an owner or admin answers (approval)',
      response: { 200: object({ status: { type: 'string', enum: ['joined', 'pending'] } }) },
      params: groupParams,
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { message: { type: 'string', maxLength: 512 } },
      },
    },
    (sub, request) =>
      send<{ status: 'joined' | 'pending' }>({
        kind: 'apply',
        ...stamp(request.params.groupId, sub),
        message: request.body?.message ?? '',
      }),
  );

  for (const [action, kind] of [
    ['approve', 'approve'],
    ['refuse', 'refuse-application'],
  ] as const) {
    commandRoute<{ Params: { groupId: string; userId: string } }>(
      'post',
      `/v1/groups/:groupId/applications/:userId/${action}`,
      {
        summary:
          action === 'approve'
            ? 'Approve an application (owner, admin): 14/60 to the applicant, 8 to the members'
            : 'Refuse an application (owner, admin): 61 to the applicant',
        params: memberParams,
      },
      (request) => ({ kind, targetId: request.params.userId }),
    );
  }

  commandRoute<{ Params: { groupId: string }; Body: { userId: string } }>(
    'post',
    '/v1/groups/:groupId/owner/offer',
    {
      summary: 'Offer ownership to a member (owner): 52 to them',
      params: groupParams,
      body: { type: 'object', required: ['userId'], additionalProperties: false, properties: { userId: idSchema } },
    },
    (request) => ({ kind: 'offer-ownership', targetId: request.body.userId }),
  );

  for (const [action, kind] of [
    ['accept', 'accept-ownership'],
    ['refuse', 'refuse-ownership'],
  ] as const) {
    commandRoute(
      'post',
      `/v1/groups/:groupId/owner/${action}`,
      {
        summary:
          action === 'accept'
            ? 'Accept the ownership offered to you: roles swap, 53 to the old owner'
            : 'Refuse the ownership offered to you: 54 to the owner',
        params: groupParams,
      },
      () => ({ kind }),
    );
  }

  bearer.get<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId/applications',
    { summary: 'Pending applications (owner, admin)', params: groupParams, response: { 200: groupApplications } },
    async (sub, request) => {
      const me = await membershipOf(ctx, request.params.groupId, sub);
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
    ['put', 'set-admin'],
    ['delete', 'unset-admin'],
  ] as const) {
    commandRoute<{ Params: { groupId: string; userId: string } }>(
      method,
      '/v1/groups/:groupId/admins/:userId',
      {
        summary:
          method === 'put'
            ? 'Make a member an admin (owner): 55 to them'
            : 'Make an admin a member again (owner): 57 to them',
        params: memberParams,
      },
      (request) => ({ kind, targetId: request.params.userId }),
    );
  }

  for (const [method, kind] of [
    ['put', 'mute'],
    ['delete', 'unmute'],
  ] as const) {
    commandRoute(
      method,
      '/v1/groups/:groupId/mute',
      {
        summary:
          method === 'put'
            ? 'Mute the whole group (owner, admin): 62; members may not send'
            : 'Unmute the group (owner, admin): 63',
        params: groupParams,
      },
      () => ({ kind }),
    );
  }
}
