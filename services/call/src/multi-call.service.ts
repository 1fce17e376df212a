import { AppError } from '@im/common';
import type { Clock, IdGenerator, Logger } from '@im/common';
import { MessageType, isValidId, serverMessage } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { CallMedia, MultiCall, MultiCallStore } from '@im/realtime';
import { checkGroupSend } from '@im/store';
import type { Store } from '@im/store';
import type { CallNotifier } from './call.notifier';
import { relayed } from './call.service';
import type { CallSender } from './call.service';

export interface MultiCallSettings {
  readonly multiCallMaxParticipants: number;
}

const MEDIA: Partial<Record<number, CallMedia>> = {
  [MessageType.MULTI_CALL_AUDIO_INVITE]: 'audio',
  [MessageType.MULTI_CALL_VIDEO_INVITE]: 'video',
};

const ATTEMPTS = 5;

/**
 * Multi-party calls of a group (163 / 164 invite or join, 165 end or leave; the server sends
 * 167, 168, 166). One call per group at a time, in the MultiCallStore (Redis in cluster mode);
 * every change is a compare-and-set on its version, retried a few times under contention.
 */
export class MultiCallService {
  constructor(
    private readonly calls: MultiCallStore,
    private readonly store: Store,
    private readonly notify: CallNotifier,
    private readonly settings: MultiCallSettings,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: Logger,
  ) {}

  handles(m: ImMessage): boolean {
    return (
      MEDIA[m.messageType] !== undefined ||
      m.messageType === MessageType.MULTI_CALL_ENDED_BY_INITIATOR ||
      m.messageType === MessageType.MULTI_CALL_SIGNAL
    );
  }

  async signal(sender: CallSender, m: ImMessage): Promise<void> {
    if (m.fromId !== sender.claims.sub) throw new AppError('IM_ERR_SPOOFED_SENDER');
    const members = await this.membersOf(m.destId, m.fromId);
    const relay = relayed(sender.claims, m, this.clock.now());
    const media = MEDIA[m.messageType];
    if (media !== undefined) return this.invite(sender, relay, media, members);
    if (m.messageType === MessageType.MULTI_CALL_SIGNAL) return this.relaySignal(relay);
    return this.hangup(relay, members);
  }

  /**
   * 169: a participant's offer, answer or ICE candidate for another participant, relayed untouched
   * to the device that one joined with. Only between two participants of the group's call.
   */
  private async relaySignal(m: ImMessage): Promise<void> {
    const to = signalTarget(m.content);
    if (to === undefined) throw new AppError('IM_ERR_BAD_CONTENT', 'content.to must name a participant');
    if (to === m.fromId) throw new AppError('IM_ERR_BAD_REQUEST', 'a signal goes to another participant');
    const call = await this.calls.ofGroup(m.destId);
    if (!call) throw new AppError('IM_ERR_NOT_FOUND', 'this group has no call');
    if (call.participants[m.fromId] === undefined) throw new AppError('IM_ERR_FORBIDDEN', 'you are not in this call');
    const device = call.participants[to];
    if (device === undefined) throw new AppError('IM_ERR_NOT_FOUND', `${to} is not in this call`);
    await this.notify.toDevices([[to, device]], m);
  }

  /** The group's members; the sender must be one, and the group alive. */
  private async membersOf(groupId: string, userId: string): Promise<string[]> {
    const refusal = await checkGroupSend(this.store.groups, groupId, userId, this.clock.now());
    if (refusal) throw new AppError(refusal.code, refusal.reason);
    return (await this.store.groups.members(groupId)).map((x) => x.userId);
  }

  /**
   * content `{userIds: [...]}` names the invitees (members only). Without it, creating the call
   * invites every member, and joining it invites nobody (`undefined`).
   */
  private invitees(m: ImMessage, members: readonly string[]): string[] | undefined {
    const listed =
      typeof m.content === 'object' && m.content !== null
        ? (m.content as Record<string, unknown>)['userIds']
        : undefined;
    if (listed === undefined) return undefined;
    if (!Array.isArray(listed) || !listed.every(isValidId))
      throw new AppError('IM_ERR_BAD_CONTENT', 'content.userIds must be a list of user ids');
    const outsider = listed.find((u) => !members.includes(u));
    if (outsider !== undefined) throw new AppError('IM_ERR_BAD_REQUEST', `${outsider} is not a member of this group`);
    return [...new Set(listed)].filter((u) => u !== m.fromId);
  }

