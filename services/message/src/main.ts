#!/usr/bin/env node
import { runBusService } from '@im/runtime';
import { MESSAGE_CONFIG } from './message.config';
import { startMessageService } from './message.module';

/** Cluster mode: the message service as its own process. */
runBusService({
  name: 'message',
  schema: MESSAGE_CONFIG,
  subscribe: (ports, config, logger) => startMessageService(ports, config, logger),
});
