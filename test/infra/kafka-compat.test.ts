// Proof that our Kafka client (kafkajs 2.2.4, unmaintained) really works against the broker
// version test/infra/kafka.sh runs. Needs the broker up:
//   bash test/infra/infra.sh up kafka && npx jest test/infra/kafka-compat.test.ts
// (under the repo's jest globalSetup the broker is started for you).
//
// kafkajs negotiates request versions from the broker's ApiVersions answer, but it only knows
// old versions (e.g. Produce <= v7, Fetch <= v11); Kafka 4.0 removed many old versions (KIP-896).
// So every kafkajs code path the services use is exercised for real here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CompressionTypes, ConfigResourceTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Admin, Consumer, EachMessagePayload, Producer } from 'kafkajs';
import { kafkaApiVersions } from './probe';
import type { KafkaApiRange } from './probe';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const INFRA_DIR = process.env.IM_INFRA_DIR ?? path.join(REPO_ROOT, '.infra');
const BROKERS = (process.env.IM_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((b) => b.trim());
const FIRST_BROKER = BROKERS[0] ?? '127.0.0.1:19092';

/** The version kafka.sh is configured to run (KAFKA_VERSION_DEFAULT, or IM_INFRA_KAFKA_VERSION). */
function expectedKafkaVersion(): string {
  if (process.env.IM_INFRA_KAFKA_VERSION) return process.env.IM_INFRA_KAFKA_VERSION;
  const script = fs.readFileSync(path.join(__dirname, 'kafka.sh'), 'utf8');
  const m = /^KAFKA_VERSION_DEFAULT="([^"]+)"/m.exec(script);
  if (!m?.[1]) throw new Error('KAFKA_VERSION_DEFAULT not found in test/infra/kafka.sh');
  return m[1];
}

/** The version the running broker logged at startup ("Kafka version: X" from AppInfoParser). */
function loggedKafkaVersion(): string | undefined {
  const log = path.join(INFRA_DIR, 'kafka', 'server.log');
  if (!fs.existsSync(log)) return undefined;
  const all = [...fs.readFileSync(log, 'utf8').matchAll(/INFO Kafka version: (\S+)/g)];
  return all[all.length - 1]?.[1];
}

