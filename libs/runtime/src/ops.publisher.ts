import { hostname } from 'node:os';
import { startPeriodicTask } from '@im/common';
import type { Logger } from '@im/common';
import { processMetrics } from './metrics';
import type { ImMetrics } from './metrics';
import { opsFigures } from './ops.figures';
import type { OpsFigures } from './ops.figures';

/** Where the processes of an installation put their snapshots (cluster: `RedisOpsBoard`). */
export interface OpsBoard {
  publish(instance: string, entry: unknown, ttlMs: number): Promise<void>;
  remove(instance: string): Promise<void>;
  list<T = unknown>(): Promise<T[]>;
}

/** One process's snapshot on the board. Figures only: no addresses, URLs or credentials. */
export interface ProcessOps extends OpsFigures {
  /** Unique on the board: `<role>@<host>:<pid>`, or the gateway id for a gateway. */
  readonly instance: string;
  /** The process kind: `gateway`, `message`, `group`, ... */
  readonly role: string;
  readonly host: string;
  readonly pid: number;
  /** When this snapshot was taken (ms since the epoch, this process's clock). */
  readonly at: number;
  readonly startedAt: number;
  /** How often the process publishes, and how long a snapshot outlives a silent process. */
  readonly intervalMs: number;
  readonly ttlMs: number;
  /** Per second over the last interval (0 in the first snapshot). */
  readonly rates: { readonly messagesIn: number; readonly messagesOut: number; readonly recordsConsumed: number };
}

export interface OpsPublisherOptions {
  readonly role: string;
  /** Default `<role>@<host>:<pid>`. */
  readonly instance?: string;
  readonly intervalMs: number;
  /** At least twice the interval (a longer one is used otherwise), so one late write is no gap. */
  readonly ttlMs: number;
  readonly logger: Logger;
  readonly metrics?: ImMetrics;
  readonly now?: () => number;
}

export interface OpsPublisher {
  readonly instance: string;
  /** Takes and publishes a snapshot now (the timer calls it every interval). */
  publishNow(): Promise<ProcessOps>;
  /** Stops the timer and removes this process's entry (an orderly stop disappears at once). */
  stop(): Promise<void>;
}

/** The longest a stop waits for the board (Redis) before leaving the entry to its TTL. */
const STOP_WAIT_MS = 1000;

const perSecond = (delta: number, ms: number): number => (ms > 0 ? Math.max(0, delta) / (ms / 1000) : 0);

/**
 * Publishes this process's figures to the operations board every `intervalMs`, with a TTL, so
 * the console's operations view lists every live process of the installation and a dead one
 * disappears once its last snapshot expires.
 */
export function startOpsPublisher(board: OpsBoard, options: OpsPublisherOptions, start = true): OpsPublisher {
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? processMetrics();
  const host = hostname();
  const instance = options.instance ?? `${options.role}@${host}:${process.pid}`;
  const ttlMs = Math.max(options.ttlMs, options.intervalMs * 2);
  const startedAt = now();
  let previous: ProcessOps | undefined;
  let failing = false;

  const publishNow = async (): Promise<ProcessOps> => {
    const at = now();
    const figures = await opsFigures(metrics);
    const ms = previous ? at - previous.at : 0;
    const snapshot: ProcessOps = {
      instance,
      role: options.role,
      host,
      pid: process.pid,
      at,
      startedAt,
      intervalMs: options.intervalMs,
      ttlMs,
      ...figures,
      rates: {
        messagesIn: previous ? perSecond(figures.messagesIn - previous.messagesIn, ms) : 0,
        messagesOut: previous ? perSecond(figures.messagesOut - previous.messagesOut, ms) : 0,
        recordsConsumed: previous ? perSecond(figures.recordsConsumed - previous.recordsConsumed, ms) : 0,
      },
    };
    previous = snapshot;
    await board.publish(instance, snapshot, ttlMs);
    return snapshot;
  };

  // While Redis is away a write can wait for the reconnection: the task never piles up another one.
  const task = start
    ? startPeriodicTask(
        async () => {
          await publishNow();
          if (failing) options.logger.info({ instance }, 'ops snapshot published again');
          failing = false;
        },
        {
          name: 'ops snapshot',
          everyMs: options.intervalMs,
          logger: options.logger,
          runAtStart: true,
          onError: (err) => {
            // Once per outage, not every interval.
            if (!failing) options.logger.warn({ err, instance }, 'ops snapshot not published');
            failing = true;
          },
        },
      )
    : undefined;
  return {
    instance,
    publishNow,
    async stop(): Promise<void> {
      // A snapshot being written now would otherwise land after the removal. Bounded: with Redis
      // away, the stop goes on and the entry expires by its TTL.
      const bounded = (p: Promise<unknown>): Promise<unknown> => {
        let timeout: NodeJS.Timeout | undefined;
        return Promise.race([p, new Promise((r) => (timeout = setTimeout(r, STOP_WAIT_MS)))]).finally(() =>
          clearTimeout(timeout),
        );
      };
      if (task) await bounded(task.stop());
      await bounded(
        board
          .remove(instance)
          .catch((err: unknown) => options.logger.warn({ err, instance }, 'ops snapshot not removed')),
      );
    },
  };
}
