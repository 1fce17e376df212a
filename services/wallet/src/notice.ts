import { FromType, systemConversationId } from '@im/protocol';
import type { ImMessage, MessageTypeNumber } from '@im/protocol';
import type { DeliveryPort } from '@im/realtime';
import type { Store } from '@im/store';

/** A money notice for one user: where it comes from and what it says. */
export interface Notice {
  readonly toId: string;
  readonly type: MessageTypeNumber;
  /** Made from what the notice is about, so a repeated step stores it once. */
  readonly msgId: string;
  readonly fromId: string;
  /** Default: a person; a group's tip or like names the group as `destId`. */
  readonly fromType?: ImMessage['fromType'];
  readonly destId?: string;
  readonly content: unknown;
  readonly at: number;
}

/** Stores the notice in `toId`'s system conversation and sends it live, both once. */
export async function storeAndSendNotice(store: Store, delivery: DeliveryPort, n: Notice): Promise<void> {
  const message: ImMessage & { sendTime: number } = {
    msgId: n.msgId.slice(0, 128),
    messageType: n.type,
    fromId: n.fromId,
    fromType: n.fromType ?? FromType.PERSON,
    destId: n.destId ?? n.toId,
    fromName: '',
    imageIconUrl: '',
    content: n.content,
    sendTime: n.at,
  };
  const { stored, duplicate } = await store.messages.append({ conversationId: systemConversationId(n.toId), message });
  if (!duplicate) await delivery.send([n.toId], { kind: 'stored', message: stored });
}
