import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '@im/common';
import { MessageType, serverMessage } from '@im/protocol';
import type { ImMessage, MessageTypeNumber } from '@im/protocol';
import type { DeliveryPort, DeviceSession, OnceStore, Presence } from '@im/realtime';
import type { Store, UserProfile } from '@im/store';
import type { ImServer } from './socket.events';

/** How long the "told offline" mark lasts: a user offline longer than this may get a second 6 after a crash. */
const TOLD_TTL_MS = 7 * 24 * 3_600_000;

export type MultiDevicePolicy = 'per-devtype' | 'many' | 'single';

export interface PresenceNotifierDeps {
  readonly store: Store;
  readonly presence: Presence;
  readonly delivery: DeliveryPort;
  readonly once: OnceStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly debounceMs: number;
  /** Told of each dead gateway's users before its record is dropped; a failure keeps the record for the next sweep. */
  readonly onGatewayLost?: (gatewayId: string, userIds: readonly string[]) => Promise<void>;
}

/**
 * Tells a user's online friends when the user's first device connects (5) and the last one
 * disconnects (6), debounced through a "left" mark in the shared once-store:
 *
 * - the last disconnect leaves the mark (it outlives the window) and arms a timer of `debounceMs`;
 * - a first connect within the window takes the mark and announces nothing: friends never saw
 *   the user leave;
 * - when the timer fires and the user has no session anywhere, whoever takes the mark sends 6,
 *   so of several gateways' timers exactly one does; a later connect finds no mark and sends 5.
 *
 * The gateway serialises a user's connect and disconnect handling, so on one gateway the mark is
 * always written before a reconnect looks for it.
 *
 * A gateway that crashes runs no timer: its sessions lapse with its presence lease, and
 * `sweepCrashed` (every gateway runs it) sends 6 for each of its users left with no session. A
 * "told offline" mark in the once-store (set by whoever sends 6, taken by the next first connect)
 * makes that 6 go out once however many gateways sweep, and never after a debounced 6.
 */
export class PresenceNotifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly d: PresenceNotifierDeps) {}

  async online(userId: string): Promise<void> {
    await this.d.once.take(this.toldKey(userId));
    const leftRecently = await this.d.once.take(this.leftKey(userId));
    if (leftRecently !== undefined) return;
    await this.tellFriends(userId, MessageType.FRIEND_ONLINE);
  }

  /**
   * What a device is told after its type 1 (and its sync): a 5 from each friend online at that
   * moment, live and not stored, the same message a friend's first connect sends.
   */
  async onlineFriendsNotices(userId: string): Promise<ImMessage[]> {
    const friends = await this.d.store.relations.friends(userId);
    if (friends.length === 0) return [];
    const online = await this.d.presence.onlineAmong(friends);
    const now = this.d.clock.now();
    const profiles = new Map((await this.d.store.users.getMany([...online])).map((p) => [p.userId, p]));
    return [...online].map((friendId) =>
      presenceMessage(friendId, userId, MessageType.FRIEND_ONLINE, now, profiles.get(friendId)),
    );
  }

  async offline(userId: string): Promise<void> {
    if (this.closed) return;
    // The mark outlives the timer, so a reconnect just before the timer fires still finds it.
    await this.d.once.putIfAbsent(this.leftKey(userId), String(this.d.clock.now()), this.d.debounceMs * 2 + 5_000);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      void this.offlineIfStillGone(userId).catch((err: unknown) =>
        this.d.logger.warn({ err, userId }, 'offline notice failed'),
      );
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
    if ((await this.d.once.take(this.leftKey(userId))) === undefined) return;
    await this.tellOffline(userId);
  }

  /** Sends 6 unless friends were already told (by this path or a crash sweep) since the user's last first connect. */
  private async tellOffline(userId: string): Promise<boolean> {
    if ((await this.d.once.putIfAbsent(this.toldKey(userId), String(this.d.clock.now()), TOLD_TTL_MS)) !== undefined)
      return false;
    await this.tellFriends(userId, MessageType.FRIEND_OFFLINE);
    return true;
  }

  /**
   * For every gateway whose presence lease lapsed: 6 for each of its users who has no session
   * anywhere now (once, see above), then the gateway's record is dropped. Returns the users told.
   */
  async sweepCrashed(): Promise<string[]> {
    const told: string[] = [];
    for (const { gatewayId, userIds } of await this.d.presence.deadGateways()) {
      for (const userId of userIds) {
        if ((await this.d.presence.sessionsOf(userId)).length > 0) continue;
        if (await this.tellOffline(userId)) told.push(userId);
      }
      try {
        await this.d.onGatewayLost?.(gatewayId, userIds);
      } catch (err) {
        this.d.logger.warn(
          { err, gatewayId },
          'dead gateway: the call service was not told; retried at the next sweep',
        );
        continue;
      }
      await this.d.presence.forgetGateway(gatewayId);
      this.d.logger.info(
        { gatewayId, users: userIds.length, told: told.length },
        'dead gateway swept: offline notices sent',
      );
    }
    return told;
  }

  private toldKey(userId: string): string {
    return `presence-told-offline:${userId}`;
  }

  private leftKey(userId: string): string {
    return `presence-left:${userId}`;
  }

  private async tellFriends(userId: string, type: MessageTypeNumber): Promise<void> {
    const friends = await this.d.store.relations.friends(userId);
    if (friends.length === 0) return;
    const online = await this.d.presence.onlineAmong(friends);
    const now = this.d.clock.now();
    const profile = online.size > 0 ? await this.d.store.users.get(userId) : undefined;
    await Promise.all(
      [...online].map((friendId) =>
        this.d.delivery.send([friendId], {
          kind: 'live',
          message: presenceMessage(userId, friendId, type, now, profile),
        }),
      ),
    );
  }
}

