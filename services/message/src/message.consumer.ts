import { MESSAGE_SERVICE_GROUP, Topics } from '@im/bus';
import type { Bus, ChatRecord, Subscription } from '@im/bus';
import { parseImMessage } from '@im/protocol';
import type { MessageService } from './message.service';

export { MESSAGE_SERVICE_GROUP };

/**
 * Anything on the topic is re-checked before the service sees it: the topic is an integration
 * surface, and a malformed record must be dead-lettered with its reason, not crash a handler.
 */
export function readChatRecord(value: unknown): ChatRecord {
  const r = value as Partial<ChatRecord> | null;
  if (typeof r !== 'object' || r === null || r.kind !== 'chat')
    throw new Error('malformed chat record: kind is not "chat"');
  if (typeof r.conversationId !== 'string' || typeof r.senderDeviceId !== 'string')
    throw new Error('malformed chat record: ids missing');
  const parsed = parseImMessage(r.message, { direction: 'any', maxBytes: 1024 * 1024 });
  if (!parsed.ok) throw new Error(`malformed chat record: ${parsed.error.reason}`);
  const sendTime = r.message?.sendTime;
  if (typeof sendTime !== 'number' || !Number.isFinite(sendTime))
    throw new Error('malformed chat record: sendTime missing');
  return {
    kind: 'chat',
    conversationId: r.conversationId,
    senderDeviceId: r.senderDeviceId,
    message: { ...parsed.message, sendTime },
  };
}

/**
 * Transport: the bus topic → the service, a batch at a time. A batch with a malformed record, or
 * whose handling fails for a reason other than an unreachable dependency, goes record by record
 * instead, so the bus retries and dead-letters only the records that fail.
 */
export function subscribeMessageService(bus: Bus, service: MessageService): Promise<Subscription> {
  return bus.subscribeBatch(Topics.MESSAGES, MESSAGE_SERVICE_GROUP, {
    batch: (records) => service.handleBatch(records.map((r) => readChatRecord(r.value))),
    record: (record) => service.handle(readChatRecord(record.value)),
  });
}
