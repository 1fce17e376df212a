import { systemClock } from '@im/common';
import type { Clock, ConfigOf, Logger } from '@im/common';
import { PushNotifier } from '@im/realtime';
import type { RunningService, ServicePorts } from '@im/runtime';
import type { MESSAGE_CONFIG } from './message.config';
import { subscribeMessageService } from './message.consumer';
import { MessageService } from './message.service';
import { PasswordPacketMatcher } from './password-packets';

/** The message service on its ports (offline push and the password packet path included), consuming im.messages. Cluster and embedded alike. */
export function startMessageService(
  ports: ServicePorts,
  config: ConfigOf<typeof MESSAGE_CONFIG>,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<RunningService> {
  const service = new MessageService(
    ports.store,
    ports.delivery,
    { recallWindowMs: config.IM_RECALL_WINDOW_MS, requireFriendship: config.IM_REQUIRE_FRIENDSHIP },
    logger,
    clock,
    new PushNotifier({ ...ports, logger: logger.child({ module: 'push' }) }),
    new PasswordPacketMatcher(ports.store, ports.bus, logger.child({ module: 'password-packets' }), clock),
  );
  return subscribeMessageService(ports.bus, service);
}
