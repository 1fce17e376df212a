import { randomInt } from 'node:crypto';

/** `count` equal shares of `total` (which must divide evenly). */
export function equalSplit(total: number, count: number): number[] {
  return Array.from({ length: count }, () => total / count);
}

/**
 * A lucky split: `count` shares of at least 1 fen summing to `total`, drawn uniformly among all
 * such splits (choose count-1 distinct cut points in 1..total-1). Fixed when the packet is made.
 */
export function luckySplit(total: number, count: number): number[] {
  if (count === 1) return [total];
  const cuts = new Set<number>();
  // Few cuts among many points: draw until distinct; many cuts: draw the points left out instead.
  if (count - 1 <= (total - 1) / 2) {
    while (cuts.size < count - 1) cuts.add(randomInt(1, total));
  } else {
    const out = new Set<number>();
    while (out.size < total - count) out.add(randomInt(1, total));
    for (let p = 1; p < total; p++) if (!out.has(p)) cuts.add(p);
  }
  const points = [0, ...[...cuts].sort((a, b) => a - b), total];
  return points.slice(1).map((p, i) => p - (points[i] ?? 0));
}
