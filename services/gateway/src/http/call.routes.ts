import type { FastifyInstance } from 'fastify';
import { iceServersFor } from '../call/ice-servers';
import { iceServers } from './api-schemas';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

export function callRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const bearer = bearerRoutes(app, ctx);
  bearer.get(
    '/v1/calls/ice-servers',
    {
      summary: 'STUN and TURN servers for a call, with a TURN credential that expires (docs/calls-and-chatrooms.md)',
      response: { 200: iceServers },
    },
    async (sub) => {
      const settings = ctx.settings.ice ?? { stunUrls: [], turnUrls: [], turnSecret: undefined, credentialTtlS: 0 };
      return iceServersFor(settings, sub, ctx.clock.now());
    },
  );
}
