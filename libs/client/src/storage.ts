import type { ImMessage } from '@im/protocol';

/** A message the outbox has not had acknowledged yet, as it is kept across reconnects and restarts. */
export interface OutboxEntry {
  readonly msgId: string;
  /** The Socket.IO event it travels on (`chat`, or `chatroom` for 100–102). */
  readonly event: 'chat' | 'chatroom';
  /** The message without `fromId` (filled from the session's user when sent). */
  readonly message: Omit<ImMessage, 'fromId'> & { fromId?: string };
  /** When `send` was called, ms since the epoch. */
  readonly queuedAt: number;
}

/**
 * Where the client keeps what must outlive a connection (and, with a persistent implementation,
 * the app): the unacknowledged outbox and the last seq seen per conversation. Memory by default;
 * `keyValueStorage` adapts React Native's AsyncStorage, `localStorage` or any async key-value store.
 * Calls are made one at a time, in order.
 */
export interface ClientStorage {
  loadOutbox(): Promise<OutboxEntry[]>;
  putOutbox(entry: OutboxEntry): Promise<void>;
  deleteOutbox(msgId: string): Promise<void>;
  /** conversation id (`p:a:b`, `g:<groupId>`) → last seq the app was given. */
  loadSeqs(): Promise<Record<string, number>>;
  putSeqs(seqs: Record<string, number>): Promise<void>;
}

/** The default: kept in this object only (survives reconnects; an app restart starts afresh). */
export class MemoryStorage implements ClientStorage {
  private readonly outbox = new Map<string, OutboxEntry>();
  private seqs: Record<string, number> = {};

  async loadOutbox(): Promise<OutboxEntry[]> {
    return [...this.outbox.values()];
  }
  async putOutbox(entry: OutboxEntry): Promise<void> {
    this.outbox.set(entry.msgId, entry);
  }
  async deleteOutbox(msgId: string): Promise<void> {
    this.outbox.delete(msgId);
  }
  async loadSeqs(): Promise<Record<string, number>> {
    return { ...this.seqs };
  }
  async putSeqs(seqs: Record<string, number>): Promise<void> {
    this.seqs = { ...seqs };
  }
}

/** The shape of React Native's AsyncStorage (and of `localStorage`, whose sync answers are awaited the same). */
export interface KeyValueStore {
  getItem(key: string): Promise<string | null> | string | null;
  setItem(key: string, value: string): Promise<void> | void;
  removeItem(key: string): Promise<void> | void;
}

/**
 * A ClientStorage on a key-value store: the outbox as one JSON list, the seqs as one JSON object,
 * under `<prefix>outbox` and `<prefix>seqs`. Use one prefix per signed-in user and device.
 */
export function keyValueStorage(store: KeyValueStore, prefix = 'im-client:'): ClientStorage {
  const outboxKey = `${prefix}outbox`;
  const seqsKey = `${prefix}seqs`;
  const read = async <T>(key: string, fallback: T): Promise<T> => {
    const raw = await store.getItem(key);
    if (raw === null || raw === undefined) return fallback;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return fallback;
    }
  };
  const outbox = (): Promise<OutboxEntry[]> => read<OutboxEntry[]>(outboxKey, []);
  return {
    loadOutbox: outbox,
    async putOutbox(entry) {
      const list = (await outbox()).filter((e) => e.msgId !== entry.msgId);
      await store.setItem(outboxKey, JSON.stringify([...list, entry]));
    },
    async deleteOutbox(msgId) {
      const list = await outbox();
      const kept = list.filter((e) => e.msgId !== msgId);
      if (kept.length === 0) await store.removeItem(outboxKey);
      else if (kept.length !== list.length) await store.setItem(outboxKey, JSON.stringify(kept));
    },
    loadSeqs: () => read<Record<string, number>>(seqsKey, {}),
    async putSeqs(seqs) {
      await store.setItem(seqsKey, JSON.stringify(seqs));
    },
  };
}

/** Runs storage calls one at a time, in the order they were asked for; a failed one is reported and skipped. */
export class StorageQueue {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly onError: (e: unknown) => void) {}

  run(task: () => Promise<void>): Promise<void> {
    const next = this.tail.then(task).catch((e: unknown) => this.onError(e));
    this.tail = next;
    return next;
  }

  /** Resolves once everything asked so far is done. */
  idle(): Promise<void> {
    return this.tail;
  }
}
