import type { MultiCall, MultiCallStore } from '../multi-call-store.port';

/** Multi-party calls of a single process (embedded mode). */
export class MemoryMultiCallStore implements MultiCallStore {
  private readonly calls = new Map<string, MultiCall>();

  create(call: MultiCall): Promise<boolean> {
    if (this.calls.has(call.groupId)) return Promise.resolve(false);
    this.calls.set(call.groupId, call);
    return Promise.resolve(true);
  }

  ofGroup(groupId: string): Promise<MultiCall | undefined> {
    return Promise.resolve(this.calls.get(groupId));
  }

  update(next: MultiCall): Promise<boolean> {
    if (this.calls.get(next.groupId)?.version !== next.version - 1) return Promise.resolve(false);
    this.calls.set(next.groupId, next);
    return Promise.resolve(true);
  }

  end(groupId: string, version: number): Promise<boolean> {
    if (this.calls.get(groupId)?.version !== version) return Promise.resolve(false);
    this.calls.delete(groupId);
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.calls.clear();
    return Promise.resolve();
  }
}
