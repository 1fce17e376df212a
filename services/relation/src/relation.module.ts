import { servicePush } from '@im/runtime';
import type { StartService } from '@im/runtime';
import type { RelationConfig } from './relation.config';
import { subscribeRelationService } from './relation.consumer';
import { RelationService } from './relation.service';

/** The relation service on its ports, consuming im.relation.commands. Cluster and embedded alike. */
export const startRelationService: StartService<RelationConfig> = (ports, config, logger) => {
  return subscribeRelationService(
    ports.bus,
    new RelationService(
      ports.store,
      ports.delivery,
      { autoAccept: config.IM_FRIEND_AUTO_ACCEPT },
      logger,
      servicePush(ports, logger),
    ),
  );
};
