#!/usr/bin/env node
import { systemClock } from '@im/common';
import { runBusService } from '@im/runtime';
import { MESSAGE_CONFIG } from './message.config';
import { subscribeMessageService } from './message.consumer';
import { MessageService } from './message.service';
import { OfflinePush } from './offline-push';
import { PasswordPacketMatcher } from './password-packets';

/** Cluster mode: the message service as its own process. */
runBusService({
  name: 'message',
  schema: MESSAGE_CONFIG,
  subscribe: (ports, config, logger) =>
    subscribeMessageService(
      ports.bus,
      new MessageService(
        ports.store,
        ports.delivery,
        { recallWindowMs: config.IM_RECALL_WINDOW_MS, requireFriendship: config.IM_REQUIRE_FRIENDSHIP },
        logger,
        systemClock,
        new OfflinePush(ports.bus, ports.presence, ports.store, ports.once, logger.child({ module: 'push' })),
        new PasswordPacketMatcher(ports.store, ports.bus, logger.child({ module: 'password-packets' }), systemClock),
      ),
    ),
});
