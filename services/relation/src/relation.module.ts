import type { Logger } from '@im/common';
import { PushNotifier } from '@im/realtime';
import type { RunningService, ServicePorts } from '@im/runtime';
import type { RelationConfig } from './relation.config';
import { subscribeRelationService } from './relation.consumer';
import { RelationService } from './relation.service';

/** The relation service on its ports, consuming im.relation.commands. Cluster and embedded alike. */
export function startRelationService(
  ports: ServicePorts,
  config: RelationConfig,
  logger: Logger,
): Promise<RunningService> {
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
