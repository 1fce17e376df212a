#!/usr/bin/env node
import { runBusService } from '@im/runtime';
import { GROUP_CONFIG } from './group.config';
import { startGroupService } from './group.module';

/** Cluster mode: the group service as its own process (commands from Kafka, and the expiry sweep). */
runBusService({
  name: 'group',
  schema: GROUP_CONFIG,
  subscribe: (ports, config, logger) => startGroupService(ports, config, logger),
});
