// Fault rows of docs/reliability.md on the real Redis, Kafka and FerretDB: the connection cut
// between the server's acceptance and the client's ack, Redis unreachable for 5 s, the store
// unreachable for 5 s. Each row prints its figures (`[row] k=v ...`). A TcpProxy stands between
// the cluster and the server a row takes away, so other test files sharing the servers are not
// disturbed.
import { readFileSync } from 'node:fs';
import { ClusterHarness, clusterEndpoints } from '../support/cluster-harness';
import { tokenFor } from '../support/embedded-harness';
import { deliveryFigures, deliveryP99, expectNothingLost, historyOf, report, sendMany } from '../support/fault-figures';
import { ImTestClient } from '../support/im-client';
import { FAULT_SECONDS, openConversations, sustainedRow } from '../support/sustained-load';
import { TcpProxy } from '../support/tcp-proxy';

jest.setTimeout(240_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function ready(url: string): Promise<boolean> {
  return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.status === 200,
    () => false,
  );
}

/** Polls `/readyz` every 200 ms until stopped; returns what it saw in order (deduplicated runs). */
function watchReadiness(url: string): { stop: () => Promise<boolean[]> } {
  const seen: boolean[] = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      const r = await ready(url);
      if (seen[seen.length - 1] !== r) seen.push(r);
      await sleep(200);
    }
  })();
  return {
    stop: async () => {
      on = false;
      await loop;
      const last = await ready(url);
      if (seen[seen.length - 1] !== last) seen.push(last);
      return seen;
    },
  };
}

describe('row 1: the connection is cut after the server accepted a message, before the client saw the ack', () => {
  let h: ClusterHarness;
  let proxy: TcpProxy;
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2 });
    proxy = await TcpProxy.start('127.0.0.1', h.gatewayPorts[0]!);
  });
  afterAll(async () => {
    await proxy?.close();
    await h?.stop();
  });

  it("stores and delivers the client's retry with the same msgId exactly once", async () => {
    const rounds = 10;
    const receiver = await h.connect(1, 'cut-receiver');
    const url = proxy.urlFor(h.gatewayUrl(0));
    let sender = await ImTestClient.connect(url, 'cut-sender', tokenFor('cut-sender'), { deviceId: 'phone' });
    const acked = new Set<string>();
    let ackLost = 0;
    for (let i = 0; i < rounds; i++) {
      const m = sender.message('cut-receiver', `cut ${i}`);
      proxy.swallowDownstream();
      const lost = sender.send(m, 1000).then(
        () => 'acked',
        () => 'no ack',
      );
      // The server accepted it: the receiver on the other gateway has it.
      await receiver.waitFor(() => receiver.arrivedAt.has(m.msgId), 30_000, `message ${i} at the receiver`);
      proxy.cutAll();
      proxy.up();
      if ((await lost) === 'no ack') ackLost++;
      sender.close();
      sender = await ImTestClient.connect(url, 'cut-sender', tokenFor('cut-sender'), { deviceId: 'phone' });
      const retry = await sender.send(m, 10_000);
      expect(retry.code).toBe(0);
      acked.add(m.msgId);
    }
    sender.close();
    await sleep(1000);
    const history = await historyOf((p) => h.http(1, 'GET', p, 'cut-receiver'), 'cut-sender');
    const storedIds = history.map((m) => m.msgId);
    const f = deliveryFigures(receiver, acked);
    report('row 1 ack lost, retried', {
      sent: rounds,
      ackLost,
      acked: acked.size,
      stored: new Set(storedIds).size,
      storedCopies: storedIds.length,
      delivered: f.delivered,
      duplicates: f.duplicates,
      outOfOrder: f.outOfOrder,
    });
    expect(ackLost).toBe(rounds);
    expect(storedIds.filter((id) => acked.has(id))).toHaveLength(rounds);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect(f).toEqual({ delivered: rounds, duplicates: 0, outOfOrder: 0 });
  });
});

