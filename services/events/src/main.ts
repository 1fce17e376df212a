#!/usr/bin/env node
import { systemClock } from '@im/common';
import { processMetrics, runBusService } from '@im/runtime';
import { EVENTS_CONFIG } from './events.config';
import { subscribeEventService } from './events.consumer';
import { EventService } from './event.service';

/** Cluster mode: the events service (business events from other teams → notifications) as its own process. */
runBusService({
  name: 'events',
  schema: EVENTS_CONFIG,
  subscribe: (ports, config, logger) =>
    subscribeEventService(
      ports.bus,
      new EventService(ports.store, ports.delivery, ports.presence, logger, systemClock),
      { maxUsers: config.IM_EVENTS_MAX_USERS, onDeadLetter: (letter) => processMetrics().deadLetters.inc({ topic: letter.topic }) },
      logger,
    ),
});
