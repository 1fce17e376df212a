import { systemClock } from '@im/common';
import type { ConfigOf } from '@im/common';
import { servicePush } from '@im/runtime';
import type { StartService } from '@im/runtime';
import type { GROUP_CONFIG } from './group.config';
import { GroupExpirySweeper } from './group-expiry.sweeper';
import { subscribeGroupService } from './group.consumer';
import { GroupService } from './group.service';

/** The group service on its ports: consuming im.group.commands and sweeping group expiry. Cluster and embedded alike. */
export const startGroupService: StartService<ConfigOf<typeof GROUP_CONFIG>> = async (
  ports,
  config,
  logger,
  clock = systemClock,
) => {
  const subscription = await subscribeGroupService(
    ports.bus,
    new GroupService(
      ports.store,
      ports.delivery,
      { maxMembers: config.IM_MAX_GROUP_MEMBERS },
      logger,
      servicePush(ports, logger),
    ),
  );
  const sweeper = new GroupExpirySweeper(
    ports.store,
    ports.delivery,
    { reminderLeadMs: config.IM_GROUP_EXPIRY_REMINDER_MS },
    clock,
    logger.child({ module: 'expiry' }),
  );
  const sweep = sweeper.start(config.IM_GROUP_EXPIRY_SWEEP_MS);
  return {
    async close(): Promise<void> {
      await sweep.close();
      await subscription.close();
    },
  };
};
