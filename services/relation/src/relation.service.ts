import type { CommandReply, RelationCommand, RelationOutcome } from '@im/bus';
import type { Logger } from '@im/common';
import { MessageType, serverMessage, systemConversationId } from '@im/protocol';
import type { ErrorName, MessageTypeNumber } from '@im/protocol';
import { NoticeWriter } from '@im/realtime';
import type { DeliveryPort, PushNotifier } from '@im/realtime';
import type { Store } from '@im/store';

export interface RelationServiceOptions {
  /** A friend request makes both friends at once (23 to both) instead of waiting for an answer. */
  readonly autoAccept: boolean;
}

/** What a friend command answers: `pending` (a request now waits) or `friends`. */
export type { RelationOutcome } from '@im/bus';

type FriendCommand = Exclude<RelationCommand, { kind: 'block' | 'unblock' | 'profile' }>;
type ProfileCommand = Extract<RelationCommand, { kind: 'profile' }>;

const refuse = (error: ErrorName, reason: string): CommandReply<never> => ({ ok: false, error, reason });

/**
 * Owns friendships, friend requests and blacklists. Every command is idempotent: the store
 * changes are, and each notice is stored in the receiver's system conversation (`s:<userId>`)
 * under a msgId made from the command's id, so a redelivered command stores and sends it once.
 */
export class RelationService {
  private readonly notices: NoticeWriter;

  constructor(
    private readonly store: Store,
    delivery: DeliveryPort,
    private readonly options: RelationServiceOptions,
    private readonly logger: Logger,
    /** Pushes the notices that push to offline devices (im.push.out); absent: no push. */
    push?: PushNotifier,
  ) {
    this.notices = new NoticeWriter(store, delivery, push);
  }

  async handle(command: RelationCommand): Promise<CommandReply<RelationOutcome>> {
    if (command.kind === 'profile') return this.profile(command);
    if (command.userId === command.targetId) return refuse('IM_ERR_BAD_REQUEST', 'cannot target yourself');
    switch (command.kind) {
      case 'block':
        await this.store.relations.block(command.userId, command.targetId);
        break;
      case 'unblock':
        await this.store.relations.unblock(command.userId, command.targetId);
        break;
      default:
        return this.friendCommand(command);
    }
    this.logger.info({ kind: command.kind, userId: command.userId }, 'relation changed');
    return { ok: true, value: { done: true } };
  }

  private async friendCommand(c: FriendCommand): Promise<CommandReply<RelationOutcome>> {
    const reply = await this.runFriendCommand(c);
    if (reply.ok) this.logger.info({ kind: c.kind, userId: c.userId, targetId: c.targetId }, 'friend command done');
    return reply;
  }

  private async runFriendCommand(c: FriendCommand): Promise<CommandReply<RelationOutcome>> {
    const { relations, friendRequests } = this.store;
    switch (c.kind) {
      case 'friend-request': {
        if (await relations.isBlocked(c.targetId, c.userId))
          return refuse('IM_ERR_BLACKLISTED', 'the receiver has blacklisted you');
        if (await relations.areFriends(c.userId, c.targetId)) return refuse('IM_ERR_CONFLICT', 'already friends');
        if (this.options.autoAccept) {
          // Notices first: a command redelivered before the friendship was written redoes them (idempotent).
          await this.notify(c, MessageType.FRIEND_AUTO_ADDED, c.userId, c.targetId, c.message);
          await this.notify(c, MessageType.FRIEND_AUTO_ADDED, c.targetId, c.userId, '');
          await relations.befriend(c.userId, c.targetId);
          return { ok: true, value: { status: 'friends' } };
        }
        // The other side asked first: asking back is accepting.
        if (await friendRequests.get(c.targetId, c.userId)) return this.accept(c.userId, c.targetId, c);
        await friendRequests.put({ fromId: c.userId, toId: c.targetId, message: c.message, createdAt: c.at });
        await this.notify(c, MessageType.FRIEND_REQUEST, c.userId, c.targetId, c.message);
        return { ok: true, value: { status: 'pending' } };
      }
      case 'friend-accept':
        if (await friendRequests.get(c.targetId, c.userId)) return this.accept(c.userId, c.targetId, c);
        // Already accepted (the request goes last): answer as before, tell nobody again.
        if (await relations.areFriends(c.userId, c.targetId)) return { ok: true, value: { status: 'friends' } };
        return refuse('IM_ERR_NOT_FOUND', 'no friend request from this user');
      case 'friend-refuse':
        if (!(await friendRequests.remove(c.targetId, c.userId)))
          return refuse('IM_ERR_NOT_FOUND', 'no friend request from this user');
        return { ok: true, value: { done: true } };
      case 'unfriend':
        // Notice first, friendship last: a redelivered command either finds them friends still, or
        // its own notice stored (it had completed), and redoes the idempotent steps.
        if (
          !(await relations.areFriends(c.userId, c.targetId)) &&
          !(await this.noticeStored(c, MessageType.FRIEND_DELETED, c.targetId))
        ) {
          return refuse('IM_ERR_NOT_FRIEND', 'not friends');
        }
        await this.notify(c, MessageType.FRIEND_DELETED, c.userId, c.targetId, '');
        await relations.unfriend(c.userId, c.targetId);
        return { ok: true, value: { done: true } };
    }
  }

  /**
   * `accepter` accepts `requester`'s request. The request goes last: a command redelivered after
   * a crash still finds it and redoes every (idempotent) step, the notice included.
   */
  private async accept(accepter: string, requester: string, c: FriendCommand): Promise<CommandReply<RelationOutcome>> {
    await this.notify(c, MessageType.FRIEND_ACCEPTED, accepter, requester, '');
    await this.store.relations.befriend(accepter, requester);
    await this.store.friendRequests.remove(accepter, requester);
    await this.store.friendRequests.remove(requester, accepter);
    return { ok: true, value: { status: 'friends' } };
  }

  private async profile(c: ProfileCommand): Promise<CommandReply<RelationOutcome>> {
    const friends = await this.store.relations.friends(c.userId);
    for (const friendId of friends)
      await this.notify(c, MessageType.FRIEND_PROFILE_CHANGED, c.userId, friendId, { ...c.profile });
    this.logger.info({ userId: c.userId, friends: friends.length }, 'profile change told');
    return { ok: true, value: { done: true } };
  }

  private noticeId(c: { commandId: string }, type: MessageTypeNumber, toId: string): string {
    return `n${type}-${c.commandId}-${toId}`.slice(0, 128);
  }

  private async noticeStored(c: { commandId: string }, type: MessageTypeNumber, toId: string): Promise<boolean> {
    return (
      (await this.store.messages.findByMsgId(systemConversationId(toId), this.noticeId(c, type, toId))) !== undefined
    );
  }

  /** Stores a notice in `toId`'s system conversation and hands it to the gateways holding `toId`. */
  private async notify(
    c: { commandId: string; at: number },
    type: MessageTypeNumber,
    fromId: string,
    toId: string,
    content: unknown,
  ): Promise<void> {
    await this.notices.toUser(
      toId,
      serverMessage({
        msgId: this.noticeId(c, type, toId),
        messageType: type,
        from: { id: fromId, type: 'PERSON' },
        destId: toId,
        content,
        at: c.at,
      }),
    );
  }
}