describe('row 3: Redis unreachable for 5 s', () => {
  let h: ClusterHarness;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const redis = new URL(clusterEndpoints().redisUrl);
    proxy = await TcpProxy.start(redis.hostname, Number(redis.port));
    h = await ClusterHarness.start({ gateways: 2, endpoints: { redisUrl: proxy.urlFor(clusterEndpoints().redisUrl) } });
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
  });

  it('loses no acknowledged message, recovers missed deliveries by sync, and readiness turns false and back', async () => {
    const sender = await h.connect(0, 'rd-sender');
    const phone = await h.connect(1, 'rd-receiver', { deviceId: 'phone' });
    const pc = await h.connect(0, 'rd-receiver', { deviceId: 'pc' });
    const watch = [watchReadiness(h.gatewayUrl(0)), watchReadiness(h.gatewayUrl(1))];
    let outage: Promise<void> | undefined;
    const figures = await sendMany(sender, 'rd-receiver', 300, {
      attempts: 60,
      retryDelayMs: 300,
      ackTimeoutMs: 3000,
      onAcked: (n) => {
        if (n === 100 && !outage) {
          outage = proxy.outage(5000);
        }
      },
    });
    await outage;
    // Ready again on its own, then a sync recovers what live delivery missed.
    const start = Date.now();
    while (!((await ready(h.gatewayUrl(0))) && (await ready(h.gatewayUrl(1)))) && Date.now() - start < 60_000)
      await sleep(200);
    const seen = await Promise.all(watch.map((w) => w.stop()));
    for (const d of [phone, pc]) {
      if (d.connected) await d.sendReady();
    }
    await expectNothingLost(
      'row 3 Redis down 5 s',
      () => historyOf((p) => h.http(0, 'GET', p, 'rd-receiver'), 'rd-sender'),
      { phone, pc },
      figures,
      60_000,
      () => h.trouble(),
    );
    for (const s of seen) {
      // Ready, not ready during the outage (it may flap while connections come back), ready.
      expect(s[0]).toBe(true);
      expect(s).toContain(false);
      expect(s[s.length - 1]).toBe(true);
    }
    expect(h.exited()).toEqual([]);
  });

  it(`sustained: Redis unreachable for 5 s in the middle of ${FAULT_SECONDS} s of steady traffic at IM_FAULT_RATE`, async () => {
    const conversations = await openConversations(h, 'rds', 6, ['phone', 'pc']);
    await sustainedRow('row 3-sustained Redis down 5 s', conversations, {
      faultAtSec: FAULT_SECONDS / 2 - 3,
      fault: () => proxy.outage(5000),
    });
    expect(h.exited()).toEqual([]);
  });
});

describe('row 5: the store (FerretDB) unreachable for 5 s', () => {
  let h: ClusterHarness;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const mongo = new URL(clusterEndpoints().mongoUrl);
    proxy = await TcpProxy.start(mongo.hostname, Number(mongo.port));
    // Server selection gives up after 1.5 s instead of 30 s, so the 5 s outage makes the message
    // service's writes fail (and be retried as transient) instead of merely waiting.
    const mongoUrl = new URL(proxy.urlFor(clusterEndpoints().mongoUrl));
    mongoUrl.searchParams.set('serverSelectionTimeoutMS', '1500');
    h = await ClusterHarness.start({ gateways: 2, endpoints: { mongoUrl: mongoUrl.toString() } });
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
  });

  it('pauses and retries without losing or duplicating anything acknowledged', async () => {
    const sender = await h.connect(0, 'st-sender');
    const receiver = await h.connect(1, 'st-receiver');
    let outage: Promise<void> | undefined;
    const figures = await sendMany(sender, 'st-receiver', 300, {
      attempts: 60,
      retryDelayMs: 300,
      ackTimeoutMs: 3000,
      onAcked: (n) => {
        if (n === 100 && !outage) {
          outage = proxy.outage(5000);
        }
      },
    });
    await outage;
    await expectNothingLost(
      'row 5 store down 5 s',
      () => historyOf((p) => h.http(0, 'GET', p, 'st-receiver'), 'st-sender'),
      { receiver },
      figures,
      90_000,
      () => h.trouble(),
    );
    expect(h.exited()).toEqual([]);
    // The batch path retries the whole batch; a batch handed to the record path retries the record.
    expect(h.logOf('message')).toMatch(/a dependency is unavailable; retrying the (batch|record) until it is back/);
    expect(h.logOf('message')).not.toContain('record dead-lettered');
    // Every failure of the outage was taken for what it is (the store away), none for a fault of
    // the record: those are retried only a few times and then dead-lettered, a loss in a longer outage.
    const misread = h
      .logOf('message')
      .split('\n')
      .filter((l) => l.includes('handling the record failed') || l.includes('batch failed; handling its records'));
    expect(misread).toEqual([]);
    // Nothing for a device was dropped while the gateways could not reach the store.
    for (const g of ['gateway0', 'gateway1'] as const) expect(h.logOf(g)).not.toContain('downlink task failed');
  });
});

