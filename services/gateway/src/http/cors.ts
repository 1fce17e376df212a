import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import type { OriginPolicy } from '../security/origin-policy';

/**
 * CORS for the HTTP API: a request from a browser origin that is not allowed is refused (403),
 * an allowed one gets its origin echoed, and a preflight is answered here.
 */
export function installCors(app: FastifyInstance, origins: OriginPolicy): void {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    // Logged by the error handler, like every 401 / 403.
    if (!origins.allows(origin, request.headers.host)) throw new AppError('IM_ERR_FORBIDDEN', 'origin not allowed');
    void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      await reply
        .status(204)
        .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send();
      return reply;
    }
  });
}
