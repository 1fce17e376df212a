import { Topics } from '@im/bus';
import type { Bus, Subscription } from '@im/bus';
import type { RelationService } from './relation.service';

export const FRIEND_SERVICE_GROUP = 'friend-service';

export function subscribeRelationService(bus: Bus, service: RelationService): Promise<Subscription> {
  return bus.subscribe(Topics.RELATION_COMMANDS, FRIEND_SERVICE_GROUP, (record) => service.handle(record.value));
}
