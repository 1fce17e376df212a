import { groupConversationId, serverMessage, systemConversationId } from '@im/protocol';
import type { MessageTypeNumber } from '@im/protocol';
import { NoticeWriter } from '@im/realtime';
import type { DeliveryPort, PushNotifier } from '@im/realtime';
import type { Store, StoredMessage } from '@im/store';

/** The command a notice comes from: its id makes the msgId, its time the sendTime. */
export interface NoticeCause {
  readonly groupId: string;
  readonly commandId: string;
  readonly at: number;
}

/**
 * The group service's notices (fromType 2, destId the group): each under a msgId made from its
 * command's id, so a redelivered command stores it once (and the writer delivers it again).
 */
export class GroupNotices {
  private readonly writer: NoticeWriter;

  constructor(
    private readonly store: Store,
    delivery: DeliveryPort,
    push?: PushNotifier,
  ) {
    this.writer = new NoticeWriter(store, delivery, push);
  }

  /** Stores a group notice in `g:<groupId>` and sends it to the current members (but `except`). */
  async toGroup(
    c: NoticeCause,
    type: MessageTypeNumber,
    fromId: string,
    content: unknown,
    except?: string,
  ): Promise<StoredMessage> {
    const message = this.build(c, type, fromId, noticeId(c, type, fromId), content);
    return (await this.writer.toGroup(c.groupId, message, except === undefined ? {} : { except })).stored;
  }

  /** Stores a notice in `toId`'s system conversation `s:<toId>` and sends it to them. */
  async toUser(c: NoticeCause, type: MessageTypeNumber, fromId: string, toId: string, content: unknown): Promise<void> {
    await this.writer.toUser(toId, this.build(c, type, fromId, noticeId(c, type, toId), content));
  }

  /** A user's name for a notice's content ("content holds the name"): the directory's, else their id. */
  nameOf(userId: string): Promise<string> {
    return this.writer.nameOf(userId);
  }

  /** This command's group notice about `about` (the actor), when stored. */
  inGroup(c: NoticeCause, type: MessageTypeNumber, about: string): Promise<StoredMessage | undefined> {
    return this.store.messages.findByMsgId(groupConversationId(c.groupId), noticeId(c, type, about));
  }

  /** This command's notice to `toId`, when stored. */
  ofUser(c: NoticeCause, type: MessageTypeNumber, toId: string): Promise<StoredMessage | undefined> {
    return this.store.messages.findByMsgId(systemConversationId(toId), noticeId(c, type, toId));
  }

  private build(
    c: NoticeCause,
    type: MessageTypeNumber,
    fromId: string,
    msgId: string,
    content: unknown,
  ): ReturnType<typeof serverMessage> {
    return serverMessage({
      msgId,
      messageType: type,
      from: { id: fromId, type: 'GROUP' },
      destId: c.groupId,
      content,
      at: c.at,
    });
  }
}

function noticeId(c: { commandId: string }, type: MessageTypeNumber, about: string): string {
  return `n${type}-${c.commandId}-${about}`.slice(0, 128);
}
