export { RelationService } from './relation.service';
export { subscribeRelationService, FRIEND_SERVICE_GROUP } from './relation.consumer';
