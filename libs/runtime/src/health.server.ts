import fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { processMetrics } from './metrics';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * /healthz (the process is alive), /readyz (its dependencies answer and it is not draining) and
 * /metrics (Prometheus) for processes without an HTTP API of their own.
 */
export async function startHealthServer(
  port: number,
  ready: () => Promise<boolean>,
  host = '0.0.0.0',
): Promise<HealthServer> {
  const app = fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await ready().catch(() => false);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready' });
  });
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await processMetrics().scrape();
    return reply.type(contentType).send(body);
  });
  await app.listen({ port, host });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}
