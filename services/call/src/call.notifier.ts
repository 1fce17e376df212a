import { Topics } from '@im/bus';
import type { Bus, ChatRecord } from '@im/bus';
import type { Clock } from '@im/common';
import { MessageType, directConversationId, groupConversationId, serverMessage } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { Call, DeliveryPort, MultiCall, PushNotifier } from '@im/realtime';

/** How a call ended, as recorded in its 162. */
export type CallOutcome = 'completed' | 'missed' | 'refused' | 'busy' | 'cancelled' | 'dropped';

/** The device id the 162 records carry: no real device has it, so every device of both parties gets the record. */
const RECORD_DEVICE = 'call-service';

/**
 * The call's downlinks, through the DeliveryPort like every service's notices: a live delivery
 * to every device of a user (ringing), all but one device, or one device (the device in the
 * call), on whichever gateway holds it. The end of every call is one 162 published to the
 * message topic, so the message service stores it in the conversation and delivers it to both
 * parties like any message.
 */
export class CallNotifier {
  constructor(
    private readonly delivery: DeliveryPort,
    private readonly bus: Bus,
    private readonly clock: Clock,
    /** Pushes a ringing call to the callee's offline devices; absent: no push. */
    private readonly push?: PushNotifier,
  ) {}

  /**
   * The ring's push, at once and high priority, to the callee's devices with a push token and no
   * socket open. Its collapse key `call:<callId>` is the one of the call's 162 (pushed by the
   * message service when the call is missed or cancelled), so the phone replaces the ring with it.
   */
  async ringPush(call: Call, offer: ImMessage): Promise<void> {
    await this.push?.live(directConversationId(call.callerId, call.calleeId), offer, [call.calleeId], {
      collapseKey: `call:${call.callId}`,
    });
  }

  /** Every device of the user, except `exceptDeviceId`. */
  async toUser(userId: string, message: ImMessage, exceptDeviceId?: string): Promise<void> {
    await this.delivery.send(
      [userId],
      exceptDeviceId === undefined ? { kind: 'live', message } : { kind: 'live', message, exceptDeviceId },
    );
  }

  /** Every device of each user, except one device. */
  async toUsers(
    userIds: readonly string[],
    message: ImMessage,
    except?: { userId: string; deviceId: string },
  ): Promise<void> {
    const all = except === undefined ? userIds : userIds.filter((u) => u !== except.userId);
    if (all.length > 0) await this.delivery.send(all, { kind: 'live', message });
    if (except !== undefined && userIds.includes(except.userId))
      await this.toUser(except.userId, message, except.deviceId);
  }

  /** One device per user (the devices in a multi-party call). */
  async toDevices(devices: readonly [userId: string, deviceId: string][], message: ImMessage): Promise<void> {
    for (const [userId, deviceId] of devices) await this.toDevice(userId, deviceId, message);
  }

  async toDevice(userId: string, deviceId: string, message: ImMessage): Promise<void> {
    await this.delivery.send([userId], { kind: 'live', message, deviceId });
  }

  /** The other party of a call: its call device once known, else every device (still ringing). */
  toOther(call: Call, senderId: string, message: ImMessage): Promise<void> {
    if (senderId === call.calleeId) return this.toDevice(call.callerId, call.callerDeviceId, message);
    if (call.calleeDeviceId !== undefined) return this.toDevice(call.calleeId, call.calleeDeviceId, message);
    return this.toUser(call.calleeId, message);
  }

  /** Stores the call's one 162 (idempotent by msgId `162-<callId>`). */
  async record(call: Call, outcome: CallOutcome): Promise<void> {
    const endedAt = this.clock.now();
    const duration =
      call.acceptedAt === undefined || outcome === 'refused' ? 0 : Math.round((endedAt - call.acceptedAt) / 1000);
    const conversationId = directConversationId(call.callerId, call.calleeId);
    const content = {
      callId: call.callId,
      kind: call.kind,
      callerId: call.callerId,
      calleeId: call.calleeId,
      outcome,
      duration,
      startedAt: call.createdAt,
      endedAt,
    };
    const from = { id: call.callerId, type: 'PERSON' as const, name: call.callerName, iconUrl: call.callerIcon };
    const message = serverMessage({
      msgId: `162-${call.callId}`,
      messageType: MessageType.CALL_ENDED,
      from,
      destId: call.calleeId,
      content,
      at: endedAt,
    });
    const record: ChatRecord = { kind: 'chat', conversationId, message, senderDeviceId: RECORD_DEVICE };
    await this.bus.publish(Topics.MESSAGES, conversationId, record);
  }

  /** Stores a multi-party call's 162 in the group conversation (idempotent by msgId). */
  async recordMulti(call: MultiCall): Promise<void> {
    const endedAt = this.clock.now();
    const conversationId = groupConversationId(call.groupId);
    const content = {
      callId: call.callId,
      kind: call.media,
      callerId: call.initiatorId,
      outcome: 'completed',
      duration: Math.round((endedAt - call.createdAt) / 1000),
      participants: call.everJoined.length,
      startedAt: call.createdAt,
      endedAt,
    };
    const message = serverMessage({
      msgId: `162-${call.callId}`,
      messageType: MessageType.CALL_ENDED,
      from: { id: call.initiatorId, type: 'GROUP' },
      destId: call.groupId,
      content,
      at: endedAt,
    });
    await this.bus.publish(Topics.MESSAGES, conversationId, {
      kind: 'chat',
      conversationId,
      message,
      senderDeviceId: RECORD_DEVICE,
    });
  }
}
