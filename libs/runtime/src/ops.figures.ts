import type { ImMetrics } from './metrics';

export interface LatencySummary {
  /** Observations so far. */
  readonly count: number;
  /** Milliseconds, estimated from the histogram's buckets (undefined before any observation). */
  readonly p50: number | undefined;
  readonly p99: number | undefined;
}

/** One process's running totals and latencies, read from its metrics registry. */
export interface OpsFigures {
  /** Socket.IO connections open (gateways; 0 elsewhere). */
  readonly connections: number;
  /** `chat` events received from devices (gateways). */
  readonly messagesIn: number;
  /** Downlinks emitted to devices (gateways). */
  readonly messagesOut: number;
  /** Bus records handled by this process's subscriptions (Kafka-fed services, and gateways' own subscriptions). */
  readonly recordsConsumed: number;
  /** Uplinks answered with an error. */
  readonly errors: number;
  readonly deadLetters: number;
  /** Records behind, summed over every consumer group and partition this process reports. */
  readonly consumerLag: number;
  readonly ackLatencyMs: LatencySummary;
  /** Live deliveries only: from acceptance to a device's acknowledgement. */
  readonly deliveryLatencyMs: LatencySummary;
  /** What sync sent again after a device's type 1 (how long devices were away), measured apart. */
  readonly syncDeliveryLatencyMs: LatencySummary;
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

/** This process's figures from its metrics registry (running totals since the process started). */
export async function opsFigures(metrics: ImMetrics): Promise<OpsFigures> {
  const [connections, messagesIn, messagesOut, consumed, errors, deadLetters, lag, ack, delivery, sync] =
    await Promise.all([
      metrics.gatewayConnections.get(),
      metrics.messagesIn.get(),
      metrics.messagesOut.get(),
      metrics.recordsConsumed.get(),
      metrics.errors.get(),
      metrics.deadLetters.get(),
      metrics.consumerLag.get(),
      metrics.ackLatency.get(),
      metrics.deliveryLatency.get(),
      metrics.syncDeliveryLatency.get(),
    ]);
  return {
    connections: sum(connections.values),
    messagesIn: sum(messagesIn.values),
    messagesOut: sum(messagesOut.values),
    recordsConsumed: sum(consumed.values),
    errors: sum(errors.values),
    deadLetters: sum(deadLetters.values),
    consumerLag: sum(lag.values),
    ackLatencyMs: latency(ack.values as Sample[]),
    deliveryLatencyMs: latency(delivery.values as Sample[]),
    syncDeliveryLatencyMs: latency(sync.values as Sample[]),
  };
}
