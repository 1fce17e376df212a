import { KafkaProducerBatcher } from './kafka-producer.batcher';

interface Deferred {
  readonly items: readonly number[];
  resolve(): void;
  reject(e: Error): void;
}

/** A send function the test completes by hand, recording every call. */
function manualSender(): { calls: Deferred[]; send: (items: readonly number[]) => Promise<void> } {
  const calls: Deferred[] = [];
  const send = (items: readonly number[]): Promise<void> =>
    new Promise<void>((resolve, reject) => calls.push({ items, resolve, reject }));
  return { calls, send };
}

/** A batcher whose sends complete at once, recording each batch's items. */
function recordingBatcher(options: { lingerMs: number; maxRecords: number; maxBytes: number }): {
  sent: number[][];
  b: KafkaProducerBatcher<number>;
} {
  const sent: number[][] = [];
  return { sent, b: new KafkaProducerBatcher<number>(async (items) => void sent.push([...items]), options) };
}

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('KafkaProducerBatcher', () => {
  it('sends concurrent adds in one call, in order, after the linger', async () => {
    const { calls, send } = manualSender();
    const b = new KafkaProducerBatcher(send, { lingerMs: 2, maxRecords: 100, maxBytes: 1000 });
    const done = [1, 2, 3].map((n) => b.add(n, 1));
    expect(calls).toHaveLength(0);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
    calls[0]?.resolve();
    await expect(Promise.all(done)).resolves.toEqual([undefined, undefined, undefined]);
  });

  it('keeps one batch in flight and sends what arrived meanwhile right after it', async () => {
    const { calls, send } = manualSender();
    const b = new KafkaProducerBatcher(send, { lingerMs: 1, maxRecords: 100, maxBytes: 1000 });
    const first = b.add(1, 1);
    await tick();
    const later = [b.add(2, 1), b.add(3, 1)];
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.resolve();
    await first;
    await tick(0);
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3]]);
    calls[1]?.resolve();
    await Promise.all(later);
  });

  it('splits by record count and bytes', async () => {
    const { sent, b } = recordingBatcher({ lingerMs: 1, maxRecords: 2, maxBytes: 10 });
    await Promise.all([b.add(1, 1), b.add(2, 1), b.add(3, 8), b.add(4, 8), b.add(5, 1)]);
    expect(sent).toEqual([[1, 2], [3], [4, 5]]);
  });

  it('rejects every add of a failed batch, and only those', async () => {
    const { calls, send } = manualSender();
    const b = new KafkaProducerBatcher(send, { lingerMs: 1, maxRecords: 100, maxBytes: 1000 });
    const failed = [b.add(1, 1), b.add(2, 1)];
    await tick();
    const next = b.add(3, 1);
    calls[0]?.reject(new Error('broker down'));
    await expect(failed[0]).rejects.toThrow('broker down');
    await expect(failed[1]).rejects.toThrow('broker down');
    await tick(0);
    calls[1]?.resolve();
    await expect(next).resolves.toBeUndefined();
  });

  it('flush sends at once and waits for everything queued', async () => {
    const { sent, b } = recordingBatcher({ lingerMs: 60_000, maxRecords: 100, maxBytes: 1000 });
    const pending = [b.add(1, 1), b.add(2, 1)];
    await b.flush();
    expect(sent).toEqual([[1, 2]]);
    await Promise.all(pending);
  });
});
