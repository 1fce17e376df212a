import { hostname } from 'node:os';
import { createLogger } from '@im/common';
import { processMetrics } from './metrics';
import { startOpsPublisher } from './ops.publisher';
import type { OpsBoard, ProcessOps } from './ops.publisher';

/** A board that records what it is told. */
function recordingBoard(): OpsBoard & {
  entries: Map<string, { entry: ProcessOps; ttlMs: number }>;
  removed: string[];
} {
  const entries = new Map<string, { entry: ProcessOps; ttlMs: number }>();
  const removed: string[] = [];
  return {
    entries,
    removed,
    publish: async (instance, entry, ttlMs) => void entries.set(instance, { entry: entry as ProcessOps, ttlMs }),
    remove: async (instance) => {
      removed.push(instance);
      entries.delete(instance);
    },
    list: async <T>() => [...entries.values()].map((e) => e.entry as T),
  };
}

const logger = createLogger({ service: 'ops-test', level: 'silent' });

describe('ops publisher', () => {
  it('publishes running totals and per-second rates over the last interval, with a TTL of at least two intervals', async () => {
    const board = recordingBoard();
    const metrics = processMetrics();
    let now = 10_000;
    const publisher = startOpsPublisher(
      board,
      { role: 'message', intervalMs: 2000, ttlMs: 1000, logger, metrics, now: () => now },
      false,
    );
    expect(publisher.instance).toBe(`message@${hostname()}:${process.pid}`);
    const first = await publisher.publishNow();
    expect(first).toMatchObject({
      role: 'message',
      pid: process.pid,
      at: 10_000,
      rates: { messagesIn: 0, messagesOut: 0, recordsConsumed: 0 },
    });
    metrics.messagesIn.inc({ type: '2' }, 10);
    metrics.recordsConsumed.inc({ group: 'g' }, 4);
    now += 2000;
    const second = await publisher.publishNow();
    expect(second.messagesIn - first.messagesIn).toBe(10);
    expect(second.rates).toEqual({ messagesIn: 5, messagesOut: 0, recordsConsumed: 2 });
    expect(board.entries.get(publisher.instance)).toEqual({ entry: second, ttlMs: 4000 });
    // Figures only: nothing that looks like an address or a credential.
    expect(Object.keys(second).sort()).toEqual(
      [
        'ackLatencyMs',
        'at',
        'connections',
        'consumerLag',
        'deadLetters',
        'deliveryLatencyMs',
        'errors',
        'host',
        'instance',
        'intervalMs',
        'messagesIn',
        'messagesOut',
        'pid',
        'rates',
        'recordsConsumed',
        'role',
        'startedAt',
        'syncDeliveryLatencyMs',
        'ttlMs',
      ].sort(),
    );
    await publisher.stop();
    expect(board.removed).toEqual([publisher.instance]);
    expect(board.entries.size).toBe(0);
  });

  it('publishes at once when started, under the given instance name, and survives a failing board', async () => {
    const board = recordingBoard();
    const publisher = startOpsPublisher(board, {
      role: 'gateway',
      instance: 'gw-7',
      intervalMs: 60_000,
      ttlMs: 180_000,
      logger,
    });
    await new Promise((r) => setImmediate(r));
    expect([...board.entries.keys()]).toEqual(['gw-7']);
    await publisher.stop();
    const failing: OpsBoard = {
      publish: async () => Promise.reject(new Error('redis down')),
      remove: async () => Promise.reject(new Error('redis down')),
      list: async () => [],
    };
    const other = startOpsPublisher(failing, { role: 'group', intervalMs: 60_000, ttlMs: 180_000, logger });
    await new Promise((r) => setImmediate(r));
    await expect(other.stop()).resolves.toBeUndefined();
  });

  it('with a board that does not answer (Redis away): one write at a time, and the stop goes on after a bounded wait', async () => {
    jest.useFakeTimers();
    try {
      let writes = 0;
      const hanging: OpsBoard = {
        publish: () => ((writes += 1), new Promise<void>(() => undefined)),
        remove: () => new Promise<void>(() => undefined),
        list: async () => [],
      };
      const publisher = startOpsPublisher(hanging, { role: 'group', intervalMs: 100, ttlMs: 300, logger });
      await jest.advanceTimersByTimeAsync(1000);
      expect(writes).toBe(1);
      let stopped = false;
      const stop = publisher.stop().then(() => (stopped = true));
      await jest.advanceTimersByTimeAsync(999);
      expect(stopped).toBe(false);
      await jest.advanceTimersByTimeAsync(1001);
      await stop;
      expect(stopped).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
