import type { DeviceSession, OnceStore, Presence } from '../presence.port';
import type { Clock } from '@im/common';
import { systemClock } from '@im/common';

/** Presence of a single process (embedded mode): nothing to expire, the process is the gateway. */
export class MemoryPresence implements Presence {
  private readonly byUser = new Map<string, Map<string, DeviceSession>>();

  add(session: DeviceSession): Promise<{ firstForUser: boolean }> {
    let sessions = this.byUser.get(session.userId);
    const firstForUser = sessions === undefined || sessions.size === 0;
    if (!sessions) {
      sessions = new Map();
      this.byUser.set(session.userId, sessions);
    }
    sessions.set(session.socketId, session);
    return Promise.resolve({ firstForUser });
  }

  remove(session: Pick<DeviceSession, 'userId' | 'socketId'>): Promise<{ lastForUser: boolean }> {
    const sessions = this.byUser.get(session.userId);
    if (!sessions || !sessions.delete(session.socketId)) return Promise.resolve({ lastForUser: false });
    if (sessions.size === 0) this.byUser.delete(session.userId);
    return Promise.resolve({ lastForUser: sessions.size === 0 });
  }

  sessionsOf(userId: string): Promise<DeviceSession[]> {
    return Promise.resolve([...(this.byUser.get(userId)?.values() ?? [])]);
  }

  onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(userIds.filter((u) => (this.byUser.get(u)?.size ?? 0) > 0)));
  }

  gatewaysOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const u of userIds) {
      const sessions = this.byUser.get(u);
      if (sessions && sessions.size > 0) out.set(u, [...new Set([...sessions.values()].map((s) => s.gatewayId))]);
    }
    return Promise.resolve(out);
  }

  onlineUsers(): Promise<string[]> {
    return Promise.resolve([...this.byUser.keys()]);
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  /** One process: when the gateway dies, so does everything. */
  deadGateways(): Promise<{ gatewayId: string; userIds: string[] }[]> {
    return Promise.resolve([]);
  }

  forgetGateway(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.byUser.clear();
    return Promise.resolve();
  }
}

export class MemoryOnceStore implements OnceStore {
  readonly durable = false;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  putIfAbsent(key: string, value: string, ttlMs: number): Promise<string | undefined> {
    const now = this.clock.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return Promise.resolve(hit.value);
    if (this.entries.size > 100_000) this.sweep(now);
    this.entries.set(key, { value, expiresAt: now + ttlMs });
    return Promise.resolve(undefined);
  }

  take(key: string): Promise<string | undefined> {
    const hit = this.entries.get(key);
    this.entries.delete(key);
    return Promise.resolve(hit && hit.expiresAt > this.clock.now() ? hit.value : undefined);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    const now = this.clock.now();
    if (this.entries.size > 100_000) this.sweep(now);
    this.entries.set(key, { value, expiresAt: now + ttlMs });
    return Promise.resolve();
  }

  get(key: string): Promise<string | undefined> {
    const hit = this.entries.get(key);
    return Promise.resolve(hit && hit.expiresAt > this.clock.now() ? hit.value : undefined);
  }

  private sweep(now: number): void {
    for (const [k, v] of this.entries) if (v.expiresAt <= now) this.entries.delete(k);
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