  /** Starts the group's call, or joins it; either way invites the invitees who are not in it. */
  private async invite(sender: CallSender, m: ImMessage, media: CallMedia, members: readonly string[]): Promise<void> {
    const listed = this.invitees(m, members);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const existing = await this.calls.ofGroup(m.destId);
      if (!existing) {
        const call = this.newCall(sender, m, media);
        if (!(await this.calls.create(call))) continue;
        this.logger.info({ callId: call.callId, groupId: call.groupId, media }, 'multi-party call created');
        await this.notify.toUsers(
          members,
          this.notice(call, m.fromId, MessageType.MULTI_CALL_CREATED, {
            callId: call.callId,
            media,
            initiatorId: m.fromId,
          }),
          { userId: m.fromId, deviceId: sender.deviceId },
        );
        await this.notify.toUsers(listed ?? members.filter((u) => u !== m.fromId), m);
        return;
      }
      if (await this.join(sender, m, existing)) {
        await this.notify.toUsers(
          (listed ?? []).filter((u) => existing.participants[u] === undefined),
          m,
        );
        return;
      }
    }
    throw new AppError('IM_ERR_CONFLICT', 'the call keeps changing; retry');
  }

  /** Adds the sender (true when done or already in); false when someone changed the call first. */
  private async join(sender: CallSender, m: ImMessage, call: MultiCall): Promise<boolean> {
    if (call.participants[m.fromId] === sender.deviceId) return true;
    const count = Object.keys(call.participants).length;
    if (call.participants[m.fromId] === undefined && count >= this.settings.multiCallMaxParticipants) {
      throw new AppError(
        'IM_ERR_FORBIDDEN',
        `the call is full (${this.settings.multiCallMaxParticipants} participants)`,
      );
    }
    const everJoined = call.everJoined.includes(m.fromId) ? call.everJoined : [...call.everJoined, m.fromId];
    const next: MultiCall = {
      ...call,
      participants: { ...call.participants, [m.fromId]: sender.deviceId },
      everJoined,
      version: call.version + 1,
    };
    if (!(await this.calls.update(next))) return false;
    const others = this.devices(call).filter(([u]) => u !== m.fromId);
    await this.notify.toDevices(
      others,
      this.notice(next, m.fromId, MessageType.MULTI_CALL_MEMBER_CHANGED, {
        callId: call.callId,
        joined: m.fromId,
        participants: Object.keys(next.participants),
      }),
    );
    return true;
  }

  /** 165: the initiator ends the call for everyone; anyone else leaves it. */
  private async hangup(m: ImMessage, members: readonly string[]): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const call = await this.calls.ofGroup(m.destId);
      if (call?.participants[m.fromId] === undefined)
        throw new AppError('IM_ERR_NOT_FOUND', 'you are not in this group’s call');
      const done =
        m.fromId === call.initiatorId
          ? await this.endByInitiator(call, m, members)
          : await this.leave(call, m.fromId, members);
      if (done) return;
    }
    throw new AppError('IM_ERR_CONFLICT', 'the call keeps changing; retry');
  }

  private async endByInitiator(call: MultiCall, m: ImMessage, members: readonly string[]): Promise<boolean> {
    if (!(await this.calls.end(call.groupId, call.version))) return false;
    await this.notify.toDevices(
      this.devices(call).filter(([u]) => u !== m.fromId),
      m,
    );
    await this.destroyed(call, 'ended', members);
    return true;
  }

  /** Takes `userId` out of the call; the last one out destroys it. */
  private async leave(call: MultiCall, userId: string, members: readonly string[]): Promise<boolean> {
    const { [userId]: _gone, ...participants } = call.participants;
    if (Object.keys(participants).length === 0) {
      if (!(await this.calls.end(call.groupId, call.version))) return false;
      await this.destroyed(call, 'empty', members);
      return true;
    }
    const next: MultiCall = { ...call, participants, version: call.version + 1 };
    if (!(await this.calls.update(next))) return false;
    await this.notify.toDevices(
      this.devices(next),
      this.notice(next, userId, MessageType.MULTI_CALL_MEMBER_CHANGED, {
        callId: call.callId,
        left: userId,
        participants: Object.keys(participants),
      }),
    );
    return true;
  }

  /** 166 to every member (invitations and banners go away), and the call's 162 in the group conversation. */
  private async destroyed(call: MultiCall, reason: 'ended' | 'empty', members: readonly string[]): Promise<void> {
    this.logger.info({ callId: call.callId, groupId: call.groupId, reason }, 'multi-party call destroyed');
    await this.notify.toUsers(
      members,
      this.notice(call, call.initiatorId, MessageType.MULTI_CALL_DESTROYED, { callId: call.callId, reason }),
    );
    await this.notify
      .recordMulti(call)
      .catch((err: unknown) => this.logger.error({ err, callId: call.callId }, 'could not record the call (162)'));
  }

  /**
   * A device is gone: it leaves the calls of `groups` (the gateway it joined them through keeps
   * that list) it is still in with that device. Never throws.
   */
  async deviceGone(userId: string, deviceId: string, groups: readonly string[]): Promise<void> {
    for (const groupId of groups) {
      try {
        const members = (await this.store.groups.members(groupId)).map((x) => x.userId);
        for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
          const call = await this.calls.ofGroup(groupId);
          if (call?.participants[userId] !== deviceId || (await this.leave(call, userId, members))) break;
        }
      } catch (err) {
        this.logger.warn({ err, groupId }, 'leaving a multi-party call after disconnect failed');
      }
    }
  }

  private newCall(sender: CallSender, m: ImMessage, media: CallMedia): MultiCall {
    const participants: Record<string, string> = { [m.fromId]: sender.deviceId };
    return {
      callId: this.ids.next(),
      groupId: m.destId,
      initiatorId: m.fromId,
      media,
      createdAt: this.clock.now(),
      participants,
      everJoined: [m.fromId],
      version: 1,
    };
  }

  private devices(call: MultiCall): [string, string][] {
    return Object.entries(call.participants);
  }

  private notice(call: MultiCall, fromId: string, messageType: ImMessage['messageType'], content: unknown): ImMessage {
    return serverMessage({
      msgId: `${messageType}-${call.callId}-${call.version}`,
      messageType,
      from: { id: fromId, type: 'GROUP' },
      destId: call.groupId,
      content,
      at: this.clock.now(),
    });
  }
}

/** `content.to` of a 169 (content may still be the JSON text an old client sent). */
function signalTarget(content: unknown): string | undefined {
  let value = content;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  const to = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['to'] : undefined;
  return typeof to === 'string' && isValidId(to) ? to : undefined;
}
