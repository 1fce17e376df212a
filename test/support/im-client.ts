import { randomUUID } from 'node:crypto';
import { io as ioV4 } from 'socket.io-client';
import type { Socket as SocketV4 } from 'socket.io-client';
import type { ImMessage } from '@im/protocol';

// socket.io-client 2.x (Engine.IO v3), the protocol old mobile clients still speak.
const ioV2 = require('socket.io-client-v2') as (url: string, opts: Record<string, unknown>) => LegacySocket;

interface LegacySocket {
  connected: boolean;
  on(event: string, fn: (...args: unknown[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  close(): void;
}

export type AckAnswer = { code: number; msgId?: string; serverTime?: number; error?: string };

export interface ClientOptions {
  readonly version?: 2 | 4;
  readonly deviceId?: string;
  readonly devType?: number;
  /** Acknowledge downlinks (default true); false simulates a device that crashes before acking. */
  readonly autoAck?: boolean;
  /** Send type 1 as soon as `ready` arrives (default true). */
  readonly autoReady?: boolean;
  /** Socket.IO transports; default websocket only. ['polling', 'websocket'] is the clients' own default. */
  readonly transports?: string[];
}

/** A real Socket.IO client speaking the protocol, for end-to-end tests. */
export class ImTestClient {
  readonly received: ImMessage[] = [];
  /** msgId → when it first arrived here (ms since epoch). */
  readonly arrivedAt = new Map<string, number>();
  /** Downlinks on the `chatroom` event. */
  readonly roomReceived: ImMessage[] = [];
  readonly errors: AckAnswer[] = [];
  readonly events: { event: string; data: unknown }[] = [];
  private readonly socket: SocketV4 | LegacySocket;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly userId: string,
    url: string,
    token: string,
    options: ClientOptions,
  ) {
    const query = {
      token,
      ...(options.deviceId ? { deviceId: options.deviceId } : {}),
      ...(options.devType ? { devType: String(options.devType) } : {}),
    };
    this.socket =
      options.version === 2
        ? ioV2(url, { query, transports: options.transports ?? ['websocket'], forceNew: true, reconnection: false })
        : ioV4(url, {
            auth: {
              token,
              ...(options.deviceId ? { deviceId: options.deviceId } : {}),
              ...(options.devType ? { devType: options.devType } : {}),
            },
            transports: (options.transports ?? ['websocket']) as ('websocket' | 'polling')[],
            forceNew: true,
            reconnection: false,
          });
    this.socket.on('chat', (...args: unknown[]) => {
      const [message, ack] = args as [ImMessage, ((...a: unknown[]) => void) | undefined];
      this.received.push(message);
      if (message && typeof message.msgId === 'string' && !this.arrivedAt.has(message.msgId))
        this.arrivedAt.set(message.msgId, Date.now());
      if (typeof ack === 'function' && options.autoAck !== false) ack();
      this.notify();
    });
    this.socket.on('chatroom', (...args: unknown[]) => {
      this.roomReceived.push(args[0] as ImMessage);
      this.notify();
    });
    // socket.io-client 2.x reports a refused handshake as `error` with the reason string.
    if (options.version === 2) {
      this.socket.on('error', (data: unknown) => {
        this.events.push({ event: 'connect_error', data });
        this.notify();
      });
    }
    for (const event of ['ready', 'im_error', 'kicked', 'disconnect', 'connect_error']) {
      this.socket.on(event, (data: unknown) => {
        this.events.push({ event, data });
        if (event === 'ready' && options.autoReady !== false) this.sendReady().catch(() => undefined);
        this.notify();
      });
    }
  }

  /** Connects and resolves after the server's `ready`. */
  static async connect(url: string, userId: string, token: string, options: ClientOptions = {}): Promise<ImTestClient> {
    const c = new ImTestClient(userId, url, token, options);
    await c.waitFor(() => c.events.some((e) => e.event === 'ready' || e.event === 'connect_error'), 10_000, 'ready');
    const failed = c.events.find((e) => e.event === 'connect_error');
    if (failed) {
      c.close();
      throw new Error(`connect_error: ${String((failed.data as Error)?.message ?? failed.data)}`);
    }
    return c;
  }

  /** Tries to connect; resolves with the connect_error message, or throws if it connected. */
  static async refused(url: string, token: string, options: ClientOptions = {}): Promise<string> {
    const c = new ImTestClient('?', url, token, { ...options, autoReady: false });
    await c.waitFor(() => c.events.some((e) => e.event === 'ready' || e.event === 'connect_error'), 10_000, 'refusal');
    c.close();
    const failed = c.events.find((e) => e.event === 'connect_error');
    if (!failed) throw new Error('connection was accepted');
    const data = failed.data as { message?: string } | string;
    return typeof data === 'string' ? data : String(data?.message);
  }

  message(destId: string, content: unknown, extra: Partial<ImMessage> = {}): ImMessage {
    return {
      msgId: randomUUID(),
      fromId: this.userId,
      fromType: 1,
      destId,
      fromName: this.userId,
      imageIconUrl: '',
      content,
      messageType: 2,
      ...extra,
    };
  }

  /** Emits on `chat` and resolves with the server's acknowledgement. */
  send(payload: unknown, timeoutMs = 10_000): Promise<AckAnswer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ack')), timeoutMs);
      this.socket.emit('chat', payload, (answer: AckAnswer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  /** Emits on `chatroom` and resolves with the server's acknowledgement. */
  sendRoom(payload: unknown, timeoutMs = 10_000): Promise<AckAnswer & { members?: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ack')), timeoutMs);
      this.socket.emit('chatroom', payload, (answer: AckAnswer & { members?: number }) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  /** Emits without an ack callback. */
  emitRaw(event: string, ...args: unknown[]): void {
    this.socket.emit(event, ...args);
  }

  sendReady(): Promise<AckAnswer> {
    return this.send(this.message('server', '', { messageType: 1, fromType: 1 }));
  }

  ofType(type: number): ImMessage[] {
    return this.received.filter((m) => m.messageType === type);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.userId}: timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  waitForMessages(n: number, type = 2, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.ofType(type).length >= n, timeoutMs, `${n} messages of type ${type}`);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  close(): void {
    this.socket.close();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
