import { systemClock } from '@im/common';
import type { Clock, Logger } from '@im/common';
import { processMetrics } from '@im/runtime';
import type { RunningService, ServicePorts } from '@im/runtime';
import { PushNotifier } from '@im/realtime';
import type { EventsConfig } from './events.config';
import { subscribeEventService } from './events.consumer';
import { EventService } from './event.service';

/** The events service on its ports, consuming im.events.in (refused events counted as dead letters). Cluster and embedded alike. */
export function startEventsService(
  ports: ServicePorts,
  config: EventsConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<RunningService> {
  return subscribeEventService(
    ports.bus,
    new EventService(
      ports.store,
      ports.delivery,
      ports.presence,
      logger,
      clock,
      new PushNotifier({ ...ports, logger: logger.child({ module: 'push' }) }),
    ),
    {
      maxUsers: config.IM_EVENTS_MAX_USERS,
      onDeadLetter: (letter) => processMetrics().deadLetters.inc({ topic: letter.topic }),
    },
    logger,
  );
}
