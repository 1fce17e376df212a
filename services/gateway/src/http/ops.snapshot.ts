import type { ImMetrics } from '@im/runtime';

export interface LatencySummary {
  /** Observations so far. */
  readonly count: number;
  /** Milliseconds, estimated from the histogram's buckets (undefined before any observation). */
  readonly p50: number | undefined;
  readonly p99: number | undefined;
}

/** What the console's operations view polls: running totals; it derives rates from two of them. */
export interface OpsSnapshot {
  readonly gatewayId: string;
  /** Milliseconds since the epoch on this process. */
  readonly at: number;
  readonly connections: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  readonly errors: number;
  readonly deadLetters: number;
  /** Records behind, summed over every consumer group and partition this process reports. */
  readonly consumerLag: number;
  readonly ackLatencyMs: LatencySummary;
  readonly deliveryLatencyMs: LatencySummary;
}

interface Sample {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number | undefined>>;
  readonly metricName?: string;
}

const sum = (values: readonly Sample[]): number => values.reduce((n, v) => n + v.value, 0);

/**
 * A quantile from cumulative histogram buckets (summed over labels), interpolated linearly
 * inside its bucket as Prometheus' histogram_quantile does; in the +Inf bucket, the largest
 * finite bound. Bounds in seconds, the answer in milliseconds.
 */
export function bucketQuantile(q: number, buckets: readonly { le: number; count: number }[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe * 1000;
      const inBucket = b.count - prevCount;
      const fraction = inBucket === 0 ? 1 : (rank - prevCount) / inBucket;
      return (prevLe + (b.le - prevLe) * fraction) * 1000;
    }
    prevLe = Number.isFinite(b.le) ? b.le : prevLe;
    prevCount = b.count;
  }
  return prevLe * 1000;
}

function latency(values: readonly Sample[]): LatencySummary {
  const byLe = new Map<number, number>();
  let count = 0;
  for (const v of values) {
    if (v.metricName?.endsWith('_bucket')) {
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + v.value);
    } else if (v.metricName?.endsWith('_count')) count += v.value;
  }
  const buckets = [...byLe].map(([le, n]) => ({ le, count: n }));
  return { count, p50: bucketQuantile(0.5, buckets), p99: bucketQuantile(0.99, buckets) };
}

/** This process's figures from its metrics registry (embedded: every service; cluster: this gateway). */
export async function opsSnapshot(metrics: ImMetrics, gatewayId: string, now: number): Promise<OpsSnapshot> {
  const [connections, messagesIn, messagesOut, errors, deadLetters, lag, ack, delivery] = await Promise.all([
    metrics.gatewayConnections.get(),
    metrics.messagesIn.get(),
    metrics.messagesOut.get(),
    metrics.errors.get(),
    metrics.deadLetters.get(),
    metrics.consumerLag.get(),
    metrics.ackLatency.get(),
    metrics.deliveryLatency.get(),
  ]);
  return {
    gatewayId,
    at: now,
    connections: sum(connections.values),
    messagesIn: sum(messagesIn.values),
    messagesOut: sum(messagesOut.values),
    errors: sum(errors.values),
    deadLetters: sum(deadLetters.values),
    consumerLag: sum(lag.values),
    ackLatencyMs: latency(ack.values as Sample[]),
    deliveryLatencyMs: latency(delivery.values as Sample[]),
  };
}
