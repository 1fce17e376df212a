import { equalSplit, luckySplit } from './split';

describe('red packet splits', () => {
  it('equal: count equal shares', () => {
    expect(equalSplit(300, 3)).toEqual([100, 100, 100]);
  });

  it('lucky: every share at least 1 fen, summing to the total, at the extremes too', () => {
    for (const [total, count] of [
      [1, 1],
      [100, 100],
      [101, 100],
      [5, 4],
      [20_000, 100],
      [3, 2],
    ] as const) {
      for (let i = 0; i < 20; i++) {
        const shares = luckySplit(total, count);
        expect(shares).toHaveLength(count);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(shares.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
      }
    }
  });

  it('lucky: fair — no position is favoured (each share averages total / count over many draws)', () => {
    const draws = 4000;
    const sums = [0, 0, 0, 0, 0];
    for (let i = 0; i < draws; i++) luckySplit(100, 5).forEach((s, k) => (sums[k] = (sums[k] ?? 0) + s));
    // Standard deviation of each mean is about 0.26 fen: ±2 fen is more than 7 of them.
    for (const sum of sums) expect(Math.abs(sum / draws - 20)).toBeLessThan(2);
  });
});
