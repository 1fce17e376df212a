import { AppError } from '@im/common';
import type { Clock, IdGenerator, Logger, TokenClaims } from '@im/common';
import { serverMessage } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { Call, CallMedia, CallStore } from '@im/realtime';
import type { Store } from '@im/store';
import type { CallNotifier, CallOutcome } from './call.notifier';
import { busyRefusalType, callSignalOf } from './call.signal';
import type { CallSignal } from './call.signal';

export interface CallSettings {
  readonly callRingTimeoutMs: number;
  readonly requireFriendship: boolean;
}

/** Who sent a signal: the token's user (name and avatar for the relay) and the device. */
export interface CallSender {
  readonly claims: Pick<TokenClaims, 'sub' | 'name' | 'avatar'>;
  readonly deviceId: string;
}

/** A signal as it is relayed: the sender's name and avatar from the token, the server's time `now`; content untouched. */
export const relayed = (claims: CallSender['claims'], m: ImMessage, now: number): ImMessage => ({
  ...m,
  fromName: claims.name ?? m.fromName,
  imageIconUrl: claims.avatar ?? m.imageIconUrl,
  sendTime: now,
});

/** The party of the call that is not `userId`. */
export const otherParty = (call: Call, userId: string): string =>
  userId === call.callerId ? call.calleeId : call.callerId;

/** The device of `userId` that carries the call (the callee's is unknown while ringing). */
const deviceOf = (call: Call, userId: string): string | undefined =>
  userId === call.callerId ? call.callerDeviceId : call.calleeDeviceId;

/**
 * The 1:1 call state machine: ringing → active → ended, with every transition a compare-and-set
 * on the shared CallStore, so whichever instance of the call service handles a signal, every
 * client sees the same truth. Content (SDP offers and answers) is relayed untouched and never logged.
 */
export class CallService {
  constructor(
    private readonly calls: CallStore,
    private readonly store: Store,
    private readonly notify: CallNotifier,
    private readonly settings: CallSettings,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: Logger,
  ) {}

  /** True for the message types this service handles. */
  handles(m: ImMessage): boolean {
    return callSignalOf(m) !== undefined;
  }

  async signal(sender: CallSender, m: ImMessage): Promise<void> {
    const signal = callSignalOf(m);
    if (!signal) throw new AppError('IM_ERR_BAD_REQUEST', `messageType ${m.messageType} is not a 1:1 call signal`);
    if (m.fromId !== sender.claims.sub) throw new AppError('IM_ERR_SPOOFED_SENDER');
    if (m.destId === m.fromId) throw new AppError('IM_ERR_BAD_REQUEST', 'you cannot call yourself');
    const relay = relayed(sender.claims, m, this.clock.now());
    await this.dispatch(sender, signal, relay);
  }

  private async dispatch(sender: CallSender, signal: CallSignal, m: ImMessage): Promise<void> {
    switch (signal.kind) {
      case 'offer':
        return this.offer(sender, m, signal.media, signal.legacy);
      case 'answer':
        return signal.accept ? this.accept(sender, m) : this.refuse(sender, m);
      case 'hangup':
        return this.hangup(sender, m);
      case 'switch-to-audio':
      case 'ask-video':
      case 'agree-video':
      case 'refuse-video':
        return this.switchMedia(sender, m, signal.kind);
    }
  }

  private async offer(sender: CallSender, m: ImMessage, media: CallMedia, legacy: boolean): Promise<void> {
    const callerId = m.fromId;
    const calleeId = m.destId;
    if (await this.store.relations.isBlocked(calleeId, callerId)) throw new AppError('IM_ERR_BLACKLISTED');
    if (this.settings.requireFriendship && !(await this.store.relations.areFriends(callerId, calleeId)))
      throw new AppError('IM_ERR_NOT_FRIEND');
    const now = this.clock.now();
    const call: Call = {
      callId: this.ids.next(),
      callerId,
      callerDeviceId: sender.deviceId,
      callerName: m.fromName,
      callerIcon: m.imageIconUrl,
      calleeId,
      kind: media,
      media,
      legacy,
      offer: m,
      phase: 'ringing',
      createdAt: now,
      ringDeadline: now + this.settings.callRingTimeoutMs,
      version: 1,
    };
    const created = await this.calls.create(call);
    if (!created.ok && created.busy === callerId)
      throw new AppError('IM_ERR_CONFLICT', 'you are already in a call: hang up (156) first');
    if (!created.ok) return this.busy(call, m);
    this.logger.info({ callId: call.callId, callerId, calleeId, media }, 'call ringing');
    await this.notify.toUser(calleeId, m);
    // A failed push is logged: the call rings the devices online all the same.
    await this.notify
      .ringPush(call, m)
      .catch((err: unknown) => this.logger.warn({ err, callId: call.callId }, 'ring push failed'));
  }

  /** The callee is in another call: the caller gets a refusal from the callee at once, and the conversation a 162. */
  private async busy(call: Call, m: ImMessage): Promise<void> {
    const refusal = serverMessage({
      msgId: `busy-${m.msgId}`,
      messageType: busyRefusalType(call.media, call.legacy),
      from: { id: call.calleeId, type: 'PERSON' },
      destId: call.callerId,
      content: call.legacy ? 0 : 'busy',
      at: m.sendTime ?? this.clock.now(),
    });
    await this.notify.toDevice(call.callerId, call.callerDeviceId, refusal);
    this.logger.info({ callId: call.callId }, 'call refused: callee busy');
    await this.notify.record(call, 'busy');
  }

