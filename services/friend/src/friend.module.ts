import type { Logger } from '@im/common';
import { PushNotifier } from '@im/realtime';
import type { RunningService, ServicePorts } from '@im/runtime';
import type { FriendConfig } from './friend.config';
import { subscribeRelationService } from './relation.consumer';
import { RelationService } from './relation.service';

/** The friend service on its ports, consuming im.relation.commands. Cluster and embedded alike. */
export function startFriendService(ports: ServicePorts, config: FriendConfig, logger: Logger): Promise<RunningService> {
  return subscribeRelationService(
    ports.bus,
    new RelationService(
      ports.store,
      ports.delivery,
      { autoAccept: config.IM_FRIEND_AUTO_ACCEPT },
      logger,
      new PushNotifier({ ...ports, logger: logger.child({ module: 'push' }) }),
    ),
  );
}
