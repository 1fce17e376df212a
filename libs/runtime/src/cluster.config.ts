import type { ConfigOf, ConfigSchema } from '@im/common';

/** Where the real backends are. Every cluster process reads these. */
export const CLUSTER_CONFIG = {
  IM_KAFKA_BROKERS: {
    kind: 'list',
    doc: 'Cluster mode: Kafka bootstrap brokers, comma-separated (`host:port,...`). Required.',
  },
  IM_KAFKA_CLIENT_ID: {
    kind: 'string',
    default: 'im',
    doc: 'Cluster mode: Kafka client id prefix (the process name is appended).',
  },
  IM_KAFKA_NAMESPACE: {
    kind: 'string',
    default: '',
    doc: 'Cluster mode: prefix of every topic and consumer group name (`<namespace>.im.messages`), and of every Redis key and channel (`im:<namespace>:`: presence, deliveries, calls, chatrooms, the Socket.IO adapter), so several installations (or test runs) can share one Kafka and Redis.',
  },
  IM_KAFKA_TOPIC_PARTITIONS: {
    kind: 'int',
    default: 12,
    min: 1,
    doc: 'Cluster mode: partitions of a topic this system creates.',
  },
  IM_KAFKA_REPLICATION_FACTOR: {
    kind: 'int',
    default: 1,
    min: 1,
    doc: 'Cluster mode: replication factor of a topic this system creates (3 in production).',
  },
  IM_KAFKA_SESSION_TIMEOUT_MS: {
    kind: 'int',
    default: 10000,
    min: 6000,
    doc: 'Cluster mode: how long a consumer group waits for a silent (crashed) member before handing its partitions on.',
  },
  IM_KAFKA_SSL: { kind: 'bool', default: false, doc: 'Cluster mode: connect to Kafka over TLS.' },
  IM_KAFKA_SASL_MECHANISM: {
    kind: 'enum',
    values: ['none', 'plain', 'scram-sha-256', 'scram-sha-512'],
    default: 'none',
    doc: 'Cluster mode: Kafka SASL mechanism.',
  },
  IM_KAFKA_SASL_USERNAME: { kind: 'string', doc: 'Cluster mode: Kafka SASL user name.' },
  IM_KAFKA_SASL_PASSWORD: { kind: 'string', secret: true, doc: 'Cluster mode: Kafka SASL password.' },
  IM_MONGO_URL: {
    kind: 'string',
    doc: 'Cluster mode: MongoDB connection string with the database name (TLS, auth and pool options go in the URL; `maxPoolSize` is 20 per process unless it says otherwise). Required.',
  },
  IM_REDIS_URL: { kind: 'string', doc: 'Cluster mode: Redis 7 URL (`redis://` or `rediss://`). Required.' },
  IM_PRESENCE_TTL_MS: {
    kind: 'int',
    default: 60000,
    min: 3000,
    doc: 'Cluster mode: a gateway that stops refreshing for this long has its sessions counted offline.',
  },
  IM_OPS_PUBLISH_MS: {
    kind: 'int',
    default: 5000,
    min: 100,
    doc: 'Cluster mode: how often every process publishes its operations snapshot (connections, rates, latencies, lag, dead letters) to Redis for the console’s operations view.',
  },
  IM_OPS_TTL_MS: {
    kind: 'int',
    default: 15000,
    min: 200,
    doc: 'Cluster mode: how long a process’s operations snapshot outlives its last publication, so a dead process leaves the view (at least twice `IM_OPS_PUBLISH_MS`).',
  },
  IM_HEALTH_PORT: {
    kind: 'int',
    default: 9464,
    min: 0,
    max: 65535,
    doc: 'Cluster mode, non-gateway services: port of /healthz and /readyz.',
  },
} as const satisfies ConfigSchema;

export type ClusterConfig = ConfigOf<typeof CLUSTER_CONFIG>;

/** The required endpoints, checked together so one error names every missing one. */
export function missingEndpoints(c: ClusterConfig): string[] {
  const missing: string[] = [];
  if (c.IM_KAFKA_BROKERS.length === 0) missing.push('IM_KAFKA_BROKERS: required in cluster mode');
  if (!c.IM_MONGO_URL) missing.push('IM_MONGO_URL: required in cluster mode');
  if (!c.IM_REDIS_URL) missing.push('IM_REDIS_URL: required in cluster mode');
  return missing;
}
