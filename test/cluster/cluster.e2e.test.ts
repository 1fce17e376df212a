import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ClusterHarness, clusterEndpoints } from '../support/cluster-harness';
import { deliveryFigures, report, sendMany } from '../support/fault-figures';
import { FAULT_SECONDS, openConversations, sustainedRow } from '../support/sustained-load';
import type { ImMessage } from '@im/protocol';

jest.setTimeout(240_000);

describe('cluster mode on real Redis, Kafka and FerretDB', () => {
  let h: ClusterHarness;
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2 });
  });
  afterAll(() => h?.stop());

  it('lets clients on two gateways exchange 1:1 and group messages with acks, and catches up an offline device', async () => {
    const alice = await h.connect(0, 'c-alice', { version: 4 });
    const bob = await h.connect(1, 'c-bob', { version: 2 });
    const m = alice.message('c-bob', 'across gateways');
    expect(await alice.send(m)).toMatchObject({ code: 0, msgId: m.msgId });
    await bob.waitForMessages(1, 2, 20_000);
    expect(bob.ofType(2)[0]).toMatchObject({ msgId: m.msgId, seq: 1, fromId: 'c-alice' });
    const back = bob.message('c-alice', 'and back');
    expect((await bob.send(back)).code).toBe(0);
    await alice.waitForMessages(1, 2, 20_000);

    const groupId = await h.createGroup(0, 'c-alice', ['c-bob', 'c-carol']);
    const g = bob.message(groupId, 'hello group', { fromType: 2 });
    expect((await bob.send(g)).code).toBe(0);
    await alice.waitFor(() => alice.received.some((x) => x.msgId === g.msgId), 20_000, 'group message');

    // c-carol was offline for all of it: she catches up after type 1 on either gateway.
    const carol = await h.connect(1, 'c-carol');
    await carol.waitForMessages(1, 2, 20_000);
    expect(carol.ofType(2).map((x) => x.msgId)).toEqual([g.msgId]);
  });

  it('refuses a non-member in a group and a spoofed sender across the cluster', async () => {
    const groupId = await h.createGroup(1, 'c-owner2', ['c-member2']);
    const outsider = await h.connect(0, 'c-outsider');
    expect(await outsider.send(outsider.message(groupId, 'let me in', { fromType: 2 }))).toMatchObject({ code: 40302 });
    expect(await outsider.send({ ...outsider.message('c-member2', 'x'), fromId: 'c-owner2' })).toMatchObject({
      code: 40301,
    });
  });

  it('routes a user’s deliveries only to the gateway that holds the user', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(clusterEndpoints().redisUrl);
    try {
      const u = `c-route-${randomUUID().slice(0, 6)}`;
      const subscribers = async (): Promise<number> =>
        Number(((await redis.call('PUBSUB', 'SHARDNUMSUB', `im:${h.namespace}:dl:{${u}}`)) as unknown[])[1]);
      expect(await subscribers()).toBe(0);
      const client = await h.connect(1, u);
      expect(await subscribers()).toBe(1);
      const second = await h.connect(1, u, { deviceId: 'second' });
      expect(await subscribers()).toBe(1);
      client.close();
      second.close();
      const start = Date.now();
      while ((await subscribers()) !== 0 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 50));
      expect(await subscribers()).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('loses nothing and duplicates nothing when the message service is killed with -9 in the middle of 1,000 sends', async () => {
    const sender = await h.connect(0, 'k-sender');
    const phone = await h.connect(0, 'k-receiver', { deviceId: 'phone' });
    const pc = await h.connect(1, 'k-receiver', { deviceId: 'pc' });
    let killed: Promise<void> | undefined;
    const { sent, acked } = await sendMany(sender, 'k-receiver', 1000, {
      onAcked: (n) => {
        if (n === 300 && !killed) {
          killed = (async () => {
            await h.kill('message');
            await new Promise((r) => setTimeout(r, 2000));
            await h.restart('message');
          })();
        }
      },
    });
    await killed;
    for (const d of [phone, pc])
      await d.waitFor(() => deliveryFigures(d, acked).delivered === acked.size, 120_000, 'every acked message');
    await new Promise((r) => setTimeout(r, 1000));
    const history: ImMessage[] = [];
    for (let after = 0; ;) {
      const page = await h.http(1, 'GET', `/v1/messages?peerId=k-sender&afterSeq=${after}&limit=500`, 'k-receiver');
      history.push(...(page.body.messages as ImMessage[]));
      if (page.body.messages.length < 500) break;
      after = page.body.messages[page.body.messages.length - 1].seq;
    }
    const storedIds = history.map((m) => m.msgId);
    const stored = new Set(storedIds);
    const figures = { sent: sent.length, acked: acked.size, stored: stored.size, storedCopies: storedIds.length };
    for (const [name, d] of [
      ['phone', phone],
      ['pc', pc],
    ] as const) {
      const f = deliveryFigures(d, acked);
      report(`kill -9 message service: ${name}`, {
        ...figures,
        delivered: f.delivered,
        duplicates: f.duplicates,
        outOfOrder: f.outOfOrder,
      });
      expect(f).toEqual({ delivered: acked.size, duplicates: 0, outOfOrder: 0 });
    }
    expect(acked.size).toBe(sent.length);
    expect([...acked].every((id) => stored.has(id))).toBe(true);
    expect(storedIds.length).toBe(stored.size);
  });

  it(`sustained (row 2b): the message service killed with -9 in the middle of ${FAULT_SECONDS} s of steady traffic at IM_FAULT_RATE, restarted 2 s later`, async () => {
    const conversations = await openConversations(h, 'ks', 6, ['phone', 'pc']);
    await sustainedRow('row 2b-sustained kill -9 message service', conversations, {
      faultAtSec: FAULT_SECONDS / 2 - 2,
      fault: async () => {
        await h.kill('message');
        await new Promise((r) => setTimeout(r, 2000));
        await h.restart('message');
      },
    });
    expect(h.exited()).toEqual([]);
  });

  it('loses nothing when a gateway is killed with -9: its clients reconnect to the other gateway', async () => {
    const sender = await h.connect(0, 'g-sender');
    const onDoomed = await h.connect(1, 'g-receiver', { deviceId: 'tablet' });
    const first = await sendMany(sender, 'g-receiver', 50);
    await onDoomed.waitFor(() => deliveryFigures(onDoomed, first.acked).delivered === 50, 30_000, 'first 50');
    await h.kill('gateway1');
    await onDoomed.waitFor(() => !onDoomed.connected, 10_000, 'disconnect');
    const during = await sendMany(sender, 'g-receiver', 50);
    const moved = await h.connect(0, 'g-receiver', { deviceId: 'tablet' });
    const all = new Set([...first.acked, ...during.acked]);
    const union = (): Set<string> => new Set([...onDoomed.ofType(2), ...moved.ofType(2)].map((m) => m.msgId));
    await moved.waitFor(() => [...all].every((id) => union().has(id)), 30_000, 'everything after reconnect');
    report('kill -9 gateway', {
      acked: all.size,
      received: [...all].filter((id) => union().has(id)).length,
      resentAfterReconnect: moved.ofType(2).filter((m) => first.acked.has(m.msgId)).length,
    });
    await h.restart('gateway1');
  });

  it('dead-letters a poison record on the messages topic and keeps the partition flowing', async () => {
    const kafka = new Kafka({
      clientId: 'poison-test',
      brokers: clusterEndpoints().kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    const topic = `${h.namespace}.im.messages`;
    const poisonKey = 'p:poison-a:poison-b';
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: poisonKey, value: '{"this is": not json' },
        { key: poisonKey, value: JSON.stringify({ kind: 'chat', nonsense: true }) },
      ],
    });
    await producer.disconnect();
    const a = await h.connect(0, 'poison-a');
    const b = await h.connect(1, 'poison-b');
    const m = a.message('poison-b', 'after the poison');
    expect((await a.send(m)).code).toBe(0);
    await b.waitFor(() => b.received.some((x) => x.msgId === m.msgId), 60_000, 'message after poison');

    const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
    const letters: { error?: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void letters.push(JSON.parse(message.value?.toString() ?? '{}') as { error?: string }),
    });
    const start = Date.now();
    while (letters.length < 2 && Date.now() - start < 30_000) await new Promise((r) => setTimeout(r, 200));
    await consumer.disconnect();
    expect(letters.length).toBeGreaterThanOrEqual(2);
    for (const l of letters) expect(l.error).toEqual(expect.any(String));
  });

  it('drains a gateway on SIGTERM: readiness turns false, clients move, no acknowledged message is lost', async () => {
    const receiver = await h.connect(0, 'dr-receiver');
    let sender = await h.connect(1, 'dr-sender', { deviceId: 'phone' });
    const acked = new Set<string>();
    const unacked: ImMessage[] = [];
    let stop = false;
    const sending = (async () => {
      for (let i = 0; !stop; i++) {
        const m = sender.message('dr-receiver', `drain ${i}`);
        const ack = await sender.send(m, 3000).catch(() => undefined);
        if (ack?.code === 0) acked.add(m.msgId);
        else unacked.push(m);
        if (!sender.connected) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const exit = h.terminate('gateway1');
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${h.gatewayUrl(1)}/readyz`).catch(() => undefined))?.status ?? 503).toBe(503);
    await sender.waitFor(() => !sender.connected, 10_000, 'the drain to close the transport');
    await sending;
    // The client reconnects (through the load balancer, here: to the other gateway) and retries what got no ack.
    sender = await h.connect(0, 'dr-sender', { deviceId: 'phone' });
    for (const m of unacked) if ((await sender.send(m)).code === 0) acked.add(m.msgId);
    expect(await exit).toBe(0);
    await receiver.waitFor(
      () => [...acked].every((id) => receiver.received.some((x) => x.msgId === id)),
      30_000,
      'every acknowledged message',
    );
    const copies = receiver.ofType(2).filter((x) => acked.has(x.msgId)).length;
    report('SIGTERM drain of a gateway', { acked: acked.size, retried: unacked.length, received: copies });
    expect(acked.size).toBeGreaterThan(5);
    expect(copies).toBe(acked.size);
    stop = true;
    await h.restart('gateway1');
  });
});
