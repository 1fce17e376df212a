import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '@im/common';
import { MessageType } from '@im/protocol';
import type { ImMessage, MessageTypeNumber } from '@im/protocol';
import type { DeliveryPort, DeviceSession, OnceStore, Presence } from '@im/realtime';
import type { Store } from '@im/store';
import type { Server } from 'socket.io';

export type MultiDevicePolicy = 'per-devtype' | 'many' | 'single';

export interface PresenceNotifierDeps {
  readonly store: Store;
  readonly presence: Presence;
  readonly delivery: DeliveryPort;
  readonly once: OnceStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly debounceMs: number;
}

/**
 * Tells a user's online friends when the user's first device connects (5) and the last one
 * disconnects (6), debounced: the "left" mark lives `debounceMs` in the shared once-store, so a
 * reconnect within the window (on any gateway) announces nothing, and the 6 goes out only if
 * no session of the user exists anywhere when the window ends.
 */
export class PresenceNotifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly d: PresenceNotifierDeps) {}

  async online(userId: string): Promise<void> {
    // A probe of 1 ms: it reads the "left" mark without leaving one of its own that matters.
    const leftRecently = await this.d.once.putIfAbsent(this.leftKey(userId), 'probe', 1);
    if (leftRecently !== undefined && leftRecently !== 'probe') return;
    await this.tellFriends(userId, MessageType.FRIEND_ONLINE);
  }

  async offline(userId: string): Promise<void> {
    if (this.closed) return;
    await this.d.once.putIfAbsent(this.leftKey(userId), String(this.d.clock.now()), this.d.debounceMs);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      void this.offlineIfStillGone(userId).catch((err: unknown) => this.d.logger.warn({ err, userId }, 'offline notice failed'));
    }, this.d.debounceMs);
    timer.unref();
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async offlineIfStillGone(userId: string): Promise<void> {
    if ((await this.d.presence.sessionsOf(userId)).length > 0) return;
    await this.tellFriends(userId, MessageType.FRIEND_OFFLINE);
  }

  private leftKey(userId: string): string {
    return `presence-left:${userId}`;
  }

  private async tellFriends(userId: string, type: MessageTypeNumber): Promise<void> {
    const friends = await this.d.store.relations.friends(userId);
    if (friends.length === 0) return;
    const online = await this.d.presence.onlineAmong(friends);
    const now = this.d.clock.now();
    await Promise.all(
      [...online].map((friendId) => {
        const message: ImMessage = { msgId: randomUUID(), messageType: type, fromId: userId, fromType: 1, destId: friendId, fromName: '', imageIconUrl: '', content: '', sendTime: now };
        return this.d.delivery.send([friendId], { kind: 'live', message });
      }),
    );
  }
}

/**
 * The sessions a new one replaces under the policy: `per-devtype` the older ones with the same
 * declared devType (a connection without devType replaces none), `single` every older one.
 * "Older" breaks ties by socket id, so two simultaneous logins do not replace each other.
 */
export function sessionsToReplace(policy: MultiDevicePolicy, mine: DeviceSession, sessions: readonly DeviceSession[]): DeviceSession[] {
  if (policy === 'many') return [];
  const older = (s: DeviceSession): boolean => s.connectedAt < mine.connectedAt || (s.connectedAt === mine.connectedAt && s.socketId < mine.socketId);
  return sessions.filter((s) => {
    if (s.socketId === mine.socketId || !older(s)) return false;
    if (policy === 'single') return true;
    return mine.devType !== undefined && s.devType === mine.devType;
  });
}

/**
 * Closes a replaced session wherever it is: the Socket.IO adapter reaches the socket's own room
 * on every gateway. It first gets 15 (live, not stored) and the `kicked` event.
 */
export function kickSession(io: Server, session: DeviceSession, now: number): void {
  const reason = 'logged in on another device';
  const message: ImMessage = {
    msgId: randomUUID(),
    messageType: MessageType.KICKED_OFFLINE,
    fromId: 'server',
    fromType: 3,
    destId: session.userId,
    fromName: '',
    imageIconUrl: '',
    content: reason,
    sendTime: now,
  };
  io.to(session.socketId).emit('chat', message);
  io.to(session.socketId).emit('kicked', { reason });
  io.in(session.socketId).disconnectSockets(true);
}
