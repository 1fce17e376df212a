#!/usr/bin/env node
import type { ConfigSchema } from '@im/common';
import { runBusService } from '@im/runtime';
import { subscribeGroupService } from './group.consumer';
import { GroupService } from './group.service';

const GROUP_CONFIG = {
  IM_MAX_GROUP_MEMBERS: { kind: 'int', default: 500, min: 2, doc: 'Largest group at creation.' },
} as const satisfies ConfigSchema;

/** Cluster mode: the group service as its own process. */
runBusService({
  name: 'group',
  schema: GROUP_CONFIG,
  subscribe: (ports, config, logger) =>
    subscribeGroupService(ports.bus, new GroupService(ports.store, ports.delivery, { maxMembers: config.IM_MAX_GROUP_MEMBERS }, logger)),
});
