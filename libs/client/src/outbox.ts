import { backoffDelay, sleep } from './backoff';
import type { BackoffOptions } from './backoff';
import { ImClientError, RETRYABLE_CODES } from './errors';
import type { OutboxEntry } from './storage';

/** The server's acknowledgement of a send. */
export interface AckAnswer {
  readonly code: number;
  readonly msgId?: string;
  readonly serverTime?: number;
  readonly error?: string;
  /** Chatroom enter: how many are in the room. */
  readonly members?: number;
}

/** What `send` resolves with: the message was accepted (durable) by the server. */
export interface SendResult {
  readonly msgId: string;
  readonly serverTime: number;
  /** Chatroom enter / leave: members in the room. */
  readonly members?: number;
}

/** A send that will be tried again after a back-off (42901, 50301). */
export interface RetryEvent {
  readonly msgId: string;
  readonly code: number;
  readonly delayMs: number;
}

export interface OutboxOptions {
  /** Emits on the socket; `answer` gets the acknowledgement, or an Error when none came in time. */
  readonly emit: (entry: OutboxEntry, answer: (a: AckAnswer | Error) => void) => void;
  readonly persist: (entry: OutboxEntry) => void;
  readonly forget: (msgId: string) => void;
  readonly sent: (result: SendResult, entry: OutboxEntry) => void;
  readonly failed: (error: ImClientError) => void;
  readonly retry: (event: RetryEvent) => void;
  /** Most messages awaiting an acknowledgement at once (default 32: below the server's default burst of 40). */
  readonly maxInFlight?: number;
  readonly backoff?: BackoffOptions;
}

interface Slot {
  readonly entry: OutboxEntry;
  state: 'pending' | 'in-flight';
  /** Which emission an answer belongs to: answers of an older one are ignored. */
  emission: number;
  readonly settle?: { resolve: (r: SendResult) => void; reject: (e: Error) => void };
}

/**
 * The uplink side. Every message is kept (and persisted) until the server acknowledges it, and
 * is emitted again with the same msgId after a reconnect or an acknowledgement timeout: the
 * server stores a msgId once and answers a repeat as the first time. 42901 (rate limited) and
 * 50301 (unavailable) pause the whole outbox for a jittered, growing back-off and then retry;
 * every other error rejects the send with the registry's code and name.
 */
export class Outbox {
  private readonly slots = new Map<string, Slot>();
  private online = false;
  private inFlight = 0;
  private emissions = 0;
  private throttled = 0;
  /** The last emission made before the latest back-off began. */
  private pausedAtEmission = 0;
  private pause: { cancel: () => void } | undefined;

  constructor(private readonly o: OutboxOptions) {}

  get size(): number {
    return this.slots.size;
  }

  has(msgId: string): boolean {
    return this.slots.has(msgId);
  }

  /** Entries left by an earlier session: sent again, their answers reported as events only. */
  restore(entries: readonly OutboxEntry[]): void {
    for (const entry of [...entries].sort((a, b) => a.queuedAt - b.queuedAt))
      if (!this.slots.has(entry.msgId)) this.slots.set(entry.msgId, { entry, state: 'pending', emission: 0 });
    this.pump();
  }

  add(entry: OutboxEntry): Promise<SendResult> {
    const existing = this.slots.get(entry.msgId);
    if (existing) return Promise.reject(new Error(`msgId ${entry.msgId} is already waiting in the outbox`));
    return new Promise<SendResult>((resolve, reject) => {
      this.slots.set(entry.msgId, { entry, state: 'pending', emission: 0, settle: { resolve, reject } });
      this.o.persist(entry);
      this.pump();
    });
  }

  /** Connected and past type 1: send. Disconnected: everything in flight goes back to waiting. */
  setOnline(online: boolean): void {
    this.online = online;
    if (!online) {
      for (const slot of this.slots.values()) {
        if (slot.state === 'in-flight') slot.state = 'pending';
        slot.emission = 0;
      }
      this.inFlight = 0;
    }
    this.pump();
  }

  /** Stops: unanswered sends reject (they stay in storage and are sent by the next session). */
  close(): void {
    this.online = false;
    this.pause?.cancel();
    for (const slot of this.slots.values())
      slot.settle?.reject(
        new Error(`the client was closed before the server acknowledged ${slot.entry.msgId}; it stays in the outbox`),
      );
    this.slots.clear();
  }

  private pump(): void {
    if (!this.online || this.pause) return;
    const max = this.o.maxInFlight ?? 32;
    for (const slot of this.slots.values()) {
      if (this.inFlight >= max) return;
      if (slot.state !== 'pending') continue;
      slot.state = 'in-flight';
      slot.emission = ++this.emissions;
      this.inFlight++;
      const emission = slot.emission;
      this.o.emit(slot.entry, (answer) => this.answered(slot, emission, answer));
    }
  }

  private answered(slot: Slot, emission: number, answer: AckAnswer | Error): void {
    if (slot.emission !== emission || this.slots.get(slot.entry.msgId) !== slot) return;
    slot.emission = 0;
    slot.state = 'pending';
    this.inFlight--;
    if (answer instanceof Error || typeof answer?.code !== 'number') {
      // No answer in time: the same msgId goes again (the server answers a repeat like the first).
      this.pump();
      return;
    }
    const msgId = slot.entry.msgId;
    if (answer.code === 0) {
      this.throttled = 0;
      this.slots.delete(msgId);
      this.o.forget(msgId);
      const result: SendResult = {
        msgId,
        serverTime: answer.serverTime ?? Date.now(),
        ...(answer.members === undefined ? {} : { members: answer.members }),
      };
      slot.settle?.resolve(result);
      this.o.sent(result, slot.entry);
      this.pump();
      return;
    }
    if (RETRYABLE_CODES.has(answer.code)) {
      // One back-off per burst: answers to what was already on its way when the last pause began
      // neither lengthen it nor start another.
      const fresh = emission > this.pausedAtEmission;
      const delayMs = fresh ? backoffDelay(this.throttled++, this.o.backoff) : 0;
      this.o.retry({ msgId, code: answer.code, delayMs });
      if (fresh) {
        this.pausedAtEmission = this.emissions;
        this.holdFor(delayMs);
      } else this.pump();
      return;
    }
    this.slots.delete(msgId);
    this.o.forget(msgId);
    const error = ImClientError.fromAnswer(answer.code, answer.error, msgId);
    slot.settle?.reject(error);
    this.o.failed(error);
    this.pump();
  }

  /** Sends nothing new for `ms` (what is in flight still gets its answers). */
  private holdFor(ms: number): void {
    if (this.pause) return;
    const wait = sleep(ms);
    this.pause = wait;
    void wait.promise.then((elapsed) => {
      if (this.pause !== wait) return;
      this.pause = undefined;
      if (elapsed) this.pump();
    });
  }
}
