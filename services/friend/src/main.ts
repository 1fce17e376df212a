#!/usr/bin/env node
import { runBusService } from '@im/runtime';
import { FRIEND_CONFIG } from './friend.config';
import { subscribeRelationService } from './relation.consumer';
import { RelationService } from './relation.service';

/** Cluster mode: the friend service (friendships, friend requests, blacklists) as its own process. */
runBusService({
  name: 'friend',
  schema: FRIEND_CONFIG,
  subscribe: (ports, config, logger) =>
    subscribeRelationService(ports.bus, new RelationService(ports.store, ports.delivery, { autoAccept: config.IM_FRIEND_AUTO_ACCEPT }, logger)),
});
