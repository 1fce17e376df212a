import type { Clock, Logger } from '@im/common';
import { MessageType, serverMessage } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { Call, CallStore, Presence } from '@im/realtime';
import type { CallNotifier } from './call.notifier';
import type { CallService } from './call.service';
import type { MultiCallService } from './multi-call.service';
import { otherParty } from './call.service';

export interface CallLifecycleSettings {
  readonly callDropGraceMs: number;
}

/**
 * What happens to calls without a signal: the ringing timeout (a missed call), and a party whose
 * call device disconnects (the other side gets 161 unless it is back within the grace period).
 * Deadlines live in the CallStore; every instance of the call service sweeps for due calls and the
 * compare-and-set end lets exactly one of them act, so a timeout fires even if the instance that
 * set the call up died (or the only one was killed and restarted).
 */
export class CallLifecycle {
  private sweeping = false;

  constructor(
    private readonly calls: CallStore,
    private readonly service: CallService,
    private readonly notify: CallNotifier,
    private readonly presence: Presence,
    private readonly settings: CallLifecycleSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly multi?: MultiCallService,
  ) {}

  /** Ends the calls whose deadline passed. Never throws; overlapping runs are skipped. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = this.clock.now();
      for (const callId of await this.calls.due(now)) {
        const call = await this.calls.get(callId);
        if (call) await this.expire(call, now);
      }
    } catch (err) {
      this.logger.warn({ err }, 'call sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private async expire(call: Call, now: number): Promise<void> {
    if (call.dropped && call.dropped.deadline <= now) {
      if (!(await this.calls.end(call.callId, call.version))) return;
      const other = otherParty(call, call.dropped.userId);
      await this.notify.toOther(call, call.dropped.userId, this.droppedNotice(call, call.dropped.userId, other, now));
      return this.service.finish(call, 'dropped');
    }
    if (call.phase === 'ringing' && call.ringDeadline <= now) {
      if (!(await this.calls.end(call.callId, call.version))) return;
      return this.service.finish(call, 'missed');
    }
  }

  /**
   * A socket closed. Unless the same device is already back (a fast reconnect through another
   * gateway), it leaves the multi-party calls of `groups`, and if it was a party's 1:1 call device
   * the grace period starts. False when the device was back (nothing done).
   */
  async deviceDisconnected(userId: string, deviceId: string, groups: readonly string[] = []): Promise<boolean> {
    if ((await this.presence.sessionsOf(userId)).some((s) => s.deviceId === deviceId)) return false;
    await this.multi?.deviceGone(userId, deviceId, groups);
    await this.markDropped(userId, deviceId);
    return true;
  }

  /**
   * A gateway died without closing its sockets (no disconnect ever comes): for each of its users
   * in a 1:1 call whose call device has no session left anywhere, the grace period starts.
   */
  async usersLost(userIds: readonly string[]): Promise<void> {
    for (const userId of userIds) {
      const call = await this.calls.ofUser(userId);
      const deviceId =
        call === undefined ? undefined : userId === call.callerId ? call.callerDeviceId : call.calleeDeviceId;
      if (deviceId === undefined || call?.dropped) continue;
      if ((await this.presence.sessionsOf(userId)).some((s) => s.deviceId === deviceId)) continue;
      await this.markDropped(userId, deviceId);
    }
  }

  private async markDropped(userId: string, deviceId: string): Promise<void> {
    const call = await this.calls.ofUser(userId);
    if (!call || !this.isCallDevice(call, userId, deviceId) || call.dropped) return;
    const deadline = this.clock.now() + this.settings.callDropGraceMs;
    const next: Call = { ...call, dropped: { userId, deadline }, version: call.version + 1 };
    if (!(await this.calls.update(next))) return this.markDropped(userId, deviceId);
    this.logger.info({ callId: call.callId, userId }, 'call device disconnected: grace period started');
    if (this.settings.callDropGraceMs === 0) await this.sweep();
  }

  /**
   * A device connected: a callee's new device rings too; a dropped party's call device back means
   * the call goes on. `connectedAt` (the gateway's time, once the device could receive): a device
   * that was there before the call began already rang with the offer, so it is not rung again —
   * this is what keeps a redelivered command (a call service killed before it committed) from
   * ringing twice; nor is a call whose ringing has timed out.
   */
  async deviceConnected(userId: string, deviceId: string, connectedAt?: number): Promise<void> {
    const call = await this.calls.ofUser(userId);
    if (call?.phase === 'ringing' && call.calleeId === userId && call.offer && this.ringsAgain(call, connectedAt))
      await this.notify.toDevice(userId, deviceId, call.offer);
    if (call?.dropped?.userId !== userId || !this.isCallDevice(call, userId, deviceId)) return;
    const { dropped: _gone, ...rest } = call;
    if (await this.calls.update({ ...rest, version: call.version + 1 }))
      this.logger.info({ callId: call.callId, userId }, 'call device back within the grace period');
  }

  private ringsAgain(call: Call, connectedAt: number | undefined): boolean {
    return call.ringDeadline > this.clock.now() && (connectedAt === undefined || connectedAt >= call.createdAt);
  }

  private isCallDevice(call: Call, userId: string, deviceId: string): boolean {
    if (userId === call.callerId) return call.callerDeviceId === deviceId;
    return call.phase === 'active' && call.calleeDeviceId === deviceId;
  }

  private droppedNotice(call: Call, droppedId: string, otherId: string, now: number): ImMessage {
    return serverMessage({
      msgId: `161-${call.callId}`,
      messageType: MessageType.CALL_DROPPED,
      from: { id: droppedId, type: 'PERSON' },
      destId: otherId,
      content: '',
      at: now,
    });
  }
}
