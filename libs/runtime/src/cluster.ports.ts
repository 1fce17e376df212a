import type { Logger } from '@im/common';
import { KafkaBus } from '@im/bus';
import type { KafkaBusOptions } from '@im/bus';
import { MongoStore } from '@im/store';
import {
  RedisDeliveryPort,
  RedisOnceStore,
  RedisOpsBoard,
  RedisPresence,
  RedisRuleVersions,
  withRuleCache,
} from '@im/realtime';
import type { ClusterConfig } from './cluster.config';
import { isDraining } from './draining';
import { processMetrics } from './metrics';
import { startOpsPublisher } from './ops.publisher';
import type { OpsPublisher } from './ops.publisher';

export interface ClusterPorts {
  readonly bus: KafkaBus;
  readonly store: MongoStore;
  readonly delivery: RedisDeliveryPort;
  readonly presence: RedisPresence;
  readonly once: RedisOnceStore;
  /** The installation's operations board (every process's snapshot) and this process's publisher. */
  readonly ops: { readonly board: RedisOpsBoard; readonly publisher: OpsPublisher };
  /** True when every backend answers. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

function kafkaOptions(c: ClusterConfig, processName: string, logger: Logger): KafkaBusOptions {
  const sasl =
    c.IM_KAFKA_SASL_MECHANISM === 'none'
      ? undefined
      : {
          mechanism: c.IM_KAFKA_SASL_MECHANISM,
          username: c.IM_KAFKA_SASL_USERNAME ?? '',
          password: c.IM_KAFKA_SASL_PASSWORD ?? '',
        };
  return {
    brokers: [...c.IM_KAFKA_BROKERS],
    clientId: `${c.IM_KAFKA_CLIENT_ID}-${processName}`,
    logger: logger.child({ module: 'kafka' }),
    topicPartitions: c.IM_KAFKA_TOPIC_PARTITIONS,
    namespace: c.IM_KAFKA_NAMESPACE ?? '',
    sessionTimeoutMs: c.IM_KAFKA_SESSION_TIMEOUT_MS,
    onDeadLetter: (letter: { topic: string }) => processMetrics().deadLetters.inc({ topic: letter.topic }),
    onLag: (group: string, topic: string, partition: number, lag: number) =>
      processMetrics().consumerLag.set({ group, topic, partition: String(partition) }, lag),
    onConsumed: (group: string) => processMetrics().recordsConsumed.inc({ group }),
    replicationFactor: c.IM_KAFKA_REPLICATION_FACTOR,
    ...(c.IM_KAFKA_SSL ? { ssl: true } : {}),
    ...(sasl ? { sasl } : {}),
  } as KafkaBusOptions;
}

/**
 * Connects every cluster backend a process uses. A backend that cannot be reached fails the
 * start with its name, so an operator sees which endpoint is wrong.
 */
export async function connectCluster(
  c: ClusterConfig,
  processName: string,
  logger: Logger,
  options: {
    /** The name on the operations board; default `<process>@<host>:<pid>` (a gateway passes its id). */ opsInstance?: string;
  } = {},
): Promise<ClusterPorts> {
  const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw new Error(`cannot connect to ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const redisUrl = c.IM_REDIS_URL ?? '';
  const mongo = await step('MongoDB (IM_MONGO_URL)', () =>
    MongoStore.connect(c.IM_MONGO_URL ?? '', { logger: logger.child({ module: 'mongo' }) }),
  );
  // Every Redis key and channel per installation (`im:<namespace>:`, or `im:` without one), like
  // the call and chatroom keys: installations sharing one Redis (the test harnesses do) never see
  // each other's users, e.g. in a notice to everyone online.
  const registryPrefix = c.IM_KAFKA_NAMESPACE ? `im:${c.IM_KAFKA_NAMESPACE}:` : 'im:';
  const presence = await step('Redis (IM_REDIS_URL)', () =>
    RedisPresence.connect(redisUrl, { ttlMs: c.IM_PRESENCE_TTL_MS, prefix: registryPrefix, registryPrefix, logger }),
  );
  // A batch's deliveries go one publish per receiving gateway, located by presence (docs/architecture.md).
  const delivery = await step('Redis (IM_REDIS_URL)', () =>
    RedisDeliveryPort.connect(redisUrl, {
      prefix: registryPrefix,
      logger: logger.child({ module: 'delivery' }),
      locate: (userIds) => presence.gatewaysOf(userIds),
    }),
  );
  const once = await step('Redis (IM_REDIS_URL)', () => RedisOnceStore.connect(redisUrl, { prefix: registryPrefix }));
  // Group and relation reads from a per-process cache, checked against version tokens in Redis
  // that every group and relation write of any process bumps (docs/architecture.md).
  const versions = await step('Redis (IM_REDIS_URL)', () =>
    RedisRuleVersions.connect(redisUrl, { prefix: registryPrefix, logger }),
  );
  const store = withRuleCache(mongo, versions);
  const board = await step('Redis (IM_REDIS_URL)', () =>
    RedisOpsBoard.connect(redisUrl, { prefix: registryPrefix, logger: logger.child({ module: 'ops' }) }),
  );
  const bus = await step('Kafka (IM_KAFKA_BROKERS)', () => KafkaBus.connect(kafkaOptions(c, processName, logger)));
  const publisher = startOpsPublisher(board, {
    role: processName,
    ...(options.opsInstance ? { instance: options.opsInstance } : {}),
    intervalMs: c.IM_OPS_PUBLISH_MS,
    ttlMs: c.IM_OPS_TTL_MS,
    logger: logger.child({ module: 'ops' }),
  });
  return {
    bus,
    store,
    delivery,
    presence,
    once,
    ops: { board, publisher },
    async ready(): Promise<boolean> {
      if (isDraining()) return false;
      // Redis first (no round trip): a gateway without Redis cannot deliver live or dedupe retries.
      return (
        delivery.isReady() &&
        presence.isReady() &&
        once.isReady() &&
        versions.isReady() &&
        bus.isConnected() &&
        (await store.ping())
      );
    },
    async close(): Promise<void> {
      await publisher.stop();
      await bus.close();
      await Promise.allSettled([delivery.close(), presence.close(), once.close(), versions.close(), board.close()]);
      await store.close();
    },
  };
}
