import { MAX_UPDATE_STATEMENTS_IN_FLIGHT, MAX_UPDATES_PER_COMMAND, bulkUpdateInChunks } from './mongo.bulk';

describe('bulkUpdateInChunks', () => {
  it('sends the statements in order, at most MAX_UPDATES_PER_COMMAND per command, and sums the counts', async () => {
    const chunks: number[][] = [];
    const ops = Array.from({ length: MAX_UPDATES_PER_COMMAND * 2 + 3 }, (_, i) => i);
    const r = await bulkUpdateInChunks(ops, async (chunk) => {
      chunks.push(chunk);
      return { matchedCount: chunk.length, modifiedCount: 1, upsertedCount: 2 };
    });
    expect(chunks.map((c) => c.length)).toEqual([MAX_UPDATES_PER_COMMAND, MAX_UPDATES_PER_COMMAND, 3]);
    expect(chunks.flat()).toEqual(ops);
    expect(r).toEqual({ matchedCount: ops.length, modifiedCount: 3, upsertedCount: 6 });
  });

  it('like one unordered command, tries every chunk after a failure, then throws the first failure', async () => {
    const tried: number[] = [];
    const ops = Array.from({ length: MAX_UPDATES_PER_COMMAND * 3 }, (_, i) => i);
    const write = async (chunk: number[]) => {
      tried.push(chunk[0]!);
      if (tried.length < 3) throw new Error(`chunk ${tried.length} failed`);
      return { matchedCount: chunk.length, modifiedCount: 0, upsertedCount: 0 };
    };
    await expect(bulkUpdateInChunks(ops, write)).rejects.toThrow('chunk 1 failed');
    expect(tried).toEqual([0, MAX_UPDATES_PER_COMMAND, MAX_UPDATES_PER_COMMAND * 2]);
  });

  it('sends nothing for no statements', async () => {
    const write = jest.fn();
    expect(await bulkUpdateInChunks([], write)).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
    expect(write).not.toHaveBeenCalled();
  });

  it('runs the commands side by side, never more statements at once than the process budget, over all callers', async () => {
    let inFlight = 0;
    let peak = 0;
    const write = async (chunk: number[]) => {
      inFlight += chunk.length;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= chunk.length;
      return { matchedCount: chunk.length, modifiedCount: 0, upsertedCount: 0 };
    };
    const ops = Array.from({ length: MAX_UPDATES_PER_COMMAND * 10 }, (_, i) => i);
    const results = await Promise.all([1, 2, 3].map(() => bulkUpdateInChunks(ops, write)));
    expect(results.map((r) => r.matchedCount)).toEqual([ops.length, ops.length, ops.length]);
    expect(peak).toBeGreaterThan(MAX_UPDATES_PER_COMMAND);
    expect(peak).toBeLessThanOrEqual(MAX_UPDATE_STATEMENTS_IN_FLIGHT);
    expect(inFlight).toBe(0);
  });
});
