import { Topics } from '@im/bus';
import type { Bus, ChatRecord, Subscription } from '@im/bus';
import type { MessageService } from './message.service';

export const MESSAGE_SERVICE_GROUP = 'message-service';

/** Transport: the bus topic → the service. Errors propagate so the bus retries, then dead-letters. */
export function subscribeMessageService(bus: Bus, service: MessageService): Promise<Subscription> {
  return bus.subscribe<ChatRecord>(Topics.MESSAGES, MESSAGE_SERVICE_GROUP, (record) => service.handle(record.value));
}
