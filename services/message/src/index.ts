export { MessageService } from './message.service';
export type { MessageOutcome, MessageServiceOptions } from './message.service';
export { subscribeMessageService, MESSAGE_SERVICE_GROUP } from './message.consumer';
export { PasswordPacketMatcher } from './password-packets';
export { startMessageService } from './message.module';
export { MESSAGE_CONFIG } from './message.config';
