// KafkaBus against the real broker that `npm test` starts (test/support/global-setup.ts):
// the Bus contract with two independent instances, then what only Kafka can show.
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import type { ISocketFactory } from 'kafkajs';
import { KafkaBus } from '@im/bus';
import type { DeadLetter, KafkaBusOptions, OpenTopics } from '@im/bus';
import { busContract } from '@im/bus/testing';
import { createLogger } from '@im/common';

jest.setTimeout(30_000);

function brokersOrFail(): string[] {
  const brokers = process.env.IM_TEST_KAFKA_BROKERS;
  if (!brokers) {
    throw new Error(
      'IM_TEST_KAFKA_BROKERS is not set: the KafkaBus tests need the real Kafka broker. ' +
        'Start the servers with: bash test/infra/infra.sh up all ' +
        '(then: eval "$(bash test/infra/infra.sh env)"), or run `npm test`, which starts them.',
    );
  }
  return brokers.split(',').map((b) => b.trim());
}

const BROKERS = brokersOrFail();
const logger = createLogger({ service: 'kafka-bus-test', level: process.env.IM_TEST_LOG_LEVEL ?? 'silent' });

function options(overrides: Partial<KafkaBusOptions> = {}): KafkaBusOptions {
  return { brokers: BROKERS, clientId: 'kafka-bus-test', logger, retryDelayMs: 20, ...overrides };
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const uniqueTopic = (what: string): string => `kafka-bus.${what}.${randomUUID().slice(0, 8)}`;

/** A port nothing listens on. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

busContract('KafkaBus', async () => {
  const [bus, peer] = await Promise.all([
    KafkaBus.connect<OpenTopics>(options({ clientId: 'contract-bus' })),
    KafkaBus.connect<OpenTopics>(options({ clientId: 'contract-peer' })),
  ]);
  return { bus, peer, close: async () => void (await Promise.all([bus.close(), peer.close()])) };
});

describe('KafkaBus on a real broker', () => {
  let bus: KafkaBus<OpenTopics>;
  let kafka: Kafka;

  beforeAll(async () => {
    bus = await KafkaBus.connect<OpenTopics>(options());
    kafka = new Kafka({ clientId: 'kafka-bus-test-raw', brokers: BROKERS, logLevel: logLevel.NOTHING });
  });
  afterAll(async () => {
    await bus.close();
  });

  it('reports consumer lag per group and partition as it catches up', async () => {
    const lags: number[] = [];
    const lagging = await KafkaBus.connect<OpenTopics>(options({ onLag: (_g, _t, _p, lag) => void lags.push(lag) }));
    const topic = `lag.${Date.now()}`;
    for (let i = 0; i < 30; i++) await bus.publish(topic, 'one-key', i);
    let handled = 0;
    const sub = await lagging.subscribe(topic, 'lag-group', async () => {
      handled++;
    });
    await waitFor(() => handled === 30, 'all 30 records');
    await sub.close();
    await lagging.close();
    expect(lags.length).toBeGreaterThan(0);
    expect(lags.every((l) => Number.isFinite(l) && l >= 0)).toBe(true);
  });

  it('keeps consuming after kafkajs stopped its consumer for good (a non-retriable error out of eachBatch): a new consumer takes over', async () => {
    // The lag callback runs inside eachBatch. kafkajs takes a TypeError (like a RangeError or a
    // SyntaxError) as unrecoverable: it stops the consumer with restart: false, which left the
    // subscription consuming nothing while the process lived on.
    let thrown = 0;
    const crashing = await KafkaBus.connect<OpenTopics>(
      options({
        onLag: () => {
          if (thrown++ === 0) throw new TypeError('a bug in a metrics callback');
        },
      }),
    );
    const t = uniqueTopic('replaced');
    const handled: unknown[] = [];
    const sub = await crashing.subscribe(t, 'replaced-group', async (r) => void handled.push(r.value));
    await bus.publish(t, 'k', 1);
    await bus.publish(t, 'k', 2);
    await waitFor(() => handled.length >= 2, 'both records, after the crash', 30_000);
    await sub.close();
    await crashing.close();
    expect(thrown).toBeGreaterThanOrEqual(2);
    expect(handled.slice(0, 2)).toEqual([1, 2]);
  });

  it('is connected once connect resolves, and not after close', async () => {
    const other = await KafkaBus.connect<OpenTopics>(options());
    expect(other.isConnected()).toBe(true);
    await other.close();
    expect(other.isConnected()).toBe(false);
    await expect(other.publish('x', 'k', 1)).rejects.toThrow('bus is closed');
  });

  it('dead-letters a record that is not JSON and keeps the partition flowing', async () => {
    const t = uniqueTopic('malformed');
    const ok: unknown[] = [];
    const letters: DeadLetter[] = [];
    const dlq = await bus.subscribe(`${t}.dlq`, 'dlq-reader', async (r) => void letters.push(r.value as DeadLetter));
    const sub = await bus.subscribe(t, 'g1', async (r) => void ok.push(r.value));
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: t,
      acks: -1,
      messages: [
        { key: 'k', value: '{"not": json' },
        { key: 'k', value: null },
      ],
    });
    await raw.disconnect();
    await bus.publish(t, 'k', { after: true });
    await waitFor(() => ok.length === 1 && letters.length === 2, 'two dead letters and the next record');
    expect(ok).toEqual([{ after: true }]);
    expect(letters[0]).toMatchObject({ topic: t, key: 'k', value: '{"not": json', group: 'g1', attempts: 0 });
    expect(letters[0]?.error).toMatch(/^malformed record: not JSON/);
    expect(letters[1]).toMatchObject({ topic: t, key: 'k', error: 'malformed record: no value' });
    await Promise.all([sub.close(), dlq.close()]);
  });

  it('resumes a group after a consumer closed mid-stream: nothing lost, nothing committed handled twice', async () => {
    const t = uniqueTopic('resume');
    const total = 150;
    const first: number[] = [];
    const second: number[] = [];
    const slow =
      (into: number[]) =>
      async (r: { value: unknown }): Promise<void> => {
        await new Promise((res) => setTimeout(res, 3));
        into.push(r.value as number);
      };
    const subA = await bus.subscribe(t, 'resumer', slow(first));
    await Promise.all(Array.from({ length: total }, (_, n) => bus.publish(t, 'one-key', n)));
    await waitFor(() => first.length >= 40, 'the first consumer to be mid-stream');
    await subA.close();

    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: 'resumer', topics: [t] });
    await admin.disconnect();
    // one key, one partition, a fresh topic: offset n holds record n
    const committed = Math.max(...(offsets?.partitions ?? []).map((p) => Number(p.offset)));
    expect(committed).toBe(first.length); // close commits everything it finished
    expect(first).toEqual(Array.from({ length: first.length }, (_, n) => n));

    const subB = await bus.subscribe(t, 'resumer', slow(second));
    await waitFor(() => first.length + second.length >= total, 'the rest of the records');
    await subB.close();
    expect(second[0]).toBe(committed);
    expect(new Set([...first, ...second]).size).toBe(total);
    expect(second.filter((n) => n < committed)).toEqual([]); // duplicates only of uncommitted records
  });

  it('handles the keys of one partition side by side, each key in order, and commits only finished prefixes', async () => {
    const t = uniqueTopic('keys');
    const single = await KafkaBus.connect<OpenTopics>(options({ topicPartitions: 1 }));
    const keys = Array.from({ length: 8 }, (_, k) => `key${k}`);
    const perKey = 25;
    const seen = new Map<string, number[]>();
    let inFlight = 0;
    let maxInFlight = 0;
    const sub = await single.subscribe(t, 'keyed', async (r) => {
      const { n } = r.value as { k: string; n: number };
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((res) => setTimeout(res, 2 + (n % 3) * 3));
      inFlight--;
      seen.set(r.key, [...(seen.get(r.key) ?? []), n]);
    });
    // Interleaved keys on one partition; each key's records in order.
    for (let n = 0; n < perKey; n++) await Promise.all(keys.map((k) => single.publish(t, k, { k, n })));
    await waitFor(() => [...seen.values()].reduce((a, v) => a + v.length, 0) >= keys.length * perKey, 'every record');
    await sub.close();
    for (const k of keys) expect(seen.get(k)).toEqual(Array.from({ length: perKey }, (_, n) => n));
    expect(maxInFlight).toBeGreaterThan(1);
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: 'keyed', topics: [t] });
    await admin.disconnect();
    expect(offsets?.partitions.map((p) => Number(p.offset))).toEqual([keys.length * perKey]);
    await single.close();
  });

  it('retries a record whose failures are transient (a store that is down) past maxAttempts, and does not dead-letter it', async () => {
    const t = uniqueTopic('transient');
    const letters: DeadLetter[] = [];
    const dlq = await bus.subscribe(`${t}.dlq`, 'dlq-reader', async (r) => void letters.push(r.value as DeadLetter));
    let calls = 0;
    const handled: unknown[] = [];
    const sub = await bus.subscribe(t, 'transient-group', async (r) => {
      calls++;
      if (calls <= 6)
        throw Object.assign(new Error('Server selection timed out after 1500 ms'), {
          name: 'MongoServerSelectionError',
        });
      handled.push(r.value);
    });
    await bus.publish(t, 'k', { stored: 'eventually' });
    await waitFor(() => handled.length === 1, 'the record after the outage', 30_000);
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all([sub.close(), dlq.close()]);
    expect(calls).toBe(7);
    expect(handled).toEqual([{ stored: 'eventually' }]);
    expect(letters).toEqual([]);
  });

  it('with keysConcurrentlyPerPartition 1 handles a partition strictly one record at a time', async () => {
    const t = uniqueTopic('serial');
    const serial = await KafkaBus.connect<OpenTopics>(options({ topicPartitions: 1, keysConcurrentlyPerPartition: 1 }));
    let inFlight = 0;
    let maxInFlight = 0;
    let handled = 0;
    const sub = await serial.subscribe(t, 'serial', async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((res) => setTimeout(res, 2));
      inFlight--;
      handled++;
    });
    await Promise.all(Array.from({ length: 40 }, (_, n) => serial.publish(t, `k${n % 8}`, n)));
    await waitFor(() => handled === 40, 'every record');
    await sub.close();
    await serial.close();
    expect(maxInFlight).toBe(1);
  });

  it('rejects a request quickly with the error of a handler that keeps failing', async () => {
    const t = uniqueTopic('request-fails');
    const sub = await bus.subscribe(t, 'failing', async () => {
      throw new Error('no such group');
    });
    const start = Date.now();
    await expect(bus.request(t, 'k', {}, { timeoutMs: 20_000 })).rejects.toThrow('no such group');
    expect(Date.now() - start).toBeLessThan(10_000);
    await sub.close();
  });

  it('rejects a request nobody answers with a timeout naming the topic', async () => {
    const t = uniqueTopic('unanswered');
    await expect(bus.request(t, 'k', {}, { timeoutMs: 1_500 })).rejects.toThrow(
      `request on ${t} timed out after 1500 ms`,
    );
  });

  it('rejects connect, naming the brokers, when no broker answers', async () => {
    const broker = `127.0.0.1:${await deadPort()}`;
    const start = Date.now();
    await expect(
      KafkaBus.connect<OpenTopics>(
        options({ brokers: [broker], connectionTimeout: 300, retry: { retries: 1, initialRetryTime: 100 } }),
      ),
    ).rejects.toThrow(`cannot reach Kafka at ${broker}`);
    expect(Date.now() - start).toBeLessThan(10_000);
  });

  it('rejects publish (does not hang) once the broker becomes unreachable', async () => {
    const port = await deadPort();
    let unreachable = false;
    const sockets = new Set<net.Socket>();
    // Like kafkajs's default factory, but once `unreachable` every connection goes to a dead port.
    const socketFactory: ISocketFactory = ({ host, port: brokerPort, onConnect }) => {
      const socket = net.connect(
        { host: unreachable ? '127.0.0.1' : host, port: unreachable ? port : brokerPort },
        onConnect,
      );
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      return socket;
    };
    const cut = await KafkaBus.connect<OpenTopics>(
      options({
        socketFactory,
        connectionTimeout: 300,
        requestTimeout: 2_000,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
      }),
    );
    const t = uniqueTopic('unreachable');
    await cut.publish(t, 'k', 'before');
    unreachable = true;
    for (const s of sockets) s.destroy(new Error('connection reset (test: broker gone)'));
    const start = Date.now();
    await expect(cut.publish(t, 'k', 'after')).rejects.toThrow();
    expect(Date.now() - start).toBeLessThan(15_000);
    expect(cut.isConnected()).toBe(false);
    await cut.close();
  });
});
