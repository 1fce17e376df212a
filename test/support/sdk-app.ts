import { connect } from '@im-cluster/client';
import type { ConnectOptions, Downlink, ImClient, RetryEvent, SendResult } from '@im-cluster/client';

/**
 * An "app" on the client SDK for tests: it records what the SDK hands it (every `message`, in
 * order), the connection states, retries and refusals, and waits for a condition.
 */
export class SdkApp {
  readonly received: Downlink[] = [];
  readonly states: { state: string; reason?: string }[] = [];
  readonly retries: RetryEvent[] = [];
  readonly sent: SendResult[] = [];
  readonly errors: unknown[] = [];
  readonly client: ImClient;
  private readonly waiters = new Set<() => void>();

  constructor(options: ConnectOptions) {
    this.client = connect({ transports: ['websocket'], reconnectDelayMs: 100, reconnectDelayMaxMs: 1000, ...options });
    this.client.on('message', (m) => this.record(() => this.received.push(m)));
    this.client.on('state', (state, reason) =>
      this.record(() => this.states.push(reason === undefined ? { state } : { state, reason })),
    );
    this.client.on('retry', (r) => this.record(() => this.retries.push(r)));
    this.client.on('sent', (r) => this.record(() => this.sent.push(r)));
    this.client.on('error', (e) => this.record(() => this.errors.push(e)));
  }

  /** The texts received from `fromId`, in the order the app saw them. */
  textsFrom(fromId: string): Downlink<2>[] {
    return this.received.filter((m): m is Downlink<2> => m.messageType === 2 && m.fromId === fromId);
  }

  async waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      // Checked at every event and, for state outside the events (storage), every 50 ms.
      const poll = setInterval(() => check(), 50);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private record(change: () => void): void {
    change();
    for (const w of [...this.waiters]) w();
  }
}

/** Every message once and in strictly increasing seq: the SDK's promise to the app. */
export function seqsOf(messages: readonly Downlink[]): number[] {
  return messages.map((m) => m.seq ?? -1);
}
