import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { CommandReply, GroupCommand } from '@im/bus';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { unwrapReply } from './command.reply';
import { idSchema } from './routes.context';
import type { RoutesContext } from './routes.context';

interface CreateGroupBody {
  name: string;
  memberIds: string[];
}

export function groupRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  app.post<{ Body: CreateGroupBody }>(
    '/v1/groups',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'memberIds'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 128 },
            memberIds: { type: 'array', items: idSchema, maxItems: 10000 },
          },
        },
      },
    },
    async (request, reply) => {
      const claims = ctx.auth(request);
      const command: GroupCommand = {
        kind: 'create',
        groupId: randomUUID(),
        ownerId: claims.sub,
        name: request.body.name,
        memberIds: request.body.memberIds,
        at: ctx.clock.now(),
      };
      const result = unwrapReply(await ctx.bus.request<CommandReply<{ groupId: string }>>(Topics.GROUP_COMMANDS, command.groupId, command));
      return reply.status(201).send({ groupId: result.groupId });
    },
  );

  app.get('/v1/groups', async (request) => {
    const claims = ctx.auth(request);
    const memberships = await ctx.store.groups.groupsOf(claims.sub);
    const groups = await Promise.all(memberships.map(async (m) => ({ ...(await ctx.store.groups.get(m.groupId)), role: m.role })));
    return { groups };
  });

  app.get<{ Params: { groupId: string } }>(
    '/v1/groups/:groupId/members',
    { schema: { params: { type: 'object', properties: { groupId: idSchema } } } },
    async (request) => {
      const claims = ctx.auth(request);
      if (!(await ctx.store.groups.member(request.params.groupId, claims.sub))) throw new AppError('IM_ERR_NOT_MEMBER');
      const members = await ctx.store.groups.members(request.params.groupId);
      return { members: members.map((m) => ({ userId: m.userId, role: m.role })) };
    },
  );
}
