export { MessageService } from './message.service';
export type { MessageOutcome, MessageServiceOptions } from './message.service';
export { subscribeMessageService, MESSAGE_SERVICE_GROUP } from './message.consumer';
export { OfflinePush, pushBody, PUSH_BODY_MAX_CHARS } from './offline-push';
export { PasswordPacketMatcher } from './password-packets';
export { startMessageService } from './message.module';
export { MESSAGE_CONFIG } from './message.config';
