#!/usr/bin/env node
import { runBusService } from '@im/runtime';
import { EVENTS_CONFIG } from './events.config';
import { startEventsService } from './events.module';

/** Cluster mode: the events service (business events from other teams → notifications) as its own process. */
runBusService({
  name: 'events',
  schema: EVENTS_CONFIG,
  subscribe: (ports, config, logger) => startEventsService(ports, config, logger),
});
