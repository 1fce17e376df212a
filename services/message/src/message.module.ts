import { systemClock } from '@im/common';
import type { ConfigOf } from '@im/common';
import { servicePush } from '@im/runtime';
import type { StartService } from '@im/runtime';
import type { MESSAGE_CONFIG } from './message.config';
import { subscribeMessageService } from './message.consumer';
import { MessageService } from './message.service';
import { PasswordPacketMatcher } from './password-packets';

/** The message service on its ports (offline push and the password packet path included), consuming im.messages. Cluster and embedded alike. */
export const startMessageService: StartService<ConfigOf<typeof MESSAGE_CONFIG>> = (
  ports,
  config,
  logger,
  clock = systemClock,
) => {
  const service = new MessageService(
    ports.store,
    ports.delivery,
    { recallWindowMs: config.IM_RECALL_WINDOW_MS, requireFriendship: config.IM_REQUIRE_FRIENDSHIP },
    logger,
    clock,
    servicePush(ports, logger),
    new PasswordPacketMatcher(ports.store, ports.bus, logger.child({ module: 'password-packets' }), clock),
  );
  return subscribeMessageService(ports.bus, service);
};
