export { EventService } from './event.service';
export type { EventOutcome } from './event.service';
export { subscribeEventService, EVENTS_SERVICE_GROUP } from './events.consumer';
export type { EventsConsumerOptions } from './events.consumer';
export { readBusinessEvent, noticeMsgId, toDownlink, ACTOR_TYPES, GROUP_TYPES, ALL_ONLINE_TYPES, MAX_EVENT_ID_LENGTH } from './business-event.schema';
export type { EventCheck } from './business-event.schema';
export { EVENTS_CONFIG } from './events.config';
export type { EventsConfig } from './events.config';
