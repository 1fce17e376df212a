#!/usr/bin/env node
import { runBusService } from '@im/runtime';
import { FRIEND_CONFIG } from './friend.config';
import { startFriendService } from './friend.module';

/** Cluster mode: the friend service (friendships, friend requests, blacklists) as its own process. */
runBusService({
  name: 'friend',
  schema: FRIEND_CONFIG,
  subscribe: (ports, config, logger) => startFriendService(ports, config, logger),
});