describe('row 7: 200 ms delay and 5 % loss between the clients and the gateways (userspace, see docs/reliability.md)', () => {
  let h: ClusterHarness;
  const proxies: TcpProxy[] = [];
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2 });
    for (const port of h.gatewayPorts) proxies.push(await TcpProxy.start('127.0.0.1', port));
    // Seeded, so a failure can be replayed: a "lost" segment arrives after a retransmission delay.
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const p of proxies) p.impair({ delayMs: 200, lossRate: 0.05, retransmitMs: 600, random });
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await h?.stop();
  });

  it('loses nothing and duplicates nothing; order per conversation holds', async () => {
    const via = (i: number): string => proxies[i]!.urlFor(h.gatewayUrl(i));
    const sender = await ImTestClient.connect(via(0), 'nm-sender', tokenFor('nm-sender'), { deviceId: 'phone' });
    const phone = await ImTestClient.connect(via(1), 'nm-receiver', tokenFor('nm-receiver'), { deviceId: 'phone' });
    const pc = await ImTestClient.connect(via(0), 'nm-receiver', tokenFor('nm-receiver'), { deviceId: 'pc' });
    try {
      const figures = await sendMany(sender, 'nm-receiver', 200, { ackTimeoutMs: 15_000, retryDelayMs: 500 });
      await expectNothingLost(
        'row 7 delay 200 ms + 5 % loss',
        () => historyOf((p) => h.http(0, 'GET', p, 'nm-receiver'), 'nm-sender'),
        { phone, pc },
        figures,
      );
    } finally {
      for (const c of [sender, phone, pc]) c.close();
    }
  });
});

