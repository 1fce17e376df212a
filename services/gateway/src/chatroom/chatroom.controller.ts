import { AppError, toImError } from '@im/common';
import type { Logger } from '@im/common';
import { MessageType, imError, messageTypeSpec, parseImMessage } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { Ack, AckAnswer } from '../socket/chat.controller';
import type { ImSocket } from '../socket/socket.events';
import type { TokenBucket } from '../socket/rate-limiter';
import type { SocketIdentity } from '../socket/socket-auth';
import type { ChatroomService } from './chatroom.service';

export interface ChatroomContext {
  readonly identity: SocketIdentity;
  readonly socket: ImSocket;
  readonly bucket: TokenBucket;
}

/** The acknowledgement of a chatroom uplink: the usual answer plus the room's member count. */
export type ChatroomAnswer = AckAnswer | { code: 0; msgId: string; serverTime: number; members: number };

/** Transport: one `chatroom` event → validate, authorise, one service call, answer. Never throws. */
export class ChatroomController {
  constructor(
    private readonly service: ChatroomService,
    private readonly maxBytes: number,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  async onChatroom(ctx: ChatroomContext, payload: unknown, ack: Ack | undefined): Promise<void> {
    const answer = (a: ChatroomAnswer): void => {
      if (ack) ack(a as AckAnswer);
      else if (a.code !== 0) ctx.socket.emit('im_error', a);
    };
    if (!ctx.bucket.take())
      return answer({
        code: imError('IM_ERR_RATE_LIMITED').code,
        msgId: undefined,
        error: imError('IM_ERR_RATE_LIMITED').reason,
      });
    const parsed = parseImMessage(payload, { maxBytes: this.maxBytes, direction: 'up' });
    if (!parsed.ok) return answer({ code: parsed.error.code, msgId: parsed.msgId, error: parsed.error.reason });
    const m = parsed.message;
    try {
      const { members } = await this.handle(ctx, m);
      return answer({ code: 0, msgId: m.msgId, serverTime: this.now(), members });
    } catch (e) {
      const { error, known } = toImError(e);
      if (!known) this.logger.error({ err: e, msgId: m.msgId }, 'chatroom handling failed');
      return answer({ code: error.code, msgId: m.msgId, error: error.reason });
    }
  }

  private async handle(ctx: ChatroomContext, m: ImMessage): Promise<{ members: number }> {
    if (messageTypeSpec(m.messageType)?.channel !== 'chatroom') {
      throw new AppError('IM_ERR_BAD_REQUEST', `messageType ${m.messageType} travels on the chat event, not chatroom`);
    }
    const { claims } = ctx.identity;
    if (m.fromId !== claims.sub) throw new AppError('IM_ERR_SPOOFED_SENDER');
    await this.service.checkRate(claims.sub);
    switch (m.messageType) {
      case MessageType.CHATROOM_ENTER:
        return this.service.enter(ctx.socket, claims, m);
      case MessageType.CHATROOM_LEAVE:
        return this.service.leave(ctx.socket, claims, m);
      default:
        return this.service.say(ctx.socket, claims, m);
    }
  }
}
