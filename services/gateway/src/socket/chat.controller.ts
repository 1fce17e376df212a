import { toImError } from '@im/common';
import type { Clock, Logger } from '@im/common';
import { MessageType, imError, messageTypeSpec, parseImMessage } from '@im/protocol';
import type { ImError, ImMessage } from '@im/protocol';
import type { CallSignals } from '../call/call.forwarder';
import type { ChatService } from './chat.service';
import type { DeviceChannel } from './device-channel';
import type { TokenBucket } from './rate-limiter';
import type { SocketIdentity } from './socket-auth';

export type Ack = (answer: AckAnswer) => void;
export type AckAnswer =
  { code: 0; msgId: string; serverTime: number } | { code: number; msgId: string | undefined; error: string };

export interface ChatContext {
  readonly identity: SocketIdentity;
  readonly channel: DeviceChannel;
  readonly bucket: TokenBucket;
  /** Tells a client that passed no ack callback about an error. */
  readonly reportError: (answer: AckAnswer) => void;
  readonly emit: (message: ImMessage) => void;
  /** Type 1: settles the device's identity (with the body's `devType`) and starts its channel. */
  readonly start: (devType: number | undefined) => Promise<void>;
}

/** Told of every answer: its code (0 = accepted) and how long it took, in seconds. */
export type AckObserver = (code: number, seconds: number) => void;

/** A clientSend kind the switch does not handle fails to compile here. */
function unhandled(send: never): never {
  throw new Error(`unhandled clientSend ${JSON.stringify(send)}`);
}

/** Transport: one `chat` event → validate, authorise, one service call, answer. Never throws. */
export class ChatController {
  constructor(
    private readonly service: ChatService,
    private readonly calls: CallSignals,
    private readonly maxBytes: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly observe: AckObserver = () => undefined,
  ) {}

  async onChat(ctx: ChatContext, payload: unknown, ack: Ack | undefined): Promise<void> {
    const started = performance.now();
    /** Set for a conversation message: releases the downlinks its stored copy holds (DeviceChannel.sending). */
    let answered: (() => void) | undefined;
    const answer = (a: AckAnswer): void => {
      this.observe(a.code, (performance.now() - started) / 1000);
      if (ack) ack(a);
      else if (a.code !== 0) ctx.reportError(a);
      answered?.();
    };
    const fail = (e: ImError, msgId: string | undefined): void => answer({ code: e.code, msgId, error: e.reason });
    if (!ctx.bucket.take()) return fail(imError('IM_ERR_RATE_LIMITED'), undefined);
    const parsed = parseImMessage(payload, { maxBytes: this.maxBytes, direction: 'up' });
    if (!parsed.ok) {
      this.logger.debug(
        { msgId: parsed.msgId, code: parsed.error.code, userId: ctx.identity.claims.sub },
        'message refused',
      );
      return fail(parsed.error, parsed.msgId);
    }
    const m = parsed.message;
    // What the registry says a client's message of this type does; parsing refused down-only types.
    const send = messageTypeSpec(m.messageType)?.clientSend;
    if (send === undefined) return fail(imError('IM_ERR_WRONG_DIRECTION'), m.msgId);
    const sender = { claims: ctx.identity.claims, deviceId: ctx.identity.deviceId };
    try {
      switch (send.kind) {
        case 'chatroom':
          return fail(
            imError('IM_ERR_BAD_REQUEST', `messageType ${m.messageType} travels on the chatroom event, not chat`),
            m.msgId,
          );
        case 'http-only':
          return fail(
            imError(
              'IM_ERR_BAD_REQUEST',
              `messageType ${m.messageType} is made with ${send.route}; the server then sends it`,
            ),
            m.msgId,
          );
        case 'session':
          if (m.messageType === MessageType.READY) await ctx.start(m.devType);
          else
            ctx.emit({
              ...m,
              fromId: 'server',
              destId: m.fromId,
              fromType: 3,
              content: '',
              sendTime: this.clock.now(),
            });
          return answer({ code: 0, msgId: m.msgId, serverTime: this.clock.now() });
        case 'call-signal':
          await this.calls.signal(sender, m);
          this.logger.debug(
            { msgId: m.msgId, messageType: m.messageType, userId: ctx.identity.claims.sub },
            'call signal accepted',
          );
          return answer({ code: 0, msgId: m.msgId, serverTime: this.clock.now() });
        case 'reaction':
        case 'conversation': {
          if (send.kind === 'conversation') answered = ctx.channel.sending(m.msgId);
          const { serverTime } =
            send.kind === 'reaction' ? await this.service.react(sender, m) : await this.service.accept(sender, m);
          this.logger.debug(
            { msgId: m.msgId, messageType: m.messageType, userId: ctx.identity.claims.sub },
            'message accepted',
          );
          return answer({ code: 0, msgId: m.msgId, serverTime });
        }
        default:
          return unhandled(send);
      }
    } catch (e) {
      const { error, known } = toImError(e);
      if (!known) this.logger.error({ err: e, msgId: m.msgId }, 'chat handling failed');
      else if (e instanceof Error && e.cause !== undefined)
        this.logger.warn({ err: e.cause, msgId: m.msgId, code: error.code }, 'message not accepted');
      if (known && ((error.code >= 40300 && error.code < 40400) || send.kind === 'call-signal')) {
        // Authorisation refusals (spoofed sender, not a member, blacklisted, ...) are security events,
        // and so is a call signal refused (e.g. answering or hanging up a call one is not in).
        const refusal = {
          code: error.code,
          reason: error.reason,
          userId: ctx.identity.claims.sub,
          msgId: m.msgId,
          messageType: m.messageType,
          destId: m.destId,
        };
        this.logger.info(refusal, 'message refused');
      }
      return fail(error, m.msgId);
    }
  }
}
