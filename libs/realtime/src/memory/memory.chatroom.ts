import type { Clock } from '@im/common';
import { systemClock } from '@im/common';
import type { ImMessage } from '@im/protocol';
import type { ChatroomStore } from '../chatroom.port';

/** Chatrooms of a single process (embedded mode): the process is the only gateway, so nothing expires. */
export class MemoryChatroomStore implements ChatroomStore {
  private readonly rooms = new Map<string, Set<string>>();
  private readonly history = new Map<string, ImMessage[]>();
  private readonly counters = new Map<string, { window: number; hits: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  enter(roomId: string, memberId: string, maxMembers: number): Promise<{ entered: boolean; members: number }> {
    const room = this.rooms.get(roomId) ?? new Set<string>();
    if (!room.has(memberId) && room.size >= maxMembers) return Promise.resolve({ entered: false, members: room.size });
    room.add(memberId);
    this.rooms.set(roomId, room);
    return Promise.resolve({ entered: true, members: room.size });
  }

  leave(roomId: string, memberId: string): Promise<{ members: number }> {
    const room = this.rooms.get(roomId);
    room?.delete(memberId);
    if (room?.size === 0) {
      this.rooms.delete(roomId);
      this.history.delete(roomId);
    }
    return Promise.resolve({ members: room?.size ?? 0 });
  }

  members(roomId: string): Promise<number> {
    return Promise.resolve(this.rooms.get(roomId)?.size ?? 0);
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  remember(roomId: string, message: ImMessage, keep: number): Promise<void> {
    if (keep <= 0) return Promise.resolve();
    const list = this.history.get(roomId) ?? [];
    list.push(message);
    if (list.length > keep) list.splice(0, list.length - keep);
    this.history.set(roomId, list);
    return Promise.resolve();
  }

  recent(roomId: string, limit: number): Promise<ImMessage[]> {
    if (limit <= 0) return Promise.resolve([]);
    return Promise.resolve((this.history.get(roomId) ?? []).slice(-limit));
  }

  hit(key: string, windowMs: number): Promise<number> {
    const window = Math.floor(this.clock.now() / windowMs);
    const c = this.counters.get(key);
    if (c?.window === window) {
      c.hits += 1;
      return Promise.resolve(c.hits);
    }
    if (this.counters.size > 100_000) this.counters.clear();
    this.counters.set(key, { window, hits: 1 });
    return Promise.resolve(1);
  }

  close(): Promise<void> {
    this.rooms.clear();
    this.history.clear();
    this.counters.clear();
    return Promise.resolve();
  }
}
