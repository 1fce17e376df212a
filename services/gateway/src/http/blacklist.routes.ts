import { Topics } from '@im/bus';
import type { RelationCommand } from '@im/bus';
import type { FastifyInstance } from 'fastify';
import { NO_CONTENT, userIds } from './api-schemas';
import { userIdParams } from './routes.context';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

export function blacklistRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const bearer = bearerRoutes(app, ctx);
  const command = async (kind: 'block' | 'unblock', userId: string, targetId: string): Promise<void> => {
    const c: RelationCommand = { kind, userId, targetId };
    await ctx.commands.request(Topics.RELATION_COMMANDS, c);
  };

  bearer.get('/v1/blacklist', { summary: 'The users this user blocked', response: { 200: userIds } }, async (sub) => {
    return { userIds: await ctx.store.relations.blocked(sub) };
  });

  bearer.put<{ Params: { userId: string } }>(
    '/v1/blacklist/:userId',
    { summary: 'Block a user: their messages get type 66 back', params: userIdParams, response: { 204: NO_CONTENT } },
    async (sub, request) => {
      await command('block', sub, request.params.userId);
    },
  );

  bearer.delete<{ Params: { userId: string } }>(
    '/v1/blacklist/:userId',
    { summary: 'Unblock a user', params: userIdParams, response: { 204: NO_CONTENT } },
    async (sub, request) => {
      await command('unblock', sub, request.params.userId);
    },
  );
}
