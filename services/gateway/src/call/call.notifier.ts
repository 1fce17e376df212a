import { Topics } from '@im/bus';
import type { Bus, ChatRecord } from '@im/bus';
import type { Clock } from '@im/common';
import { MessageType, directConversationId, groupConversationId } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { Call, MultiCall } from '@im/realtime';
import type { Server } from 'socket.io';

/** How a call ended, as recorded in its 162. */
export type CallOutcome = 'completed' | 'missed' | 'refused' | 'busy' | 'cancelled' | 'dropped';

/** The device id the 162 records carry: no real device has it, so every device of both parties gets the record. */
const RECORD_DEVICE = 'call-service';

/**
 * The call's downlinks. Live signals go through the Socket.IO adapter to `user:<id>` (every
 * device: ringing) or `device:<id>:<device>` (the one device in the call), on whichever gateway
 * holds it. The end of every call is one 162 published to the message topic, so the message
 * service stores it in the conversation and delivers it to both parties like any message.
 */
export class CallNotifier {
  constructor(
    private readonly io: Server,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  /** Every device of the user, except `exceptDeviceId`. */
  toUser(userId: string, message: ImMessage, exceptDeviceId?: string): void {
    const room = this.io.to(`user:${userId}`);
    (exceptDeviceId === undefined ? room : room.except(`device:${userId}:${exceptDeviceId}`)).emit('chat', message);
  }

  /** Every device of each user, except one device. */
  toUsers(userIds: readonly string[], message: ImMessage, except?: { userId: string; deviceId: string }): void {
    if (userIds.length === 0) return;
    const rooms = this.io.to(userIds.map((u) => `user:${u}`));
    (except === undefined ? rooms : rooms.except(`device:${except.userId}:${except.deviceId}`)).emit('chat', message);
  }

  /** One device per user (the devices in a multi-party call). */
  toDevices(devices: readonly [userId: string, deviceId: string][], message: ImMessage): void {
    if (devices.length === 0) return;
    this.io.to(devices.map(([u, d]) => `device:${u}:${d}`)).emit('chat', message);
  }

  toDevice(userId: string, deviceId: string, message: ImMessage): void {
    this.io.to(`device:${userId}:${deviceId}`).emit('chat', message);
  }

  /** The other party of a call: its call device once known, else every device (still ringing). */
  toOther(call: Call, senderId: string, message: ImMessage): void {
    if (senderId === call.calleeId) return this.toDevice(call.callerId, call.callerDeviceId, message);
    if (call.calleeDeviceId !== undefined) return this.toDevice(call.calleeId, call.calleeDeviceId, message);
    return this.toUser(call.calleeId, message);
  }

  /** Stores the call's one 162 (idempotent by msgId `162-<callId>`). */
  async record(call: Call, outcome: CallOutcome): Promise<void> {
    const endedAt = this.clock.now();
    const duration = call.acceptedAt === undefined || outcome === 'refused' ? 0 : Math.round((endedAt - call.acceptedAt) / 1000);
    const conversationId = directConversationId(call.callerId, call.calleeId);
    const message: ImMessage & { sendTime: number } = {
      msgId: `162-${call.callId}`,
      fromId: call.callerId,
      fromType: 1,
      destId: call.calleeId,
      fromName: call.callerName,
      imageIconUrl: call.callerIcon,
      content: { callId: call.callId, kind: call.kind, callerId: call.callerId, calleeId: call.calleeId, outcome, duration, startedAt: call.createdAt, endedAt },
      messageType: MessageType.CALL_ENDED,
      sendTime: endedAt,
    };
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
    const message: ImMessage & { sendTime: number } = {
      msgId: `162-${call.callId}`,
      fromId: call.initiatorId,
      fromType: 2,
      destId: call.groupId,
      fromName: '',
      imageIconUrl: '',
      content,
      messageType: MessageType.CALL_ENDED,
      sendTime: endedAt,
    };
    await this.bus.publish(Topics.MESSAGES, conversationId, { kind: 'chat', conversationId, message, senderDeviceId: RECORD_DEVICE });
  }
}
