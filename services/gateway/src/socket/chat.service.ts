import { Topics } from '@im/bus';
import type { Bus, ChatRecord, WalletCommand } from '@im/bus';
import { AppError, derivedId } from '@im/common';
import type { Clock, TokenClaims } from '@im/common';
import { MessageType, directConversationId, groupConversationId, typesSentAs } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { OnceStore } from '@im/realtime';
import { checkGroupSend } from '@im/store';
import type { Store } from '@im/store';
import type { GatewaySettings } from '../gateway.config';
import type { UserDirectory } from '../users/user-directory';
import { ServiceCommands } from '../service-commands';

/** Types a client may send on `chat` and this server stores as conversation messages (the registry's `conversation`). */
const CONVERSATION_TYPES = typesSentAs('conversation');
/** Likes and tips on a group message (the registry's `reaction`), carried out by the wallet service. */
const REACTION_TYPES = typesSentAs('reaction');

const ACCEPTANCE_TTL_MS = 24 * 3600 * 1000;

export interface Sender {
  readonly claims: TokenClaims;
  readonly deviceId: string;
}

/**
 * The gateway's side of sending: identity, authorisation and the checks that must answer the
 * sender synchronously, then a durable publish. The message service rechecks what needs state.
 */
export class ChatService {
  /** Likes and tips go to the wallet service. */
  private readonly commands: ServiceCommands;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly once: OnceStore,
    private readonly settings: GatewaySettings,
    private readonly clock: Clock,
    /** Names the sender: their fromName and imageIconUrl come from the directory, never from the client. */
    private readonly users: UserDirectory,
    /** Holds, then refuses, new messages while the message service is behind (cluster mode; `BacklogGuard`). */
    private readonly backlog?: { admit(): Promise<void> },
  ) {
    this.commands = new ServiceCommands(bus);
  }

  /** Resolves with the acceptance time once the message is durable; a retry gets the first time. */
  async accept(sender: Sender, input: ImMessage): Promise<{ serverTime: number }> {
    if (input.fromId !== sender.claims.sub) throw new AppError('IM_ERR_SPOOFED_SENDER');
    if (!CONVERSATION_TYPES.has(input.messageType))
      throw new AppError('IM_ERR_BAD_REQUEST', `messageType ${input.messageType} is not a conversation message`);
    // Server-owned fields: what the sender put in status, id, version and receiveTime is dropped, never stored.
    const { status: _status, id: _id, version: _version, receiveTime: _receiveTime, ...fromClient } = input;
    const message: ImMessage = { ...fromClient, ...(await this.users.senderFace(sender.claims)) };
    const conversationId = await this.authorise(message);
    await this.backlog?.admit();
    const serverTime = await this.acceptanceTime(conversationId, message);
    const record: ChatRecord = {
      kind: 'chat',
      conversationId,
      message: { ...message, sendTime: serverTime, receiveTime: serverTime },
      senderDeviceId: sender.deviceId,
    };
    try {
      await this.bus.publish(Topics.MESSAGES, conversationId, record);
    } catch (e) {
      // Not durable, so not acknowledged: the client retries with the same msgId.
      throw new AppError('IM_ERR_UNAVAILABLE', 'the message could not be stored; retry with the same msgId', e);
    }
    return { serverTime };
  }

  /**
   * 82 like / 83 tip on a text message of the group (content `{msgId}` / `{msgId, amt}`): checked
   * here as any group message is, then carried out by the wallet service, which tells the author.
   */
  async react(sender: Sender, m: ImMessage): Promise<{ serverTime: number }> {
    if (m.fromId !== sender.claims.sub) throw new AppError('IM_ERR_SPOOFED_SENDER');
    if (!REACTION_TYPES.has(m.messageType))
      throw new AppError('IM_ERR_BAD_REQUEST', `messageType ${m.messageType} is not a like or tip`);
    const tip = m.messageType === MessageType.GROUP_MESSAGE_TIP;
    const content = m.content;
    if (typeof content !== 'object' || content === null || Array.isArray(content))
      throw new AppError('IM_ERR_BAD_CONTENT', tip ? 'content must be {msgId, amt}' : 'content must be {msgId}');
    const fields = content as Record<string, unknown>;
    const allowed = tip ? ['msgId', 'amt'] : ['msgId'];
    const unknown = Object.keys(fields).find((k) => !allowed.includes(k));
    if (unknown !== undefined) throw new AppError('IM_ERR_BAD_CONTENT', `content.${unknown} is not a known field`);
    const target = fields['msgId'];
    if (typeof target !== 'string' || target.length === 0 || target.length > 128)
      throw new AppError('IM_ERR_BAD_CONTENT', 'content.msgId must name a message of the group');
    const amt = fields['amt'];
    if (tip && (typeof amt !== 'number' || !Number.isSafeInteger(amt) || amt < 1))
      throw new AppError('IM_ERR_BAD_CONTENT', 'content.amt must be a positive integer (fen)');
    await this.authorise(m);
    const at = this.clock.now();
    const command: WalletCommand = tip
      ? {
          kind: 'tip',
          tipId: `tp-${derivedId([m.fromId, m.msgId])}`,
          fromId: m.fromId,
          groupId: m.destId,
          msgId: target,
          amount: amt as number,
          at,
        }
      : {
          kind: 'like',
          likeId: `lk-${derivedId([m.destId, target, m.fromId])}`,
          fromId: m.fromId,
          groupId: m.destId,
          msgId: target,
          at,
        };
    await this.commands.request(Topics.WALLET_COMMANDS, command);
    return { serverTime: at };
  }

  private async authorise(m: ImMessage): Promise<string> {
    if (m.fromType === 2) {
      const refusal = await checkGroupSend(this.store.groups, m.destId, m.fromId, this.clock.now());
      if (refusal) throw new AppError(refusal.code, refusal.reason);
      const conversationId = groupConversationId(m.destId);
      await this.checkTarget(conversationId, m);
      return conversationId;
    }
    if (m.fromType !== 1) throw new AppError('IM_ERR_BAD_FROM_TYPE', 'chat messages are person (1) or group (2)');
    if (
      this.settings.requireFriendship &&
      m.destId !== m.fromId &&
      !(await this.store.relations.areFriends(m.fromId, m.destId))
    ) {
      throw new AppError('IM_ERR_NOT_FRIEND');
    }
    const conversationId = directConversationId(m.fromId, m.destId);
    await this.checkTarget(conversationId, m);
    return conversationId;
  }

  /** Recall and read name another message of the conversation in their content. */
  private async checkTarget(conversationId: string, m: ImMessage): Promise<void> {
    if (m.messageType !== MessageType.RECALL && m.messageType !== MessageType.READ) return;
    const target = await this.store.messages.findByMsgId(conversationId, String(m.content));
    if (!target) throw new AppError('IM_ERR_NOT_FOUND', 'no such message in this conversation');
    if (m.messageType === MessageType.READ) return;
    if (target.message.fromId !== m.fromId)
      throw new AppError('IM_ERR_FORBIDDEN', 'only its sender may recall a message');
    if (this.clock.now() - target.message.sendTime > this.settings.recallWindowMs)
      throw new AppError('IM_ERR_RECALL_EXPIRED');
  }

  /**
   * The first acceptance time of this msgId: from the once-key written at first acceptance, or,
   * when the once-store does not outlive the process (embedded), from the stored message.
   */
  private async acceptanceTime(conversationId: string, m: ImMessage): Promise<number> {
    if (!this.once.durable) {
      const stored = await this.store.messages.findByMsgId(conversationId, m.msgId);
      if (stored) return stored.message.sendTime;
    }
    const now = this.clock.now();
    const earlier = await this.once.putIfAbsent(`acc:${conversationId}:${m.msgId}`, String(now), ACCEPTANCE_TTL_MS);
    return earlier === undefined ? now : Number(earlier);
  }
}
