#!/usr/bin/env node
import type { ConfigSchema } from '@im/common';
import { CLUSTER_CONFIG, connectCluster, missingEndpoints, runProcess, startHealthServer } from '@im/runtime';
import { subscribeGroupService } from './group.consumer';
import { GroupService } from './group.service';

const GROUP_CONFIG = {
  IM_MAX_GROUP_MEMBERS: { kind: 'int', default: 500, min: 2, doc: 'Largest group at creation.' },
  IM_LOG_LEVEL: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', doc: 'pino log level.' },
} as const satisfies ConfigSchema;

/** Cluster mode: the group service as its own process. */
runProcess({
  name: 'group',
  schema: { ...CLUSTER_CONFIG, ...GROUP_CONFIG },
  check: missingEndpoints,
  start: async (config, logger) => {
    const ports = await connectCluster(config, 'group', logger);
    const subscription = await subscribeGroupService(ports.bus, new GroupService(ports.store, ports.delivery, { maxMembers: config.IM_MAX_GROUP_MEMBERS }, logger));
    const health = await startHealthServer(config.IM_HEALTH_PORT, () => ports.ready());
    logger.info({ healthPort: health.port }, 'group service consuming');
    return {
      async close(): Promise<void> {
        await subscription.close();
        await health.close();
        await ports.close();
      },
    };
  },
});
