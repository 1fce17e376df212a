import { Coalescer } from './coalescer';
import type { ItemResult } from './coalescer';

/** A batch runner that records its batches and finishes each when told to. */
function gated(): {
  run: (xs: readonly number[]) => Promise<ItemResult<number>[]>;
  batches: number[][];
  release: () => void;
} {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const run = async (xs: readonly number[]): Promise<ItemResult<number>[]> => {
    batches.push([...xs]);
    await new Promise<void>((r) => gates.push(r));
    return xs.map((x) => (x < 0 ? { ok: false, error: new Error(`negative ${x}`) } : { ok: true, value: x * 10 }));
  };
  return { run, batches, release: () => gates.splice(0).forEach((g) => g()) };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe(Coalescer.name, () => {
  it('runs the items of one turn as one batch at once, and gathers the items submitted meanwhile into the next', async () => {
    const g = gated();
    const c = new Coalescer(g.run, { maxBatch: 100, maxInFlight: 1 });
    const first = [c.submit(1), c.submit(2)];
    await tick();
    expect(g.batches).toEqual([[1, 2]]);
    const later = [c.submit(3), c.submit(4), c.submit(5)];
    await tick();
    expect(g.batches).toHaveLength(1);
    expect(c.queued).toBe(3);
    g.release();
    expect(await Promise.all(first)).toEqual([10, 20]);
    await tick();
    expect(g.batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    g.release();
    expect(await Promise.all(later)).toEqual([30, 40, 50]);
  });

  it('keeps batches within maxBatch and at most maxInFlight of them running', async () => {
    const g = gated();
    const c = new Coalescer(g.run, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((x) => c.submit(x));
    await tick();
    expect(g.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    g.release();
    await tick();
    await tick();
    expect(g.batches).toEqual([[1, 2], [3, 4], [5]]);
    g.release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
  });

  it('fails only the item whose result is a failure; a batch that throws fails all its items', async () => {
    const c = new Coalescer(
      async (xs: readonly number[]) =>
        xs.map((x): ItemResult<number> =>
          x < 0 ? { ok: false, error: new Error(`negative ${x}`) } : { ok: true, value: x },
        ),
      { maxBatch: 10, maxInFlight: 1 },
    );
    const r = await Promise.allSettled([c.submit(1), c.submit(-1), c.submit(2)]);
    expect(r.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const boom = new Coalescer<number, number>(() => Promise.reject(new Error('store away')), {
      maxBatch: 10,
      maxInFlight: 1,
    });
    const both = await Promise.allSettled([boom.submit(1), boom.submit(2)]);
    expect(both.map((x) => (x.status === 'rejected' ? (x.reason as Error).message : 'ok'))).toEqual([
      'store away',
      'store away',
    ]);
    // And it goes on working after a failed batch.
    const again = new Coalescer<number, number>(async (xs) => xs.map((x) => ({ ok: true, value: x })), {
      maxBatch: 10,
      maxInFlight: 1,
    });
    expect(await again.submit(7)).toBe(7);
  });

  it('refuses a result list of the wrong length, and bad options', async () => {
    const c = new Coalescer<number, number>(async () => [], { maxBatch: 10, maxInFlight: 1 });
    await expect(c.submit(1)).rejects.toThrow('got 0 results');
    expect(() => new Coalescer(async () => [], { maxBatch: 0, maxInFlight: 1 })).toThrow('maxBatch');
    expect(() => new Coalescer(async () => [], { maxBatch: 1, maxInFlight: 0 })).toThrow('maxInFlight');
  });
});