function waitFor<T>(what: string, ms: number, start: (done: (v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
    start((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

const kafka = new Kafka({
  clientId: 'im-kafka-compat',
  brokers: BROKERS,
  // Retriable errors (leader election, rebalances) are logged by kafkajs at ERROR level; real
  // failures surface as rejected promises. KAFKAJS_LOG=1 shows everything.
  logLevel: process.env.KAFKAJS_LOG ? logLevel.DEBUG : logLevel.NOTHING,
  // straight to stderr, not console.*, so jest does not complain about logs after the tests end
  logCreator:
    () =>
    ({ namespace, level, log }) => {
      process.stderr.write(`kafkajs ${level} ${namespace} ${JSON.stringify(log)}\n`);
    },
  connectionTimeout: 3000,
  retry: { retries: 3, initialRetryTime: 200 },
});

const run = randomUUID().slice(0, 8);
const topic = `compat.messages.${run}`;
const autoTopic = `compat.auto.${run}`;
const groupId = `compat-group-${run}`;
const txnGroupId = `compat-txn-group-${run}`;
const cleanup = { topics: new Set([topic, autoTopic]), groups: new Set([groupId, txnGroupId]) };
const PARTITIONS = 3;
// Short fetch waits and heartbeats so rebalances complete in about a second.
const CONSUMER_OPTS = { groupId, heartbeatInterval: 500, sessionTimeout: 10_000, maxWaitTimeInMs: 500 };
const MESSAGES = 30;

let admin: Admin;
let producer: Producer;
const consumers: Consumer[] = [];

beforeAll(async () => {
  admin = kafka.admin();
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `cannot reach Kafka at ${BROKERS.join(',')}: ${(e as Error).message}\n` +
        'start it with: bash test/infra/infra.sh up kafka',
    );
  }
  // Idempotent: a produce request retried under load (timed out, yet written) is not written twice,
  // so the offsets below count exactly what was sent (a plain producer once left 35 for 30).
  producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
}, 30_000);

afterAll(async () => {
  await Promise.allSettled(consumers.map((c) => c.disconnect()));
  await producer?.disconnect().catch(() => undefined);
  if (admin) {
    if (cleanup.groups.size) await admin.deleteGroups([...cleanup.groups]).catch(() => undefined);
    if (cleanup.topics.size) await admin.deleteTopics({ topics: [...cleanup.topics] }).catch(() => undefined);
    await admin.disconnect();
  }
}, 30_000);

describe(`kafkajs 2.2.4 against the test broker (${BROKERS.join(',')})`, () => {
  let apis: Record<number, KafkaApiRange>;

  test('the broker is the Kafka version kafka.sh pins', async () => {
    const expected = expectedKafkaVersion();
    const running = fs.readFileSync(path.join(INFRA_DIR, 'kafka', 'running-version'), 'utf8').trim();
    expect(running).toBe(expected);
    const logged = loggedKafkaVersion();
    if (logged !== undefined) expect(logged).toBe(expected);

    // The ApiVersions the broker advertises must match that release line: Kafka >= 4.0 dropped
    // the oldest request versions (KIP-896), 3.x still accepts v0 of everything.
    apis = await kafkaApiVersions(FIRST_BROKER);
    const major = Number(expected.split('.')[0]);
    const fetch = apis[1];
    const listOffsets = apis[2];
    const offsetCommit = apis[8];
    expect(fetch).toBeDefined();
    expect(listOffsets).toBeDefined();
    expect(offsetCommit).toBeDefined();
    if (major >= 4) {
      expect(fetch?.min).toBeGreaterThanOrEqual(4);
      expect(listOffsets?.min).toBeGreaterThanOrEqual(1);
      expect(offsetCommit?.min).toBeGreaterThanOrEqual(2);
    } else {
      expect(fetch?.min).toBe(0);
      expect(offsetCommit?.min).toBe(0);
    }
  });

  test('admin: describeCluster and createTopics', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.clusterId).toEqual(expect.any(String));
    expect(cluster.controller).not.toBeNull();
    const [host, port] = FIRST_BROKER.split(':');
    expect(cluster.brokers).toEqual(expect.arrayContaining([expect.objectContaining({ host, port: Number(port) })]));

    // A busy broker may answer the leader wait with "does not host this topic-partition" for a
    // moment after creating the topic (seen under a load of 20 on 2 cores): the services' topic
    // registry retries it, and so does this test; the retry then finds the topic already there.
    let created: boolean | undefined;
    for (let attempt = 1; created === undefined; attempt++) {
      try {
        created = await admin.createTopics({
          topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
          waitForLeaders: true,
        });
      } catch (e) {
        const type = (e as { type?: string }).type;
        if (attempt >= 10 || (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE')) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    expect(typeof created).toBe('boolean');
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(md.topics[0]?.partitions).toHaveLength(PARTITIONS);
    expect(await admin.listTopics()).toContain(topic);
  });

  test('producer: acks=-1 (all) sends, gzip batch, auto-created topic', async () => {
    const first = await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: MESSAGES - 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    expect(first.length).toBeGreaterThan(0);
    for (const r of first) expect(r.errorCode).toBe(0);

    const batch = await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.GZIP,
      topicMessages: [
        { topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `g${i}`, value: `gzip-${i}` })) },
      ],
    });
    for (const r of batch) expect(r.errorCode).toBe(0);

    // auto.create.topics.enable=true: first send to an unknown topic creates it (may need a retry)
    const auto = await producer.send({ topic: autoTopic, acks: -1, messages: [{ value: 'hello' }] });
    expect(auto[0]?.errorCode).toBe(0);
    const autoMd = await admin.fetchTopicMetadata({ topics: [autoTopic] });
    expect(autoMd.topics[0]?.partitions.length).toBe(4); // num.partitions in server.properties
  });

  test('idempotent producer (InitProducerId) with acks=-1', async () => {
    const idem = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await idem.connect();
    try {
      const res = await idem.send({ topic: autoTopic, acks: -1, messages: [{ key: 'i', value: 'idempotent' }] });
      expect(res[0]?.errorCode).toBe(0);
    } finally {
      await idem.disconnect();
    }
  });

  test('admin: fetchTopicOffsets sees every produced message', async () => {
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(PARTITIONS);
    const total = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    expect(total).toBe(MESSAGES);
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 60_000);
    expect(byTime).toHaveLength(PARTITIONS);
  });

  test('consumer group: join, consume everything, commit offsets, describeGroups', async () => {
    const consumer = kafka.consumer(CONSUMER_OPTS);
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });

    const seen = new Map<number, string>(); // partition -> last offset
    let count = 0;
    await waitFor<void>(`${MESSAGES} messages`, 30_000, (done) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }: EachMessagePayload) => {
          seen.set(partition, message.offset);
          count += 1;
          if (count === MESSAGES) done();
        },
      });
    });
    expect(count).toBe(MESSAGES);

    await consumer.commitOffsets(
      [...seen].map(([partition, offset]) => ({ topic, partition, offset: String(Number(offset) + 1) })),
    );
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const high = await admin.fetchTopicOffsets(topic);
    for (const p of committed[0]?.partitions ?? []) {
      const h = high.find((o) => o.partition === p.partition);
      expect(p.offset).toBe(h?.high);
    }
    expect(committed[0]?.partitions).toHaveLength(PARTITIONS);

    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0]).toEqual(
      expect.objectContaining({ groupId, state: 'Stable', protocolType: 'consumer', errorCode: 0 }),
    );
    expect(groups[0]?.members).toHaveLength(1);
    const listed = await admin.listGroups();
    expect(listed.groups.map((g) => g.groupId)).toContain(groupId);
  }, 60_000);

  test('consumer group: a second member triggers a rebalance that splits the partitions', async () => {
    const first = consumers[0];
    if (!first) throw new Error('previous test did not create the first consumer');
    const second = kafka.consumer(CONSUMER_OPTS);
    consumers.push(second);
    const joined = waitFor<number>('the second member to get partitions', 30_000, (done) => {
      second.on(second.events.GROUP_JOIN, (e) => {
        const assigned = Object.values(e.payload.memberAssignment).flat().length;
        if (assigned > 0) done(assigned);
      });
    });
    await second.connect();
    await second.subscribe({ topics: [topic], fromBeginning: true });
    await second.run({ autoCommit: false, eachMessage: async () => undefined });
    const assigned = await joined;
    expect(assigned).toBeGreaterThan(0);
    expect(assigned).toBeLessThan(PARTITIONS);

    const described = await waitFor<number>('describeGroups to show 2 members', 20_000, (done) => {
      const poll = async (): Promise<void> => {
        const { groups } = await admin.describeGroups([groupId]);
        if (groups[0]?.state === 'Stable' && groups[0].members.length === 2) done(2);
        else setTimeout(() => void poll(), 250);
      };
      void poll();
    });
    expect(described).toBe(2);

    await Promise.all([first.disconnect(), second.disconnect()]);
    consumers.length = 0;
    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0]?.state).toBe('Empty');
  }, 60_000);

  test('transactional producer: commit, abort, sendOffsets; read_committed consumer', async () => {
    const txProducer = kafka.producer({
      transactionalId: `compat-tx-${run}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await txProducer.connect();
    try {
      const committed = await txProducer.transaction();
      await committed.send({ topic: autoTopic, messages: [{ key: 'tx', value: 'committed' }] });
      await committed.sendOffsets({
        consumerGroupId: txnGroupId,
        topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }],
      });
      await committed.commit();
      const aborted = await txProducer.transaction();
      await aborted.send({ topic: autoTopic, messages: [{ key: 'tx', value: 'aborted' }] });
      await aborted.abort();
    } finally {
      await txProducer.disconnect();
    }
    const offsets = await admin.fetchOffsets({ groupId: txnGroupId, topics: [topic] });
    expect(offsets[0]?.partitions.find((p) => p.partition === 0)?.offset).toBe('1');

    const reader = kafka.consumer({ ...CONSUMER_OPTS, groupId: `${txnGroupId}-reader`, readUncommitted: false });
    consumers.push(reader);
    cleanup.groups.add(`${txnGroupId}-reader`);
    const values: string[] = [];
    await reader.connect();
    await reader.subscribe({ topics: [autoTopic], fromBeginning: true });
    await waitFor<void>('the committed transactional message', 20_000, (done) => {
      void reader.run({
        eachMessage: async ({ message }: EachMessagePayload) => {
          const v = message.value?.toString() ?? '';
          values.push(v);
          if (v === 'committed') done();
        },
      });
    });
    expect(values).toContain('committed');
    expect(values).not.toContain('aborted');
    await reader.disconnect();
  }, 60_000);

  test('admin: describeConfigs', async () => {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
    });
    expect(res.resources[0]?.errorCode).toBe(0);
    expect(res.resources[0]?.configEntries[0]).toEqual(
      expect.objectContaining({ configName: 'cleanup.policy', configValue: 'delete' }),
    );
  });

  test('admin: deleteGroups and deleteTopics', async () => {
    const groups = [...cleanup.groups];
    const res = await admin.deleteGroups(groups);
    for (const g of res) expect(g.errorCode).toBe(0);
    cleanup.groups.clear();
    await admin.deleteTopics({ topics: [topic, autoTopic], timeout: 10_000 });
    cleanup.topics.clear();
    const left = await admin.listTopics();
    expect(left).not.toContain(topic);
    expect(left).not.toContain(autoTopic);
  });
});
