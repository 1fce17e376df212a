export { GroupService } from './group.service';
export type { CreateGroupResult, GroupServiceOptions } from './group.service';
export { subscribeGroupService, GROUP_SERVICE_GROUP } from './group.consumer';
export { GROUP_EXPIRY_CONFIG, GroupExpirySweeper } from './group-expiry.sweeper';
export type { GroupExpiryOptions, SweepResult } from './group-expiry.sweeper';
export { GROUP_CONFIG } from './group.config';
export { startGroupService } from './group.module';