/** A 5 or 6: `userId` came online or went offline, told to `toId` (live, never stored), named from the directory. */
function presenceMessage(
  userId: string,
  toId: string,
  type: MessageTypeNumber,
  at: number,
  profile: UserProfile | undefined,
): ImMessage {
  return serverMessage({
    msgId: randomUUID(),
    messageType: type,
    from: { id: userId, type: 'PERSON', name: profile?.name, iconUrl: profile?.avatar },
    destId: toId,
    content: '',
    at,
  });
}

/**
 * The sessions a new one replaces under the policy: `per-devtype` the older ones with the same
 * declared devType, and a connection that is its own device (neither deviceId nor devType) the
 * older such ones (a session whose device is not settled yet replaces none); `single` every older one.
 * "Older" breaks ties by socket id, so two simultaneous logins do not replace each other.
 */
export function sessionsToReplace(
  policy: MultiDevicePolicy,
  mine: DeviceSession,
  sessions: readonly DeviceSession[],
): DeviceSession[] {
  if (policy === 'many') return [];
  const older = (s: DeviceSession): boolean =>
    s.connectedAt < mine.connectedAt || (s.connectedAt === mine.connectedAt && s.socketId < mine.socketId);
  return sessions.filter((s) => {
    if (s.socketId === mine.socketId || !older(s)) return false;
    if (policy === 'single') return true;
    if (mine.devType !== undefined) return s.devType === mine.devType;
    // A connection that is its own device: the account logged in elsewhere, as the original had it.
    return mine.ownDevice === true && s.ownDevice === true;
  });
}

/**
 * Closes a replaced session wherever it is: the Socket.IO adapter reaches the socket's own room
 * on every gateway. It first gets 15 (live, not stored) and the `kicked` event.
 */
export function kickSession(io: ImServer, session: DeviceSession, now: number): void {
  const reason = 'logged in on another device';
  const message = serverMessage({
    msgId: randomUUID(),
    messageType: MessageType.KICKED_OFFLINE,
    from: { id: 'server', type: 'SYSTEM' },
    destId: session.userId,
    content: reason,
    at: now,
  });
  io.to(session.socketId).emit('chat', message);
  io.to(session.socketId).emit('kicked', { reason });
  io.in(session.socketId).disconnectSockets(true);
}
