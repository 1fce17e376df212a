import { createHash } from 'node:crypto';
import { isTransientError } from '@im/common';
import type { Clock, Logger } from '@im/common';
import { MessageType, directConversationId, serverMessage, systemConversationId } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import { MessageStatus } from '@im/store';
import type { ConversationSummary, Store, StoredMessage } from '@im/store';
import type { CursorWriter } from './cursor-writer';

/** How a downlink reached the device: `live` as it happened, or `sync` (sent again after the device's type 1). */
export type DeliveryPath = 'live' | 'sync';

/** Sends one downlink and reports whether the device acknowledged it in time. */
export type Emitter = (message: ImMessage, onAck?: () => void, path?: DeliveryPath) => void;

export interface DeviceChannelOptions {
  readonly userId: string;
  readonly deviceId: string;
  readonly store: Store;
  /** Where acknowledged positions go: the gateway's writer, which writes them in bulk on a short timer. */
  readonly cursors: CursorWriter;
  readonly logger: Logger;
  readonly emit: Emitter;
  readonly syncMaxPerConversation: number;
  readonly clock: Clock;
  /** The first wait before a downlink that failed on an unreachable store is tried again (doubling to 2 s); default 100 ms. */
  readonly retryDelayMs?: number;
  /** The longest the stored copy of the device's own send waits for the answer to that send to leave (`sending`); default 5 s. */
  readonly answerWaitMs?: number;
}

interface ConversationState {
  /** Highest seq sent to (or sent by) this device on this connection. */
  lastSent: number;
  /** Seqs sent and not yet acknowledged, in the (increasing) order they were sent. */
  readonly pending: Set<number>;
  /** Highest cursor handed to the cursor writer. */
  persisted: number;
}

const PAGE = 200;
const MAX_RETRY_DELAY_MS = 2000;

