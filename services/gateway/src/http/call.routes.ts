import type { FastifyInstance } from 'fastify';
import { iceServersFor } from '../call/ice-servers';
import { iceServers } from './api-schemas';
import type { RoutesContext } from './routes.context';

export function callRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  app.get(
    '/v1/calls/ice-servers',
    {
      schema: {
        security: 'bearer',
        summary: 'STUN and TURN servers for a call, with a TURN credential that expires (docs/calls-and-chatrooms.md)',
        response: { 200: iceServers },
      },
    },
    async (request) => {
      const { sub } = ctx.auth(request);
      const settings = ctx.settings.ice ?? { stunUrls: [], turnUrls: [], turnSecret: undefined, credentialTtlS: 0 };
      return iceServersFor(settings, sub, ctx.clock.now());
    },
  );
}
