import type { FastifyInstance } from 'fastify';
import { object } from './api-schemas';
import type { RoutesContext } from './routes.context';

export function healthRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        security: 'none',
        response: { 200: object({ status: { const: 'ok' } }) },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the store and the bus answer, and the gateway is not draining',
        security: 'none',
        response: {
          200: object({ status: { const: 'ready' } }),
          503: object(
            { status: { const: 'not ready' } },
            { description: 'Not ready: take it out of the load balancer.' },
          ),
        },
      },
    },
    async (_req, reply) => {
      const ready = await ctx.ready().catch(() => false);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
    },
  );
}
