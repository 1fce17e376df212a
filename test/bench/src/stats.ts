/** Latency samples in milliseconds, kept whole (bounded by a reservoir) for exact percentiles. */
export class Samples {
  private readonly values: number[] = [];
  private seen = 0;
  constructor(private readonly limit = 200_000) {}

  add(v: number): void {
    this.seen++;
    if (this.values.length < this.limit) this.values.push(v);
    else {
      const i = Math.floor(Math.random() * this.seen);
      if (i < this.limit) this.values[i] = v;
    }
  }

  take(): number[] {
    return this.values.splice(0);
  }
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const s = Float64Array.from(values).sort();
  const at = (q: number): number => round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0);
  let sum = 0;
  for (const v of s) sum += v;
  return {
    count: s.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: round(s[s.length - 1] ?? 0),
    mean: round(sum / s.length),
  };
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
