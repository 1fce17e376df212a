export { EventService } from './event.service';
export type { EventOutcome } from './event.service';
export { subscribeEventService, EVENTS_SERVICE_GROUP } from './events.consumer';
export type { EventsConsumerOptions } from './events.consumer';
export { EVENTS_CONFIG } from './events.config';
export type { EventsConfig } from './events.config';
export { startEventsService } from './events.module';
