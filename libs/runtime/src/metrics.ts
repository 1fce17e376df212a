import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { backendRequests } from '@im/common';
import { messageTypeSpec } from '@im/protocol';

/**
 * Prometheus metrics of this process: Node's default process metrics (CPU, memory, event loop
 * lag, GC, handles) plus the IM ones. One registry per process, created on first use, served
 * as `/metrics` by the gateway's HTTP server and by the health server of the other services.
 */
export interface ImMetrics {
  readonly registry: Registry;
  /** Socket.IO connections open on this process (summed over every tracked gateway). */
  readonly gatewayConnections: Gauge;
  /** `chat` events received from devices, by `messageType` ("invalid" when unreadable). */
  readonly messagesIn: Counter<'type'>;
  /** Downlinks emitted to devices, by `messageType`. */
  readonly messagesOut: Counter<'type'>;
  /** Uplinks answered with an error, by error code. */
  readonly errors: Counter<'code'>;
  /** From a `chat` event's arrival to its acknowledgement (accepted or refused). */
  readonly ackLatency: Histogram<'outcome'>;
  /** From a message's acceptance (`sendTime`) to a receiving device's acknowledgement, live deliveries only. */
  readonly deliveryLatency: Histogram;
  /** The same for what sync sent again after a device's type 1: measures time away, kept apart. */
  readonly syncDeliveryLatency: Histogram;
  /** Records written to a dead-letter topic, by source topic. */
  readonly deadLetters: Counter<'topic'>;
  /** Records behind a consumer group on one partition, as of its last fetch. */
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  /** Bus records a subscription of this process has handled, by consumer group. */
  readonly recordsConsumed: Counter<'group'>;
  /** Requests sent to each backend (store commands, Redis commands, Kafka requests), from `backendRequests`. */
  readonly backendRequests: Counter<'backend'>;
  /** Adds a source of the connections gauge; returns its removal (call on close). */
  trackConnections(count: () => number): () => void;
  /** The text exposition for a scrape. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

let instance: ImMetrics | undefined;

function create(): ImMetrics {
  const registry = new Registry();
  /** Seconds: fine below a second, then up to a day, so a slow delivery or a device away for hours still lands in a bucket. */
  const buckets = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400,
  ];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });
  const sources = new Set<() => number>();
  const gatewayConnections = new Gauge({
    name: 'im_gateway_connections',
    help: 'Socket.IO connections open on this process.',
    registers: [registry],
    collect() {
      let n = 0;
      for (const count of sources) n += count();
      this.set(n);
    },
  });
  const messagesIn = counter(
    'im_gateway_messages_in_total',
    'Chat events received from devices, by messageType ("invalid" when it cannot be read).',
    ['type'],
  );
  const messagesOut = counter('im_gateway_messages_out_total', 'Downlinks emitted to devices, by messageType.', [
    'type',
  ]);
  const errors = counter('im_errors_total', 'Uplinks answered with an error, by error code.', ['code']);
  const ackLatency = histogram(
    'im_ack_latency_seconds',
    'From a chat event arriving at the gateway to its acknowledgement.',
    ['outcome'],
  );
  const deliveryLatency = histogram(
    'im_delivery_latency_seconds',
    "From a message's acceptance to a receiving device's acknowledgement (end to end), for live deliveries only.",
    [],
  );
  const syncDeliveryLatency = histogram(
    'im_sync_delivery_latency_seconds',
    "From a message's acceptance to a device's acknowledgement of it when sync sent it (after the device's type 1): how long devices were away, not how fast delivery is.",
    [],
  );
  const deadLetters = counter('im_dead_letters_total', 'Records written to a dead-letter topic, by source topic.', [
    'topic',
  ]);
  const consumerLag = new Gauge({
    name: 'im_consumer_lag',
    help: 'Records behind a consumer group on one partition, as of its last fetch.',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
  });
  const recordsConsumed = counter(
    'im_bus_records_consumed_total',
    'Bus records a subscription of this process has handled, by consumer group.',
    ['group'],
  );
  const seen = { store: 0, redis: 0, kafka: 0 };
  const backendRequestsTotal = new Counter({
    name: 'im_backend_requests_total',
    help: 'Requests this process sent to each backend: store commands, Redis commands, Kafka requests.',
    labelNames: ['backend'] as const,
    registers: [registry],
    collect() {
      for (const backend of ['store', 'redis', 'kafka'] as const) {
        const now = backendRequests[backend];
        this.inc({ backend }, Math.max(0, now - seen[backend]));
        seen[backend] = now;
      }
    },
  });
  return {
    registry,
    backendRequests: backendRequestsTotal,
    consumerLag,
    recordsConsumed,
    gatewayConnections,
    messagesIn,
    messagesOut,
    errors,
    ackLatency,
    deliveryLatency,
    syncDeliveryLatency,
    deadLetters,
    trackConnections(count) {
      sources.add(count);
      return () => void sources.delete(count);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** The process's metrics (created on the first call). */
export function processMetrics(): ImMetrics {
  instance ??= create();
  return instance;
}

let defaultsOn = false;

/**
 * Node's process metrics (CPU, memory, event-loop lag, GC). Their collectors hold native
 * handles for the life of the process, so only process entry points turn them on, not the
 * libraries a test embeds.
 */
export function enableProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: processMetrics().registry });
}

const MESSAGE_TYPE_IN_JSON = /"messageType"\s*:\s*(\d{1,4})\b/;

/**
 * The `type` label of one `chat` payload (an object, or JSON text from old clients): the
 * numeric messageType when it is a known one, else "invalid" (bounded label values).
 */
export function messageTypeLabel(payload: unknown): string {
  let type: unknown;
  if (typeof payload === 'string') type = Number(MESSAGE_TYPE_IN_JSON.exec(payload)?.[1]);
  else if (payload !== null && typeof payload === 'object') type = (payload as { messageType?: unknown }).messageType;
  return typeof type === 'number' && messageTypeSpec(type) ? String(type) : 'invalid';
}
