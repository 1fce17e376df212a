import { Topics } from '@im/bus';
import type { Bus, Subscription } from '@im/bus';
import type { GroupService } from './group.service';

export const GROUP_SERVICE_GROUP = 'group-service';

export function subscribeGroupService(bus: Bus, service: GroupService): Promise<Subscription> {
  return bus.subscribe(Topics.GROUP_COMMANDS, GROUP_SERVICE_GROUP, (record) => service.handle(record.value));
}
