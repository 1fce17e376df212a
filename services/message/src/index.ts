export { MessageService } from './message.service';
export type { MessageOutcome, MessageServiceOptions } from './message.service';
export { subscribeMessageService, MESSAGE_SERVICE_GROUP } from './message.consumer';
