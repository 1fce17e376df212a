import { messageTypeSpec } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { httpApi } from './api';
import type { HttpApi } from './api';
import { backoffDelay, sleep } from './backoff';
import type { BackoffOptions } from './backoff';
import { build } from './builders';
import { RETRYABLE_CODES } from './errors';
import type { ImClientError } from './errors';
import { TypedEmitter } from './emitter';
import { HttpTransport } from './http';
import { trackedConversation } from './conversation-key';
import { Inbox } from './inbox';
import type { GapEvent } from './inbox';
import { messageEventOf } from './message-types';
import type { Downlink, Draft, MessageEvents } from './message-types';
import { Outbox } from './outbox';
import type { AckAnswer, RetryEvent, SendResult } from './outbox';
import { BoundedSet } from './bounded-set';
import { MemoryStorage, StorageQueue } from './storage';
import type { ClientStorage, OutboxEntry } from './storage';
import { randomMsgId } from './uuid';

export interface ConnectOptions {
  /** The gateway, `http(s)://host:port` (Socket.IO and the HTTP API share it). */
  readonly url: string;
  /** A fixed token. Give `getToken` instead when tokens expire. */
  readonly token?: string;
  /** Called before every connection attempt (and after an HTTP 401): a fresh token. */
  readonly getToken?: () => Promise<string> | string;
  /** One per installation: the server keeps this device's delivery cursor under it. */
  readonly deviceId?: string;
  /** 1 Android, 2 iOS, 3 PC; with the default IM_MULTI_DEVICE a new login of the same devType replaces the older one. */
  readonly devType?: number;
  /** `fromName` / `imageIconUrl` of the messages sent. */
  readonly name?: string;
  readonly avatarUrl?: string;
  /** Outbox and last seqs; memory by default. */
  readonly storage?: ClientStorage;
  /** Socket.IO transports; Socket.IO's default (long polling, then websocket) when not given. */
  readonly transports?: ('websocket' | 'polling')[];
  /** Reconnection back-off: first and longest wait (ms; default 500 and 10 000), jittered. */
  readonly reconnectDelayMs?: number;
  readonly reconnectDelayMaxMs?: number;
  /** How long to wait for a send's acknowledgement before sending it again, same msgId (default 15 000). */
  readonly ackTimeoutMs?: number;
  /** Most sends awaiting acknowledgement at once (default 32; 1 keeps one's own sends strictly in order). */
  readonly maxInFlight?: number;
  /** Back-off after 42901 / 50301 and between history retries. */
  readonly retryBackoff?: BackoffOptions;
  /** Where the HTTP API is, when not at `url`'s origin. */
  readonly httpUrl?: string;
  readonly fetch?: typeof fetch;
  /** Passed to `io()` last (path, extraHeaders, …). */
  readonly socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export type ConnectionState = 'connecting' | 'ready' | 'disconnected' | 'closed';

export interface ClientEvents extends MessageEvents {
  /** Connected and past type 1: the server now sends what this device missed, then live traffic. */
  ready: (session: { userId: string; serverTime: number }) => void;
  state: (state: ConnectionState, reason?: string) => void;
  /** Every downlink, once, each tracked conversation in seq order; then `message:<TYPE>`. */
  message: (message: Downlink) => void;
  /** A send the server accepted (also for sends restored from storage, which have no promise). */
  sent: (result: SendResult) => void;
  /** A send the server refused for good. */
  failed: (error: ImClientError) => void;
  /** A send put back after 42901 / 50301. */
  retry: (event: RetryEvent) => void;
  /** A seq jump the history could not fill. */
  gap: (gap: GapEvent) => void;
  /** Another login of this user replaced this one (type 15): the client stops reconnecting. */
  kicked: (reason: unknown) => void;
  /** The server refused the token and there is no `getToken`, a storage failure, or a handler threw. */
  error: (error: unknown) => void;
}

/** Opens a client: connects at once and keeps reconnecting until `close()`. */
export function connect(options: ConnectOptions): ImClient {
  return new ImClient(options);
}

export class ImClient extends TypedEmitter<ClientEvents> {
  /** The HTTP API as typed calls. */
  readonly api: HttpApi;
  private readonly socket: Socket;
  private readonly storage: ClientStorage;
  private readonly writes: StorageQueue;
  private readonly outbox: Outbox;
  private readonly inbox: Inbox;
  private readonly sentHere = new BoundedSet(20_000);
  private readonly loaded: Promise<void>;
  private token: string | undefined;
  private me: string | undefined;
  private stateNow: ConnectionState = 'connecting';
  private closed = false;
  private kicked = false;
  private reconnects = 0;
  private reconnectTimer: { cancel: () => void } | undefined;
  private seqWrite: Record<string, number> | undefined;

