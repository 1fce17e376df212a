import type { ImMessage } from '@im/protocol';
import { streamTopic } from './topic-contract';

/**
 * The message service's consumer group on `im.messages` (named here because the gateways read its
 * backlog to refuse new messages while it is far behind).
 */
export const MESSAGE_SERVICE_GROUP = 'message-service';

/** A client message the gateway accepted: validated, identity checked, stamped. */
export interface ChatRecord {
  readonly kind: 'chat';
  readonly conversationId: string;
  /** Normalised message with `sendTime` = the server's acceptance time. */
  readonly message: ImMessage & { sendTime: number };
  readonly senderDeviceId: string;
}

/** Chat messages, recalls and read marks. Key: conversation id. Producers: gateway, call service. Consumer: message service. */
export const MESSAGES = streamTopic<ChatRecord>()('im.messages', (record) => record.conversationId, {
  key: 'the conversation id (p:<a>:<b>, g:<groupId>): one conversation stays in order on one partition',
  producers: ['gateway'],
  consumer: MESSAGE_SERVICE_GROUP,
  description:
    'Chat messages a gateway accepted (validated, identity checked, stamped), recalls and read marks. The message service gives each a seq, stores it and delivers it.',
  payloadType: 'ChatRecord',
});