describe('row 6: message service instances restarted every 2 s during load (rebalance storm)', () => {
  let h: ClusterHarness;
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2, messageInstances: 2 });
  });
  afterAll(() => h?.stop());

  it('loses nothing, duplicates nothing, and keeps every conversation in order', async () => {
    const pairs = 4;
    const senders = await Promise.all(Array.from({ length: pairs }, (_, i) => h.connect(0, `rb-s${i}`)));
    const receivers = await Promise.all(Array.from({ length: pairs }, (_, i) => h.connect(1, `rb-r${i}`)));
    let loading = true;
    let restarts = 0;
    const names = ['message', 'message-1'] as const;
    // Alternately kill -9 and SIGTERM one of the two consumers of the group, then start it again.
    const storm = (async () => {
      for (let i = 0; loading || restarts < 3; i++) {
        await sleep(2000);
        const name = names[i % 2]!;
        if (i % 2 === 1) await h.terminate(name);
        await h.restart(name);
        restarts++;
      }
    })();
    const figures = await Promise.all(senders.map((s, i) => sendMany(s, `rb-r${i}`, 150, { ackTimeoutMs: 10_000 })));
    loading = false;
    await storm;
    const totals = { sent: 0, acked: 0, stored: 0, storedCopies: 0, delivered: 0, duplicates: 0, outOfOrder: 0 };
    for (let i = 0; i < pairs; i++) {
      const r = receivers[i]!;
      const f0 = figures[i]!;
      await r.waitFor(
        () => deliveryFigures(r, f0.acked).delivered === f0.acked.size,
        120_000,
        `pair ${i}: every acked message`,
      );
      const history = await historyOf((p) => h.http(1, 'GET', p, `rb-r${i}`), `rb-s${i}`);
      const storedIds = history.map((m) => m.msgId);
      const f = deliveryFigures(r, f0.acked);
      totals.sent += f0.sent.length;
      totals.acked += f0.acked.size;
      totals.stored += new Set(storedIds).size;
      totals.storedCopies += storedIds.length;
      totals.delivered += f.delivered;
      totals.duplicates += f.duplicates;
      totals.outOfOrder += f.outOfOrder;
    }
    report('row 6 rebalance storm', {
      restarts,
      ...totals,
      p99ms: Math.max(...receivers.map((r, i) => deliveryP99([r], figures[i]!))),
    });
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(totals).toEqual({
      sent: 600,
      acked: 600,
      stored: 600,
      storedCopies: 600,
      delivered: 600,
      duplicates: 0,
      outOfOrder: 0,
    });
  });

  it(`sustained: the restarts every 2 s throughout ${FAULT_SECONDS} s of steady traffic at IM_FAULT_RATE`, async () => {
    const conversations = await openConversations(h, 'rbs');
    const names = ['message', 'message-1'] as const;
    const trafficEnd = Date.now() + FAULT_SECONDS * 1000;
    let restarts = 0;
    await sustainedRow('row 6-sustained rebalance storm', conversations, {
      faultAtSec: 0,
      // Every 2 s the next of the two consumers is killed (-9) or stopped (SIGTERM), alternately,
      // and started again at once: each instance goes every 4 s, often before it has joined the
      // group (a start takes longer than that on a loaded machine), so the group rebalances
      // throughout. After the storm both must come up and drain the backlog.
      fault: async () => {
        const t0 = Date.now();
        for (let i = 0; t0 + 2000 * (i + 1) < trafficEnd; i++) {
          await sleep(Math.max(0, t0 + 2000 * (i + 1) - Date.now()));
          const name = names[i % 2]!;
          if (Math.floor(i / 2) % 2 === 1) await Promise.race([h.terminate(name), sleep(3000)]);
          await h.respawn(name);
          restarts++;
        }
        await Promise.all(names.map((n) => h.whenReady(n)));
      },
      extra: () => ({ restarts }),
    });
    expect(restarts).toBeGreaterThanOrEqual(FAULT_SECONDS / 2 - 2);
    expect(h.exited()).toEqual([]);
  });
});

/** Resident memory of a process in MB, from /proc. */
function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

