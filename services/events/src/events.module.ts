import { systemClock } from '@im/common';
import { processMetrics, servicePush } from '@im/runtime';
import type { StartService } from '@im/runtime';
import type { EventsConfig } from './events.config';
import { subscribeEventService } from './events.consumer';
import { EventService } from './event.service';

/** The events service on its ports, consuming im.events.in (refused events counted as dead letters). Cluster and embedded alike. */
export const startEventsService: StartService<EventsConfig> = (ports, config, logger, clock = systemClock) => {
  return subscribeEventService(
    ports.bus,
    new EventService(ports.store, ports.delivery, ports.presence, logger, clock, servicePush(ports, logger)),
    {
      maxUsers: config.IM_EVENTS_MAX_USERS,
      onDeadLetter: (letter) => processMetrics().deadLetters.inc({ topic: letter.topic }),
    },
    logger,
  );
};
