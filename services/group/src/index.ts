export { GroupService } from './group.service';
export type { CreateGroupResult, GroupServiceOptions } from './group.service';
export { subscribeGroupService, GROUP_SERVICE_GROUP } from './group.consumer';
