#!/usr/bin/env node
import { runBusService } from '@im/runtime';
import { RELATION_CONFIG } from './relation.config';
import { startRelationService } from './relation.module';

/** Cluster mode: the relation service (friendships, friend requests, blacklists, profile notices) as its own process. */
runBusService({
  name: 'relation',
  schema: RELATION_CONFIG,
  subscribe: (ports, config, logger) => startRelationService(ports, config, logger),
});
