import type { ImMessage } from '@im/protocol';

/**
 * Shared chatroom state: who is in which room (for the member count and the size limit), the
 * recent-history window, and per-user rate counters. The sockets themselves join Socket.IO rooms
 * (`chatroom:<id>`), which the adapter shares between gateways; this port only counts and
 * remembers. Embedded: in memory. Cluster: Redis, so every gateway sees the same numbers.
 */
export interface ChatroomStore {
  /**
   * Adds `memberId` (a socket id) to the room unless the room already holds `maxMembers`.
   * Entering twice is harmless and still succeeds. `members` is the count afterwards.
   */
  enter(roomId: string, memberId: string, maxMembers: number): Promise<{ entered: boolean; members: number }>;
  /** Removes a member; removing one that is not there is harmless. Resolves with the count afterwards. */
  leave(roomId: string, memberId: string): Promise<{ members: number }>;
  members(roomId: string): Promise<number>;
  /**
   * Keeps this gateway's memberships alive. Cluster: a membership not refreshed within the TTL
   * stops counting, so the sockets of a gateway that died without cleaning up fall out of the count.
   */
  refresh(memberships: readonly { roomId: string; memberId: string }[]): Promise<void>;
  /** Appends a message to the room's history, keeping only the last `keep` (0 keeps nothing). */
  remember(roomId: string, message: ImMessage, keep: number): Promise<void>;
  /** The last `limit` messages of the room, oldest first. */
  recent(roomId: string, limit: number): Promise<ImMessage[]>;
  /** Counts one hit on `key` in the current fixed window of `windowMs`; resolves with the hits so far in it. */
  hit(key: string, windowMs: number): Promise<number>;
  close(): Promise<void>;
}
