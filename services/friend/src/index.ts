export { RelationService } from './relation.service';
export type { RelationOutcome, RelationServiceOptions } from './relation.service';
export { subscribeRelationService, FRIEND_SERVICE_GROUP } from './relation.consumer';
export { FRIEND_CONFIG } from './friend.config';
export type { FriendConfig } from './friend.config';
export { startFriendService } from './friend.module';
