// Fault row 4 of docs/reliability.md: Kafka unreachable for 5 s in the middle of a send loop.
// Every process of this cluster reaches the broker through a TcpProxy: Kafka clients connect to
// the address the broker advertises, so test/support/net-redirect.cjs, preloaded into each
// process, sends every connection to the broker's address to the proxy instead.
import { join } from 'node:path';
import { ClusterHarness, clusterEndpoints } from '../support/cluster-harness';
import { expectNothingLost, historyOf, sendMany } from '../support/fault-figures';
import { FAULT_SECONDS, openConversations, sustainedRow } from '../support/sustained-load';
import { TcpProxy } from '../support/tcp-proxy';

jest.setTimeout(300_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('row 4: Kafka unreachable for 5 s', () => {
  let h: ClusterHarness;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const broker = clusterEndpoints().kafkaBrokers.split(',')[0]!;
    const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];
    proxy = await TcpProxy.start(host, port);
    h = await ClusterHarness.start({
      gateways: 2,
      env: {
        NODE_OPTIONS: `--require ${join(__dirname, '..', 'support', 'net-redirect.cjs')}`,
        IM_TEST_NET_REDIRECT: `${host}:${port}=127.0.0.1:${proxy.port}`,
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
  });

  it('acknowledges nothing that is not durable; retries succeed after recovery; nothing acknowledged is lost', async () => {
    // Every process really talks to Kafka through the proxy.
    expect(proxy.accepted).toBeGreaterThan(5);
    const sender = await h.connect(0, 'kf-sender');
    const receiver = await h.connect(1, 'kf-receiver');
    let outage: Promise<void> | undefined;
    const figures = await sendMany(sender, 'kf-receiver', 300, {
      attempts: 100,
      retryDelayMs: 300,
      ackTimeoutMs: 5000,
      onAcked: (n) => {
        if (n === 100 && !outage) {
          outage = proxy.outage(5000);
        }
      },
    });
    await outage;
    await expectNothingLost(
      'row 4 Kafka down 5 s',
      () => historyOf((p) => h.http(0, 'GET', p, 'kf-receiver'), 'kf-sender'),
      { receiver },
      figures,
      undefined,
      () => h.trouble(),
    );
    expect(figures.failedAttempts).toBeGreaterThan(0);
    expect(h.exited()).toEqual([]);
  });

  it('Kafka slow (every byte to and from the broker held 300 ms, 5 % held 1 s more) for 8 s: nothing acknowledged is lost', async () => {
    const sender = await h.connect(0, 'ks-sender');
    const receiver = await h.connect(1, 'ks-receiver');
    let seed = 11;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let slow: Promise<void> | undefined;
    const figures = await sendMany(sender, 'ks-receiver', 300, {
      attempts: 100,
      retryDelayMs: 300,
      ackTimeoutMs: 5000,
      onAcked: (n) => {
        if (n === 50 && !slow) {
          slow = (async () => {
            proxy.impair({ delayMs: 300, lossRate: 0.05, retransmitMs: 1000, random });
            await sleep(8000);
            proxy.impair(undefined);
          })();
        }
      },
    });
    await slow;
    await expectNothingLost(
      'row 4b Kafka slow 8 s',
      () => historyOf((p) => h.http(0, 'GET', p, 'ks-receiver'), 'ks-sender'),
      { receiver },
      figures,
      undefined,
      () => h.trouble(),
    );
    expect(h.exited()).toEqual([]);
  });

  it(`sustained: Kafka unreachable for 5 s in the middle of ${FAULT_SECONDS} s of steady traffic at IM_FAULT_RATE`, async () => {
    const conversations = await openConversations(h, 'kfs');
    await sustainedRow('row 4-sustained Kafka down 5 s', conversations, {
      faultAtSec: FAULT_SECONDS / 2 - 3,
      fault: () => proxy.outage(5000),
    });
    expect(h.exited()).toEqual([]);
  });
});