  constructor(private readonly o: ConnectOptions) {
    super();
    if (!o.token && !o.getToken) throw new Error('connect: give token or getToken');
    this.storage = o.storage ?? new MemoryStorage();
    this.writes = new StorageQueue((e) => this.emit('error', e));
    const http = new HttpTransport({
      baseUrl: o.httpUrl ?? new URL(o.url).origin,
      token: (refresh) => this.currentToken(refresh),
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    this.api = httpApi(http);
    this.outbox = new Outbox({
      emit: (entry, answer) => this.emitEntry(entry, answer),
      persist: (entry) => void this.writes.run(() => this.storage.putOutbox(entry)),
      forget: (msgId) => void this.writes.run(() => this.storage.deleteOutbox(msgId)),
      sent: (r, entry) => {
        this.noteOwnSeq(entry);
        this.emit('sent', r);
      },
      failed: (e) => this.emit('failed', e),
      retry: (r) => this.emit('retry', r),
      ...(o.maxInFlight === undefined ? {} : { maxInFlight: o.maxInFlight }),
      ...(o.retryBackoff === undefined ? {} : { backoff: o.retryBackoff }),
    });
    this.inbox = new Inbox({
      me: () => this.me ?? '',
      history: async (c, afterSeq, beforeSeq, signal) =>
        this.api.history(
          {
            ...(c.groupId === undefined ? { peerId: c.peerId } : { groupId: c.groupId }),
            afterSeq,
            beforeSeq,
            limit: 500,
          },
          { signal, retries: 0 },
        ),
      deliver: (m) => this.deliver(m),
      sentHere: (msgId) => this.sentHere.has(msgId) || this.outbox.has(msgId),
      seqsChanged: (seqs) => this.saveSeqs(seqs),
      gap: (g) => this.emit('gap', g),
      ...(o.retryBackoff === undefined ? {} : { backoff: o.retryBackoff }),
    });
    this.socket = io(o.url, {
      autoConnect: false,
      forceNew: true,
      reconnection: true,
      reconnectionDelay: o.reconnectDelayMs ?? 500,
      reconnectionDelayMax: o.reconnectDelayMaxMs ?? 10_000,
      randomizationFactor: 0.5,
      ...(o.transports ? { transports: o.transports } : {}),
      auth: (cb: (data: object) => void) => {
        this.currentToken(true).then(
          (token) =>
            cb({
              token,
              ...(o.deviceId ? { deviceId: o.deviceId } : {}),
              ...(o.devType ? { devType: o.devType } : {}),
            }),
          (e: unknown) => {
            this.emit('error', e);
            cb({ token: '' });
          },
        );
      },
      ...o.socketOptions,
    });
    this.wire();
    this.loaded = this.load();
  }

  /** The signed-in user, once the first `ready` arrived. */
  get userId(): string | undefined {
    return this.me;
  }

  get state(): ConnectionState {
    return this.stateNow;
  }

  /** Messages not acknowledged yet. */
  get pendingSends(): number {
    return this.outbox.size;
  }

  /** The last seq the app was given, per conversation id. */
  lastSeqs(): Record<string, number> {
    return this.inbox.lastSeqs();
  }

  /** Resolves at the next `ready` (at once when ready now). */
  whenReady(): Promise<{ userId: string }> {
    if (this.stateNow === 'ready' && this.me) return Promise.resolve({ userId: this.me });
    return new Promise((resolve) => this.once('ready', ({ userId }) => resolve({ userId })));
  }

  /**
   * Queues a message and resolves with the server's acknowledgement: kept until then, sent again
   * with the same msgId after a reconnect or a timeout, after a back-off on 42901 / 50301.
   * Rejects with an ImClientError (code, registry name) when the server refuses it for good.
   */
  async send(message: Draft): Promise<SendResult> {
    if (this.closed) throw new Error('the client is closed');
    const spec = messageTypeSpec(message.messageType);
    if (!spec) throw new Error(`messageType ${message.messageType} is not in the protocol`);
    if (spec.direction === 'down')
      throw new Error(`messageType ${message.messageType} (${spec.name}) cannot be sent by a client`);
    if (spec.clientSend?.kind === 'http-only')
      throw new Error(`${spec.name} is made with ${spec.clientSend.route}, not sent`);
    await this.loaded;
    const msgId = message.msgId ?? randomMsgId();
    const entry: OutboxEntry = {
      msgId,
      event: spec.channel,
      message: {
        ...message.extra,
        msgId,
        messageType: message.messageType,
        fromType: message.fromType,
        destId: message.destId,
        fromName: this.o.name ?? '',
        imageIconUrl: this.o.avatarUrl ?? '',
        content: message.content,
      },
      queuedAt: Date.now(),
    };
    this.sentHere.add(msgId);
    return this.outbox.add(entry);
  }

  /** Closes the connection for good. Unacknowledged sends stay in storage; their promises reject. */
  async close(): Promise<void> {
    this.closed = true;
    this.reconnectTimer?.cancel();
    this.setState('closed');
    this.outbox.close();
    this.inbox.reset();
    this.socket.disconnect();
    await this.writes.idle();
  }

  private async load(): Promise<void> {
    try {
      const [entries, seqs] = await Promise.all([this.storage.loadOutbox(), this.storage.loadSeqs()]);
      this.inbox.restore(seqs);
      for (const e of entries) this.sentHere.add(e.msgId);
      this.outbox.restore(entries);
    } catch (e) {
      this.emit('error', e);
    }
    if (!this.closed) this.socket.connect();
  }

  private async currentToken(refresh: boolean): Promise<string> {
    if (this.o.getToken && (refresh || this.token === undefined)) this.token = await this.o.getToken();
    return this.token ?? this.o.token ?? '';
  }

  private wire(): void {
    const s = this.socket;
    s.on('ready', (session: { userId: string; serverTime: number }) => void this.onReady(session));
    s.on('chat', (m: ImMessage, ack?: () => void) =>
      this.inbox.receive(m, typeof ack === 'function' ? ack : undefined),
    );
    s.on('chatroom', (m: ImMessage, ack?: () => void) => {
      this.deliver(m);
      if (typeof ack === 'function') ack();
    });
    s.on('kicked', (reason: unknown) => {
      this.kicked = true;
      this.emit('kicked', reason);
    });
    s.on('disconnect', (reason) => {
      this.outbox.setOnline(false);
      this.inbox.reset();
      if (this.closed) return;
      this.setState('disconnected', reason);
      // The server closed it (drain, kicked): Socket.IO does not come back by itself.
      if (reason === 'io server disconnect' && !this.kicked) this.reconnectLater();
    });
    s.on('connect_error', (err: Error) => {
      if (this.closed || s.active) return; // Socket.IO retries a transport failure itself.
      // Refused by the server (a token, a limit): try again with a fresh token, unless there is no way to get one.
      if (/unauthori[sz]ed/i.test(err.message) && !this.o.getToken) {
        this.setState('disconnected', err.message);
        this.emit('error', err);
        return;
      }
      this.setState('disconnected', err.message);
      this.reconnectLater();
    });
  }

  private async onReady(session: { userId: string; serverTime: number }): Promise<void> {
    this.me = session.userId;
    const ready = { ...build.ready(), msgId: randomMsgId(), fromId: session.userId, fromName: '', imageIconUrl: '' };
    const answer = await new Promise<AckAnswer | Error>((resolve) =>
      this.socket
        .timeout(this.o.ackTimeoutMs ?? 15_000)
        .emit('chat', ready, (err: Error | null, a: AckAnswer) => resolve(err ?? a)),
    );
    if (this.closed || !this.socket.connected) return;
    if (answer instanceof Error || answer.code !== 0) {
      // Without type 1 the server sends nothing: try it again (after a back-off when throttled), or start over.
      if (!(answer instanceof Error) && RETRYABLE_CODES.has(answer.code)) {
        await sleep(backoffDelay(this.reconnects++, this.o.retryBackoff)).promise;
        if (!this.closed && this.socket.connected) return this.onReady(session);
        return;
      }
      this.socket.disconnect();
      this.reconnectLater();
      return;
    }
    this.reconnects = 0;
    this.setState('ready');
    this.outbox.setOnline(true);
    this.emit('ready', session);
  }

  private reconnectLater(): void {
    if (this.closed || this.reconnectTimer) return;
    const wait = sleep(
      backoffDelay(this.reconnects++, {
        initialMs: this.o.reconnectDelayMs ?? 500,
        maxMs: this.o.reconnectDelayMaxMs ?? 10_000,
      }),
    );
    this.reconnectTimer = wait;
    void wait.promise.then(() => {
      this.reconnectTimer = undefined;
      if (!this.closed && !this.socket.connected) this.socket.connect();
    });
  }

  private emitEntry(entry: OutboxEntry, answer: (a: AckAnswer | Error) => void): void {
    const message = { ...entry.message, fromId: this.me ?? entry.message.fromId ?? '' };
    this.socket
      .timeout(this.o.ackTimeoutMs ?? 15_000)
      .emit(entry.event, message, (err: Error | null, a: AckAnswer) => answer(err ?? a));
  }

  private deliver(m: ImMessage): void {
    this.emit('message', m as Downlink);
    const event = messageEventOf(m.messageType);
    if (event) (this.emit as (e: string, m: ImMessage) => void)(event, m);
  }

  /** A stored message of this device takes a seq the server will not send back here: tell the inbox. */
  private noteOwnSeq(entry: OutboxEntry): void {
    if (!this.me || !messageTypeSpec(entry.message.messageType)?.stored) return;
    const c = trackedConversation({ ...entry.message, fromId: this.me, seq: 0 }, this.me);
    if (c) this.inbox.sentOwn(c.id);
  }

  private saveSeqs(seqs: Record<string, number>): void {
    const pending = this.seqWrite !== undefined;
    this.seqWrite = seqs;
    if (pending) return;
    void this.writes.run(async () => {
      const latest = this.seqWrite;
      this.seqWrite = undefined;
      if (latest) await this.storage.putSeqs(latest);
    });
  }

  private setState(state: ConnectionState, reason?: string): void {
    if (this.stateNow === state && reason === undefined) return;
    this.stateNow = state;
    this.emit('state', state, reason);
  }
}
