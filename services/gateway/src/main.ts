#!/usr/bin/env node
import { hostname } from 'node:os';
import { systemClock } from '@im/common';
import { createSocketIoRedisAdapter } from '@im/realtime';
import { CLUSTER_CONFIG, connectCluster, missingEndpoints, runProcess } from '@im/runtime';
import { createGateway } from './gateway';
import { GATEWAY_CONFIG } from './gateway.config';
import type { GatewayConfig, GatewaySettings } from './gateway.config';

function settingsOf(c: GatewayConfig): GatewaySettings {
  return {
    jwtSecret: c.IM_JWT_SECRET ?? '',
    maxMessageBytes: c.IM_MAX_MESSAGE_BYTES,
    rateLimitPerSec: c.IM_RATE_LIMIT_PER_SEC,
    rateLimitBurst: c.IM_RATE_LIMIT_BURST,
    ackTimeoutMs: c.IM_ACK_TIMEOUT_MS,
    syncMaxPerConversation: c.IM_SYNC_MAX_PER_CONVERSATION,
    recallWindowMs: c.IM_RECALL_WINDOW_MS,
    requireFriendship: c.IM_REQUIRE_FRIENDSHIP,
    presenceDebounceMs: c.IM_PRESENCE_DEBOUNCE_MS,
    multiDevice: c.IM_MULTI_DEVICE as GatewaySettings['multiDevice'],
    gatewayId: c.IM_GATEWAY_ID ?? `${hostname()}-${process.pid}`,
  };
}

/** Cluster mode: one gateway pod. Stateless: sockets here, everything else in Kafka, MongoDB, Redis. */
runProcess({
  name: 'gateway',
  schema: { ...CLUSTER_CONFIG, ...GATEWAY_CONFIG },
  check: (c) => [...missingEndpoints(c), ...(c.IM_JWT_SECRET ? [] : ['IM_JWT_SECRET: required in cluster mode'])],
  start: async (config, logger) => {
    const ports = await connectCluster(config, 'gateway', logger);
    const socketAdapter = await createSocketIoRedisAdapter(config.IM_REDIS_URL ?? '');
    const settings = settingsOf(config);
    const gateway = createGateway({
      settings,
      store: ports.store,
      bus: ports.bus,
      delivery: ports.delivery,
      presence: ports.presence,
      once: ports.once,
      clock: systemClock,
      logger,
      adapter: socketAdapter.adapter,
      presenceRefreshMs: Math.floor(config.IM_PRESENCE_TTL_MS / 3),
      readinessChecks: [() => ports.ready()],
    });
    const port = await gateway.listen(config.IM_PORT, config.IM_HOST);
    logger.info({ port, gatewayId: settings.gatewayId }, 'gateway listening');
    return {
      async close(): Promise<void> {
        await gateway.drain(config.IM_DRAIN_WINDOW_MS);
        await gateway.close();
        await socketAdapter.close();
        await ports.close();
      },
    };
  },
});