/** Resolves when `p` does or after `ms`, whichever comes first. */
async function waitAtMost(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The cursor key under which a device keeps how far the peer's read receipts (33) reached it. */
const receiptsKey = (conversationId: string): string => `rr:${conversationId}`;

/** The other person of each of `userId`'s 1:1 conversations (a note to oneself has none). */
export function directPeers(
  summaries: readonly ConversationSummary[],
  userId: string,
): { conversationId: string; userId: string }[] {
  return summaries.flatMap((c) =>
    c.kind === 'direct' && c.peerId !== undefined && c.peerId !== userId
      ? [{ conversationId: c.conversationId, userId: c.peerId }]
      : [],
  );
}

/** The wire form of a stored message: a recalled one travels without its content. */
export function toWire(stored: StoredMessage): ImMessage {
  if (!stored.recalled) return stored.message;
  return { ...stored.message, content: '', status: MessageStatus.RECALLED };
}

/**
 * One device's downlink. Everything for the device runs through one queue, which waits until
 * the device says it is ready (type 1); then sync runs first and live messages follow, so the
 * device sees each conversation in seq order, once. The device's cursor per conversation moves
 * to the highest seq below which every message was acknowledged (or was its own).
 */
export class DeviceChannel {
  private ready = false;
  private closed = false;
  private running = false;
  private tasks: (() => Promise<void>)[] = [];
  private readonly conversations = new Map<string, ConversationState>();
  /** True while sync runs: what it sends is measured apart from live deliveries. */
  private syncing = false;
  /** This device's sends whose answer (ack) has not left yet, by msgId (`sending`). */
  private readonly unanswered = new Map<string, Promise<void>>();

  constructor(private readonly o: DeviceChannelOptions) {
    this.deviceIdNow = o.deviceId;
  }

  get userId(): string {
    return this.o.userId;
  }
  get deviceId(): string {
    return this.deviceIdNow;
  }

  private deviceIdNow: string;

  /** Settles the device (at type 1, before `start`): its cursor and "own message" test follow it. */
  setDevice(deviceId: string): void {
    if (this.ready) throw new Error('the device of a started channel cannot change');
    this.deviceIdNow = deviceId;
  }

  /** The device sent type 1: sync what it missed, then go live. */
  start(): void {
    this.tasks.unshift(() => this.sync());
    this.ready = true;
    this.drain();
  }

  /**
   * The device sent `msgId`; the returned function is called once the answer to it has been
   * emitted. Until then (`answerWaitMs` at most), the stored copy of that send holds the
   * device's later downlinks: a client tells the seqs its own sends took (never sent back to it)
   * from a gap by counting their acknowledgements, and a later message delivered before the
   * ack looked like a gap it filled from the history (in cluster mode the stored copy can beat
   * the ack, which waits for Kafka's answer to the gateway).
   */
  sending(msgId: string): () => void {
    let answered = (): void => undefined;
    const done = new Promise<void>((resolve) => (answered = resolve));
    this.unanswered.set(msgId, done);
    return () => {
      answered();
      if (this.unanswered.get(msgId) === done) this.unanswered.delete(msgId);
    };
  }

  pushStored(stored: StoredMessage): void {
    this.enqueue(() => this.deliverStored(stored));
  }

  pushLive(message: ImMessage): void {
    const receipt = this.peerReceipt(message);
    this.enqueue(async () =>
      receipt
        ? this.o.emit(message, () => this.receiptAcknowledged(receipt.conversationId, receipt.seq))
        : this.o.emit(message),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.tasks = [];
    await this.flush();
  }

  private enqueue(task: () => Promise<void>): void {
    if (this.closed) return;
    this.tasks.push(task);
    this.drain();
  }

  private drain(): void {
    if (!this.ready || this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      for (let task = this.tasks.shift(); task && !this.closed; task = this.tasks.shift())
        await this.runUntilDone(task);
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs one task; while the store is unreachable it is retried (backing off, in place, so the
   * tasks behind it keep their order) instead of dropped: a dropped gap fill or sync would leave
   * the device without messages it was sent until it reconnects. Every task is safe to run again
   * (sending resumes after the last seq sent). A task that fails for any other reason is logged
   * and dropped.
   */
  private async runUntilDone(task: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await task();
        return;
      } catch (e) {
        if (!isTransientError(e)) {
          this.o.logger.error({ err: e, userId: this.o.userId, deviceId: this.deviceId }, 'downlink task failed');
          return;
        }
        const delayMs = Math.min(MAX_RETRY_DELAY_MS, (this.o.retryDelayMs ?? 100) * 2 ** attempt);
        this.o.logger.warn(
          { err: e, userId: this.o.userId, deviceId: this.deviceId, attempt, delayMs },
          'the store is unavailable; retrying the downlink',
        );
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  private async sync(): Promise<void> {
    this.syncing = true;
    try {
      await this.syncAll();
    } finally {
      this.syncing = false;
    }
  }

  private async syncAll(): Promise<void> {
    const { store, userId } = this.o;
    const deviceId = this.deviceId;
    const memberships = await store.groups.groupsOf(userId);
    const joined = new Map(memberships.map((m) => [`g:${m.groupId}`, m.joinedSeq]));
    const summaries = await store.conversations.listForUser(
      userId,
      memberships.map((m) => m.groupId),
    );
    const list: { conversationId: string; maxSeq: number }[] = [...summaries];
    // The user's system conversation (friend notices) is synced like the others.
    const system = systemConversationId(userId);
    const systemSeq = await store.conversations.maxSeq(system);
    if (systemSeq > 0) list.push({ conversationId: system, maxSeq: systemSeq });
    const ids = list.map((c) => c.conversationId);
    const [cursors, reads] = await Promise.all([
      store.cursors.get(userId, deviceId, ids),
      store.conversations.readSeqs(userId, ids),
    ]);
    for (const c of list) {
      const start =
        cursors.get(c.conversationId) ?? Math.max(reads.get(c.conversationId) ?? 0, joined.get(c.conversationId) ?? 0);
      const state = this.stateFor(c.conversationId, start);
      const from = Math.max(state.lastSent, c.maxSeq - this.o.syncMaxPerConversation);
      if (c.maxSeq > from) await this.sendRange(c.conversationId, from, Number.MAX_SAFE_INTEGER);
    }
    await this.syncReadReceipts(summaries);
  }

  /**
   * The 33s this device missed while away: for each 1:1 conversation whose peer has read further
   * than the last receipt the device acknowledged, one 33 with the peer's read seq (the latest only).
   */
  private async syncReadReceipts(summaries: readonly ConversationSummary[]): Promise<void> {
    const { store, userId } = this.o;
    const peers = directPeers(summaries, userId);
    if (peers.length === 0) return;
    const [peerReads, told] = await Promise.all([
      store.conversations.readSeqsOf(peers),
      store.cursors.get(
        userId,
        this.deviceId,
        peers.map((p) => receiptsKey(p.conversationId)),
      ),
    ]);
    for (const { conversationId, userId: peerId } of peers) {
      const seq = peerReads.get(conversationId) ?? 0;
      if (seq <= (told.get(receiptsKey(conversationId)) ?? 0) || this.closed) continue;
      const [read] = await store.messages.range(conversationId, { afterSeq: seq - 1, beforeSeq: seq + 1, limit: 1 });
      if (!read) continue;
      const msgId = `rr-${createHash('sha256').update(conversationId).digest('hex').slice(0, 24)}-${seq}`;
      const built = serverMessage({
        msgId,
        messageType: MessageType.READ,
        from: { id: peerId, type: 'PERSON' },
        destId: userId,
        content: read.message.msgId,
        at: this.o.clock.now(),
      });
      const receipt: ImMessage = { ...built, seq };
      this.o.emit(receipt, () => this.receiptAcknowledged(conversationId, seq), 'sync');
    }
  }

  /** A live 33 from the other side of a 1:1 conversation: where it was read, to remember once acknowledged. */
  private peerReceipt(m: ImMessage): { conversationId: string; seq: number } | undefined {
    if (
      m.messageType !== MessageType.READ ||
      m.seq === undefined ||
      m.fromId === this.o.userId ||
      m.destId !== this.o.userId
    )
      return undefined;
    return { conversationId: directConversationId(this.o.userId, m.fromId), seq: m.seq };
  }

  private receiptAcknowledged(conversationId: string, seq: number): void {
    const key = receiptsKey(conversationId);
    const state = this.stateFor(key, 0);
    if (seq <= state.persisted) return;
    state.persisted = seq;
    this.o.cursors.note(this.o.userId, this.deviceId, key, seq);
  }

  private stateFor(conversationId: string, start: number): ConversationState {
    let state = this.conversations.get(conversationId);
    if (!state) {
      state = { lastSent: start, pending: new Set(), persisted: start };
      this.conversations.set(conversationId, state);
    }
    return state;
  }

  /** A conversation first seen live (new, or joined after sync): where this device stands in it. */
  private async loadState(conversationId: string): Promise<ConversationState> {
    const known = this.conversations.get(conversationId);
    if (known) return known;
    const { store, userId } = this.o;
    const deviceId = this.deviceId;
    const cursor = (await store.cursors.get(userId, deviceId, [conversationId])).get(conversationId);
    if (cursor !== undefined) return this.stateFor(conversationId, cursor);
    const read = (await store.conversations.readSeqs(userId, [conversationId])).get(conversationId) ?? 0;
    const joinedSeq = conversationId.startsWith('g:')
      ? ((await store.groups.member(conversationId.slice(2), userId))?.joinedSeq ?? 0)
      : 0;
    return this.stateFor(conversationId, Math.max(read, joinedSeq));
  }

  private async deliverStored(stored: StoredMessage): Promise<void> {
    const state = await this.loadState(stored.conversationId);
    if (stored.seq <= state.lastSent) return;
    if (stored.seq > state.lastSent + 1) await this.sendRange(stored.conversationId, state.lastSent, stored.seq);
    const unanswered = this.isOwn(stored) ? this.unanswered.get(stored.message.msgId) : undefined;
    if (unanswered !== undefined) await waitAtMost(unanswered, this.o.answerWaitMs ?? 5000);
    this.sendOne(state, stored);
  }

  private isOwn(stored: StoredMessage): boolean {
    return stored.message.fromId === this.o.userId && stored.senderDeviceId === this.deviceId;
  }

  /** Sends the stored messages in (afterSeq, beforeSeq), page by page. */
  private async sendRange(conversationId: string, afterSeq: number, beforeSeq: number): Promise<void> {
    const state = this.stateFor(conversationId, afterSeq);
    for (let after = afterSeq; !this.closed;) {
      const page = await this.o.store.messages.range(conversationId, { afterSeq: after, beforeSeq, limit: PAGE });
      for (const m of page) if (m.seq > state.lastSent) this.sendOne(state, m);
      const last = page[page.length - 1];
      if (page.length < PAGE || !last) break;
      after = last.seq;
    }
  }

  private sendOne(state: ConversationState, stored: StoredMessage): void {
    const seq = stored.seq;
    state.lastSent = seq;
    if (this.isOwn(stored)) {
      this.advance(stored.conversationId, state);
      return;
    }
    state.pending.add(seq);
    this.o.emit(
      toWire(stored),
      () => {
        state.pending.delete(seq);
        this.advance(stored.conversationId, state);
      },
      this.syncing ? 'sync' : 'live',
    );
  }

  private advance(conversationId: string, state: ConversationState): void {
    // Seqs enter `pending` in increasing order (each above `lastSent`), and a Set iterates in
    // insertion order: its first element is the lowest unacknowledged seq. O(1) per
    // acknowledgement instead of a scan of everything in flight to the device.
    const lowest = state.pending.values().next();
    const cursor = lowest.done ? state.lastSent : Math.min(state.lastSent, lowest.value - 1);
    if (cursor <= state.persisted) return;
    state.persisted = cursor;
    this.o.cursors.note(this.o.userId, this.deviceId, conversationId, cursor);
  }

  private async flush(): Promise<void> {
    await this.o.cursors.flushDevice(this.o.userId, this.deviceId);
  }
}
