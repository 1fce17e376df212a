import type { ImMessage } from '@im/protocol';
import { backoffDelay, sleep } from './backoff';
import type { BackoffOptions } from './backoff';
import { BoundedSet } from './bounded-set';
import { trackedConversation } from './conversation-key';
import type { TrackedConversation } from './conversation-key';
import { ImClientError } from './errors';

/** One page of `GET /v1/messages` walking forward. */
export interface ForwardPage {
  readonly messages: ImMessage[];
  readonly hasMore: boolean;
  readonly nextAfterSeq?: number;
}

/** A seq jump the inbox could not fill (the history refused: not a member any more, …). */
export interface GapEvent {
  readonly conversationId: string;
  readonly afterSeq: number;
  readonly beforeSeq: number;
  readonly error: unknown;
}

export interface InboxOptions {
  /** The user of this session (known once `ready` arrived). */
  readonly me: () => string;
  /** The history between two seqs, exclusive, oldest first. */
  readonly history: (
    c: TrackedConversation,
    afterSeq: number,
    beforeSeq: number,
    signal: AbortSignal,
  ) => Promise<ForwardPage>;
  /** Hands a message to the app. */
  readonly deliver: (m: ImMessage) => void;
  /** A message this client sent itself (the server does not send those back to it; history has them). */
  readonly sentHere: (msgId: string) => boolean;
  readonly seqsChanged: (seqs: Record<string, number>) => void;
  readonly gap: (g: GapEvent) => void;
  readonly backoff?: BackoffOptions;
  /** How many msgIds to remember for dedupe (default 20 000). */
  readonly seenCapacity?: number;
}

type Ack = (() => void) | undefined;

/**
 * The downlink side. One queue for every downlink, handled in arrival order: a repeat (msgId
 * seen, or a seq at or below the conversation's last) is acknowledged and dropped; a seq jump in
 * a tracked conversation is filled from `GET /v1/messages` before the message that revealed it;
 * each message is acknowledged after the app's handlers ran. A disconnect drops what is still
 * queued without acknowledging it: the server sends it again after the next type 1.
 */
export class Inbox {
  private readonly seen: BoundedSet;
  private readonly seqs = new Map<string, number>();
  private queue: { m: ImMessage; ack: Ack; generation: number }[] = [];
  private running = false;
  private generation = 0;
  private pendingSleep: { cancel: () => void } | undefined;
  /** Conversations that have had a message on this connection. */
  private live = new Set<string>();
  /**
   * Per conversation: this device's sends acknowledged on this connection and not yet seen in its
   * seqs, less those a history fill found before their acknowledgement came (then negative).
   */
  private readonly ownCredit = new Map<string, number>();
  /** Aborts the history call of this connection's fill when the connection goes. */
  private abort = new AbortController();

  constructor(private readonly o: InboxOptions) {
    this.seen = new BoundedSet(o.seenCapacity ?? 20_000);
  }

  /** The last seqs loaded from storage. */
  restore(seqs: Record<string, number>): void {
    for (const [id, seq] of Object.entries(seqs)) if (Number.isSafeInteger(seq)) this.seqs.set(id, seq);
  }

  lastSeqs(): Record<string, number> {
    return Object.fromEntries(this.seqs);
  }

  /** This device sent a message the server acknowledged: it takes a seq in `conversationId` that will not come back here. */
  sentOwn(conversationId: string): void {
    this.ownCredit.set(conversationId, (this.ownCredit.get(conversationId) ?? 0) + 1);
  }

  receive(m: ImMessage, ack: Ack): void {
    this.queue.push({ m, ack, generation: this.generation });
    if (!this.running) void this.run();
  }

