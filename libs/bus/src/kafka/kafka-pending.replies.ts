import type { ReplyEnvelope } from './kafka-record.codec';

interface Waiter {
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Requests waiting for their reply, by correlation id, each with its own timeout. */
export class PendingReplies {
  private readonly waiting = new Map<string, Waiter>();

  /** Resolves with the reply's value, rejects with its error or after `timeoutMs`. */
  add(correlationId: string, timeoutMs: number, topic: string): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(
          new Error(
            `request on ${topic} timed out after ${timeoutMs} ms without a reply (is a group subscribed to ${topic}?)`,
          ),
        );
      }, timeoutMs);
      this.waiting.set(correlationId, { resolve, reject, timer });
    });
  }

  /** Settles the request of this id (a late or foreign reply is ignored). */
  settle(correlationId: string, reply: ReplyEnvelope): void {
    const w = this.take(correlationId);
    if (!w) return;
    if (reply.ok) w.resolve(reply.value);
    else w.reject(new Error(reply.error));
  }

  /** Forgets a request without settling it (its record could not be published). */
  cancel(correlationId: string): void {
    this.take(correlationId);
  }

  rejectAll(error: Error): void {
    for (const id of [...this.waiting.keys()]) this.take(id)?.reject(error);
  }

  private take(correlationId: string): Waiter | undefined {
    const w = this.waiting.get(correlationId);
    if (!w) return undefined;
    clearTimeout(w.timer);
    this.waiting.delete(correlationId);
    return w;
  }
}
