#!/usr/bin/env node
import { systemClock } from '@im/common';
import type { ConfigSchema } from '@im/common';
import { runBusService } from '@im/runtime';
import { GROUP_EXPIRY_CONFIG, GroupExpirySweeper } from './group-expiry.sweeper';
import { subscribeGroupService } from './group.consumer';
import { GroupService } from './group.service';

const GROUP_CONFIG = {
  IM_MAX_GROUP_MEMBERS: { kind: 'int', default: 500, min: 2, doc: 'Largest group at creation.' },
  ...GROUP_EXPIRY_CONFIG,
} as const satisfies ConfigSchema;

/** Cluster mode: the group service as its own process (commands from Kafka, and the expiry sweep). */
runBusService({
  name: 'group',
  schema: GROUP_CONFIG,
  subscribe: async (ports, config, logger) => {
    const subscription = await subscribeGroupService(ports.bus, new GroupService(ports.store, ports.delivery, { maxMembers: config.IM_MAX_GROUP_MEMBERS }, logger));
    const sweeper = new GroupExpirySweeper(ports.store, ports.delivery, { reminderLeadMs: config.IM_GROUP_EXPIRY_REMINDER_MS }, systemClock, logger.child({ module: 'expiry' }));
    const sweep = sweeper.start(config.IM_GROUP_EXPIRY_SWEEP_MS);
    return {
      async close(): Promise<void> {
        await sweep.close();
        await subscription.close();
      },
    };
  },
});
