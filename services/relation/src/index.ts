export { RelationService } from './relation.service';
export type { RelationOutcome, RelationServiceOptions } from './relation.service';
export { subscribeRelationService, FRIEND_SERVICE_GROUP } from './relation.consumer';
export { RELATION_CONFIG } from './relation.config';
export type { RelationConfig } from './relation.config';
export { startRelationService } from './relation.module';