describe('row 8: soak with steady traffic and connect/disconnect churn', () => {
  // `IM_SOAK_SECONDS=1800` for the full run (docs/reliability.md); 30 s in `npm test`.
  const seconds = Number(process.env.IM_SOAK_SECONDS ?? 30);
  let h: ClusterHarness;
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2 });
  });
  afterAll(() => h?.stop());

  it(
    'keeps every process flat in memory after warm-up and loses nothing',
    async () => {
      const pairs = 4;
      const senders = await Promise.all(Array.from({ length: pairs }, (_, i) => h.connect(i % 2, `sk-s${i}`)));
      const receivers = await Promise.all(
        Array.from({ length: pairs }, (_, i) => h.connect((i + 1) % 2, `sk-r${i}`, { deviceId: 'phone' })),
      );
      const received: ImTestClient[][] = receivers.map((r) => [r]);
      const acked: Set<string>[] = receivers.map(() => new Set());
      const samples: Record<string, number[]> = Object.fromEntries(h.names().map((n) => [n, []]));
      const end = Date.now() + seconds * 1000;
      let sent = 0;
      let churns = 0;
      const traffic = senders.map(async (s, i) => {
        // ~10 messages per second per conversation, each retried with its msgId until acked.
        while (Date.now() < end) {
          const m = s.message(`sk-r${i}`, `soak ${sent++}`);
          for (let attempt = 0; attempt < 20; attempt++) {
            const ack = await s.send(m, 5000).catch(() => undefined);
            if (ack?.code === 0) {
              acked[i]!.add(m.msgId);
              break;
            }
            await sleep(300);
          }
          await sleep(100);
        }
      });
      // Churn: every second one receiver's device disconnects and comes back (a new socket).
      const churn = (async () => {
        for (let k = 0; Date.now() < end; k++) {
          await sleep(1000);
          const i = k % pairs;
          const list = received[i]!;
          list[list.length - 1]!.close();
          list.push(await h.connect((i + k) % 2, `sk-r${i}`, { deviceId: 'phone' }));
          churns++;
        }
      })();
      const started = Date.now();
      const sampler = (async () => {
        for (let tick = 1; Date.now() < end; tick++) {
          for (const n of h.names()) samples[n]!.push(rssMb(h.pidOf(n)));
          // A long run says how it goes every 5 minutes, so a run that fails late still has figures.
          if (seconds >= 600 && tick % 300 === 0) {
            const rss = h
              .names()
              .map((n) => `${n}=${Math.round(samples[n]!.at(-1) ?? 0)}MB`)
              .join(' ');
            process.stderr.write(
              `[row 8 soak] ${Math.round((Date.now() - started) / 1000)} s: sent=${sent} acked=${acked.reduce((a, x) => a + x.size, 0)} churns=${churns} ${rss}\n`,
            );
          }
          await sleep(1000);
        }
      })();
      await Promise.all([...traffic, churn, sampler]);
      // What the store holds when the traffic stops (a backlog in Kafka is not a loss), then wait
      // until everything acknowledged is stored before expecting it on the devices.
      const storedOf = async (i: number): Promise<Set<string>> =>
        new Set((await historyOf((p) => h.http(0, 'GET', p, `sk-r${i}`), `sk-s${i}`)).map((m) => m.msgId));
      let storedAtEnd = 0;
      for (let i = 0; i < pairs; i++) storedAtEnd += (await storedOf(i)).size;
      const drainStart = Date.now();
      for (let i = 0; i < pairs; i++) {
        for (;;) {
          const stored = await storedOf(i);
          if ([...acked[i]!].every((id) => stored.has(id))) break;
          if (Date.now() - drainStart > 300_000)
            throw new Error(
              `pair ${i}: acknowledged messages still not stored 5 min after the traffic stopped (${stored.size} of ${acked[i]!.size})`,
            );
          await sleep(1000);
        }
      }
      const drainMs = Date.now() - drainStart;
      const missing: number[] = [];
      for (let i = 0; i < pairs; i++) {
        const devices = received[i]!;
        const last = devices[devices.length - 1]!;
        // A fresh type 1 on the last socket: anything live delivery missed comes by sync.
        await last.sendReady().catch(() => undefined);
        await last
          .waitFor(
            () => deliveryFigures(devices, acked[i]!).delivered === acked[i]!.size,
            60_000,
            `pair ${i}: every acked message`,
          )
          .catch(() => undefined);
        missing.push(acked[i]!.size - deliveryFigures(devices, acked[i]!).delivered);
      }
      const growth: Record<string, number> = {};
      for (const [n, xs] of Object.entries(samples)) {
        // Warm-up: the first quarter. Compare the mean of the second quarter with the last one.
        const q = Math.max(1, Math.floor(xs.length / 4));
        const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
        growth[n] = Math.round(mean(xs.slice(-q)) - mean(xs.slice(q, 2 * q)));
      }
      const delivered = received.reduce((a, devices, i) => a + deliveryFigures(devices, acked[i]!).delivered, 0);
      const totalAcked = acked.reduce((a, s) => a + s.size, 0);
      report(`row 8 soak ${seconds} s`, {
        sent,
        acked: totalAcked,
        storedAtEnd,
        drainMs,
        delivered,
        missing: missing.join('/'),
        churns,
        ...Object.fromEntries(Object.entries(growth).map(([n, g]) => [`rssGrowthMb.${n}`, g])),
      });
      expect(totalAcked).toBe(sent);
      expect(delivered).toBe(totalAcked);
      expect(churns).toBeGreaterThan(seconds / 2);
      // Flat: no process grew by more than 40 MB between the end of warm-up and the end.
      for (const [n, g] of Object.entries(growth)) expect([n, g <= 40]).toEqual([n, true]);
      expect(h.exited()).toEqual([]);
      // The budget after the traffic: a send in flight may retry for ~2 min, the drain may take 5,
      // the sync 1 per pair, and the harness needs its start.
    },
    seconds * 1000 + 900_000,
  );
});
