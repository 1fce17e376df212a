import type { Call, CallStore } from '../call-store.port';
import { callDeadline } from '../call-store.port';

/** Calls of a single process (embedded mode). */
export class MemoryCallStore implements CallStore {
  private readonly calls = new Map<string, Call>();
  private readonly byUser = new Map<string, string>();

  create(call: Call): Promise<{ ok: true } | { ok: false; busy: string }> {
    for (const party of [call.callerId, call.calleeId]) {
      if (this.byUser.has(party)) return Promise.resolve({ ok: false, busy: party });
    }
    this.calls.set(call.callId, call);
    this.byUser.set(call.callerId, call.callId);
    this.byUser.set(call.calleeId, call.callId);
    return Promise.resolve({ ok: true });
  }

  get(callId: string): Promise<Call | undefined> {
    return Promise.resolve(this.calls.get(callId));
  }

  ofUser(userId: string): Promise<Call | undefined> {
    const id = this.byUser.get(userId);
    return Promise.resolve(id === undefined ? undefined : this.calls.get(id));
  }

  update(next: Call): Promise<boolean> {
    const current = this.calls.get(next.callId);
    if (current?.version !== next.version - 1) return Promise.resolve(false);
    this.calls.set(next.callId, next);
    return Promise.resolve(true);
  }

  end(callId: string, version: number): Promise<boolean> {
    const current = this.calls.get(callId);
    if (current?.version !== version) return Promise.resolve(false);
    this.calls.delete(callId);
    for (const party of [current.callerId, current.calleeId]) {
      if (this.byUser.get(party) === callId) this.byUser.delete(party);
    }
    return Promise.resolve(true);
  }

  due(now: number): Promise<string[]> {
    const ids: string[] = [];
    for (const call of this.calls.values()) {
      const deadline = callDeadline(call);
      if (deadline !== undefined && deadline <= now) ids.push(call.callId);
    }
    return Promise.resolve(ids);
  }

  close(): Promise<void> {
    this.calls.clear();
    this.byUser.clear();
    return Promise.resolve();
  }
}
