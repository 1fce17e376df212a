import { Topics } from '@im/bus';
import type { RelationCommand } from '@im/bus';
import type { FastifyInstance } from 'fastify';
import { NO_CONTENT, userIds } from './api-schemas';
import { idSchema } from './routes.context';
import type { RoutesContext } from './routes.context';

export function blacklistRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const params = { type: 'object', properties: { userId: idSchema } } as const;
  const command = async (kind: 'block' | 'unblock', userId: string, targetId: string): Promise<void> => {
    const c: RelationCommand = { kind, userId, targetId };
    await ctx.commands.request(Topics.RELATION_COMMANDS, c);
  };

  app.get(
    '/v1/blacklist',
    { schema: { security: 'bearer', summary: 'The users this user blocked', response: { 200: userIds } } },
    async (request) => {
      const { sub } = ctx.auth(request);
      return { userIds: await ctx.store.relations.blocked(sub) };
    },
  );

  app.put<{ Params: { userId: string } }>(
    '/v1/blacklist/:userId',
    {
      schema: {
        security: 'bearer',
        summary: 'Block a user: their messages get type 66 back',
        params,
        response: { 204: NO_CONTENT },
      },
    },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await command('block', sub, request.params.userId);
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: { userId: string } }>(
    '/v1/blacklist/:userId',
    { schema: { security: 'bearer', summary: 'Unblock a user', params, response: { 204: NO_CONTENT } } },
    async (request, reply) => {
      const { sub } = ctx.auth(request);
      await command('unblock', sub, request.params.userId);
      return reply.status(204).send();
    },
  );
}