  /** The callee's call that rings from `m.destId`; anything else is refused. */
  private async ringingFor(calleeId: string, callerId: string): Promise<Call> {
    const call = await this.calls.ofUser(calleeId);
    if (call?.calleeId !== calleeId || call.callerId !== callerId)
      throw new AppError('IM_ERR_NOT_FOUND', `no call from ${callerId} is ringing for you`);
    if (call.phase !== 'ringing') throw new AppError('IM_ERR_CONFLICT', 'the call was already answered');
    return call;
  }

  private async accept(sender: CallSender, m: ImMessage): Promise<void> {
    const call = await this.ringingFor(m.fromId, m.destId);
    const { offer: _rung, ...answered } = call;
    const next: Call = {
      ...answered,
      phase: 'active',
      calleeDeviceId: sender.deviceId,
      acceptedAt: this.clock.now(),
      version: call.version + 1,
    };
    if (!(await this.calls.update(next)))
      throw new AppError('IM_ERR_CONFLICT', 'the call was answered on another device or has ended');
    this.logger.info({ callId: call.callId }, 'call accepted');
    await this.notify.toDevice(call.callerId, call.callerDeviceId, m);
    // The callee's other devices stop ringing: they see their own user's answer.
    await this.notify.toUser(call.calleeId, m, sender.deviceId);
  }

  private async refuse(sender: CallSender, m: ImMessage): Promise<void> {
    const call = await this.ringingFor(m.fromId, m.destId);
    if (!(await this.calls.end(call.callId, call.version)))
      throw new AppError('IM_ERR_CONFLICT', 'the call was answered on another device or has ended');
    await this.notify.toDevice(call.callerId, call.callerDeviceId, m);
    await this.notify.toUser(call.calleeId, m, sender.deviceId);
    await this.finish(call, 'refused');
  }

  /** The call the sender is in with `m.destId`. */
  private async callWith(m: ImMessage): Promise<Call> {
    const call = await this.calls.ofUser(m.fromId);
    if (!call || otherParty(call, m.fromId) !== m.destId)
      throw new AppError('IM_ERR_NOT_FOUND', `you are not in a call with ${m.destId}`);
    return call;
  }

  private async hangup(sender: CallSender, m: ImMessage): Promise<void> {
    // A retry covers a switch or answer that changed the call between our read and our end.
    for (let attempt = 0; attempt < 3; attempt++) {
      const call = await this.callWith(m);
      if (!(await this.calls.end(call.callId, call.version))) continue;
      await this.notify.toOther(call, m.fromId, m);
      const calleeDeclined = call.phase === 'ringing' && m.fromId === call.calleeId;
      if (calleeDeclined) await this.notify.toUser(call.calleeId, m, sender.deviceId);
      const outcome: CallOutcome = call.phase === 'active' ? 'completed' : calleeDeclined ? 'refused' : 'cancelled';
      return this.finish(call, outcome);
    }
    throw new AppError('IM_ERR_CONFLICT', 'the call keeps changing; retry');
  }

  private async switchMedia(
    sender: CallSender,
    m: ImMessage,
    kind: 'switch-to-audio' | 'ask-video' | 'agree-video' | 'refuse-video',
  ): Promise<void> {
    const call = await this.callWith(m);
    if (call.phase !== 'active') throw new AppError('IM_ERR_CONFLICT', 'the call has not been answered yet');
    if (deviceOf(call, m.fromId) !== sender.deviceId)
      throw new AppError('IM_ERR_FORBIDDEN', 'only the device in the call may signal in it');
    const next = this.switched(call, m.fromId, kind);
    if (!(await this.calls.update(next))) throw new AppError('IM_ERR_CONFLICT', 'the call changed meanwhile; retry');
    await this.notify.toOther(call, m.fromId, m);
  }

  /** The call after a switch signal, or a refusal naming why the signal does not fit. */
  private switched(
    call: Call,
    senderId: string,
    kind: 'switch-to-audio' | 'ask-video' | 'agree-video' | 'refuse-video',
  ): Call {
    const version = call.version + 1;
    switch (kind) {
      case 'switch-to-audio':
        if (call.media !== 'video') throw new AppError('IM_ERR_CONFLICT', 'the call is not a video call');
        return { ...call, media: 'audio', switchRequestedBy: undefined, version };
      case 'ask-video':
        if (call.media !== 'audio') throw new AppError('IM_ERR_CONFLICT', 'the call is already a video call');
        if (call.switchRequestedBy !== undefined)
          throw new AppError('IM_ERR_CONFLICT', 'a switch to video is already asked for');
        return { ...call, switchRequestedBy: senderId, version };
      case 'agree-video':
      case 'refuse-video':
        if (call.switchRequestedBy !== otherParty(call, senderId))
          throw new AppError('IM_ERR_CONFLICT', 'the other party has not asked to switch to video');
        return { ...call, media: kind === 'agree-video' ? 'video' : call.media, switchRequestedBy: undefined, version };
    }
  }

  /** Records the ended call; a failed publish is logged, the call is over either way. */
  async finish(call: Call, outcome: CallOutcome): Promise<void> {
    this.logger.info({ callId: call.callId, outcome }, 'call ended');
    await this.notify
      .record(call, outcome)
      .catch((err: unknown) => this.logger.error({ err, callId: call.callId }, 'could not record the call (162)'));
  }
}
