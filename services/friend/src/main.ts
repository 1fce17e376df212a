#!/usr/bin/env node
import type { ConfigSchema } from '@im/common';
import { CLUSTER_CONFIG, connectCluster, missingEndpoints, runProcess, startHealthServer } from '@im/runtime';
import { FRIEND_CONFIG as FRIEND_RULES } from './friend.config';
import { subscribeRelationService } from './relation.consumer';
import { RelationService } from './relation.service';

const FRIEND_CONFIG = {
  IM_LOG_LEVEL: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', doc: 'pino log level.' },
  ...FRIEND_RULES,
} as const satisfies ConfigSchema;

/** Cluster mode: the friend service (friendships, blacklists) as its own process. */
runProcess({
  name: 'friend',
  schema: { ...CLUSTER_CONFIG, ...FRIEND_CONFIG },
  check: missingEndpoints,
  start: async (config, logger) => {
    const ports = await connectCluster(config, 'friend', logger);
    const subscription = await subscribeRelationService(ports.bus, new RelationService(ports.store, ports.delivery, { autoAccept: config.IM_FRIEND_AUTO_ACCEPT }, logger));
    const health = await startHealthServer(config.IM_HEALTH_PORT, () => ports.ready());
    logger.info({ healthPort: health.port }, 'friend service consuming');
    return {
      async close(): Promise<void> {
        await subscription.close();
        await health.close();
        await ports.close();
      },
    };
  },
});
