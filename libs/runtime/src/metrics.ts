import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
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
  /** Adds a source of the connections gauge; returns its removal (call on close). */
  trackConnections(count: () => number): () => void;
  /** The text exposition for a scrape. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

let instance: ImMetrics | undefined;

function create(): ImMetrics {
  const registry = new Registry();
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
  const messagesIn = new Counter({
    name: 'im_gateway_messages_in_total',
    help: 'Chat events received from devices, by messageType ("invalid" when it cannot be read).',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  return {
    registry,
    gatewayConnections,
    messagesIn,
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
