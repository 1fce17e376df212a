import type { FastifyInstance } from 'fastify';
import type { RoutesContext } from './routes.context';

export function healthRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ready = await ctx.ready().catch(() => false);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
}
