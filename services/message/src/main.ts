#!/usr/bin/env node
import { systemClock } from '@im/common';
import type { ConfigSchema } from '@im/common';
import { CLUSTER_CONFIG, connectCluster, missingEndpoints, runProcess, startHealthServer } from '@im/runtime';
import { MESSAGE_CONFIG } from './message.config';
import { subscribeMessageService } from './message.consumer';
import { MessageService } from './message.service';

const LOG_LEVEL = {
  IM_LOG_LEVEL: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', doc: 'pino log level.' },
} as const satisfies ConfigSchema;

/** Cluster mode: the message service as its own process. */
runProcess({
  name: 'message',
  schema: { ...CLUSTER_CONFIG, ...MESSAGE_CONFIG, ...LOG_LEVEL },
  check: missingEndpoints,
  start: async (config, logger) => {
    const ports = await connectCluster(config, 'message', logger);
    const service = new MessageService(
      ports.store,
      ports.delivery,
      { recallWindowMs: config.IM_RECALL_WINDOW_MS, requireFriendship: config.IM_REQUIRE_FRIENDSHIP },
      logger,
      systemClock,
    );
    const subscription = await subscribeMessageService(ports.bus, service);
    const health = await startHealthServer(config.IM_HEALTH_PORT, () => ports.ready());
    logger.info({ healthPort: health.port }, 'message service consuming');
    return {
      async close(): Promise<void> {
        await subscription.close();
        await health.close();
        await ports.close();
      },
    };
  },
});