  /** The connection is gone: what is queued will come again; a fill in progress stops. */
  reset(): void {
    this.generation++;
    this.queue = [];
    this.pendingSleep?.cancel();
    this.abort.abort();
    this.abort = new AbortController();
    this.live = new Set();
    this.ownCredit.clear();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        if (item.generation !== this.generation) continue;
        if (await this.handle(item.m, item.generation)) item.ack?.();
      }
    } finally {
      this.running = false;
    }
  }

  /** True when the message was dealt with (delivered or a repeat) and may be acknowledged. */
  private async handle(m: ImMessage, generation: number): Promise<boolean> {
    if (!m || typeof m.msgId !== 'string') return true;
    if (this.seen.has(m.msgId)) return true;
    const c = trackedConversation(m, this.o.me());
    if (c === undefined || m.seq === undefined) {
      this.seen.add(m.msgId);
      this.o.deliver(m);
      return true;
    }
    const last = this.seqs.get(c.id);
    if (last !== undefined && m.seq <= last) {
      this.seen.add(m.msgId);
      return true;
    }
    // The server's stream of one conversation to one device is gap-free within a connection but
    // for this device's own sends (never sent back) and untracked types; so after the first
    // message of a conversation on this connection, a jump that this device's own acknowledged
    // sends explain is not fetched. The first message (where sync may have cut history short) and
    // any other jump are filled from the history.
    const first = !this.live.has(c.id);
    this.live.add(c.id);
    if (last !== undefined && m.seq > last + 1) {
      const jump = m.seq - last - 1;
      const credit = this.ownCredit.get(c.id) ?? 0;
      if (!first && jump <= credit) this.ownCredit.set(c.id, credit - jump);
      else {
        const ownFilled = await this.fill(c, last, m.seq, generation);
        if (ownFilled === undefined) return false;
        // Exact: own sends the fill found use up their credits; one not acknowledged yet leaves a
        // debt its acknowledgement pays. The credits of own sends stored past this message (cluster
        // mode acknowledges before it stores) stay.
        this.ownCredit.set(c.id, credit - ownFilled);
      }
    }
    // After a reconnect (seqs known from before), own sends acknowledged before the first message
    // may be below it, where sync may also have cut history short: their credits go, and a later
    // jump is filled once. A fresh device keeps them: cluster mode acknowledges a send before it is
    // stored, so at the start most of them are above the first message, and dropping them made
    // every window of own sends a history call (the credits of sends stored below it only ever
    // explain a later jump of own sends, the one kind a connection's stream has).
    if (first && last !== undefined) this.ownCredit.delete(c.id);
    if (generation !== this.generation) return false;
    this.seen.add(m.msgId);
    this.o.deliver(m);
    this.advance(c.id, m.seq);
    return true;
  }

  /**
   * Delivers the history in (afterSeq, beforeSeq). Returns how many of its messages this client
   * sent itself, or undefined when the connection went away meanwhile.
   */
  private async fill(
    c: TrackedConversation,
    afterSeq: number,
    beforeSeq: number,
    generation: number,
  ): Promise<number | undefined> {
    let cursor = afterSeq;
    let own = 0;
    for (let attempt = 0; generation === this.generation;) {
      let page: ForwardPage;
      try {
        page = await this.o.history(c, cursor, beforeSeq, this.abort.signal);
      } catch (e) {
        if (e instanceof ImClientError && !isTransient(e)) {
          this.o.gap({ conversationId: c.id, afterSeq: cursor, beforeSeq, error: e });
          return own;
        }
        const wait = sleep(backoffDelay(attempt++, this.o.backoff));
        this.pendingSleep = wait;
        await wait.promise;
        continue;
      }
      if (generation !== this.generation) return undefined;
      attempt = 0;
      for (const m of page.messages) {
        if (typeof m.seq !== 'number' || m.seq <= cursor || m.seq >= beforeSeq) continue;
        cursor = m.seq;
        if (this.o.sentHere(m.msgId)) own++;
        else if (!this.seen.has(m.msgId)) this.o.deliver(m);
        this.seen.add(m.msgId);
        this.advance(c.id, m.seq);
      }
      if (!page.hasMore || page.messages.length === 0) return own;
      cursor = Math.max(cursor, page.nextAfterSeq ?? cursor);
    }
    return undefined;
  }

  private advance(id: string, seq: number): void {
    if ((this.seqs.get(id) ?? 0) >= seq) return;
    this.seqs.set(id, seq);
    this.o.seqsChanged(this.lastSeqs());
  }
}

function isTransient(e: ImClientError): boolean {
  return e.status === undefined || e.status >= 500 || e.status === 429 || e.status === 401;
}
