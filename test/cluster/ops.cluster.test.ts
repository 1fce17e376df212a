// The console's cluster-wide operations view: every process of the installation (both gateways
// and every Kafka-fed service) publishes its figures to Redis with a TTL; any gateway's
// /console/api/ops lists them all; traffic shows as a message rate on the gateways; a process
// killed with -9 leaves the view once its last snapshot expires, one stopped in order at once.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../support/chromium';
import { ClusterHarness } from '../support/cluster-harness';
import type { ServiceName } from '../support/cluster-harness';
import { requireConsoleBuild } from '../support/console-build';

jest.setTimeout(180_000);

const ADMIN_TOKEN = 'ops-cluster-admin-token-0123456789';
/** Short, so a killed process leaves the view within seconds. */
const PUBLISH_MS = 300;
const TTL_MS = 1500;
/** Screenshots are test artifacts (gitignored), like the embedded console tests'. */
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');

interface Entry {
  instance: string;
  role: string;
  pid: number;
  host: string;
  at: number;
  connections: number;
  messagesIn: number;
  recordsConsumed: number;
  rates: { messagesIn: number; messagesOut: number; recordsConsumed: number };
}

describe('cluster-wide operations view', () => {
  let h: ClusterHarness;
  beforeAll(async () => {
    h = await ClusterHarness.start({
      gateways: 2,
      env: { IM_ADMIN_TOKEN: ADMIN_TOKEN, IM_OPS_PUBLISH_MS: String(PUBLISH_MS), IM_OPS_TTL_MS: String(TTL_MS) },
    });
  });
  afterAll(() => h?.stop());

  const ops = async (gateway: number): Promise<{ mode: string; processes: Entry[] }> => {
    const res = await fetch(`${h.gatewayUrl(gateway)}/console/api/ops`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { mode: string; processes: Entry[] };
  };
  /** Polls until `check` holds for gateway `gateway`'s answer; returns that answer. */
  const until = async (
    gateway: number,
    check: (ps: Entry[]) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<Entry[]> => {
    const deadline = Date.now() + timeoutMs;
    let last: Entry[] = [];
    while (Date.now() < deadline) {
      last = (await ops(gateway)).processes;
      if (check(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `${what} not seen within ${timeoutMs} ms; last view: ${JSON.stringify(last.map((p) => [p.instance, p.pid]))}`,
    );
  };
  const roleOf = (name: ServiceName): string => (name.startsWith('gateway') ? 'gateway' : name.replace(/-\d+$/, ''));
  const entryOf = (ps: Entry[], name: ServiceName): Entry | undefined => ps.find((p) => p.pid === h.pidOf(name));

  it('lists every process of the harness, from either gateway, and nothing of other installations', async () => {
    const names = h.names();
    const all = (ps: Entry[]): boolean => names.every((n) => entryOf(ps, n) !== undefined);
    for (const gateway of [0, 1]) {
      const ps = await until(gateway, all, 'every process');
      expect((await ops(gateway)).mode).toBe('cluster');
      // One entry per process: other harnesses on the same Redis are in other namespaces.
      expect(ps).toHaveLength(names.length);
      for (const name of names) expect([name, entryOf(ps, name)?.role]).toEqual([name, roleOf(name)]);
      expect(entryOf(ps, 'gateway0')?.instance).toBe(`${h.namespace}-gw0`);
      expect(entryOf(ps, 'gateway1')?.instance).toBe(`${h.namespace}-gw1`);
      // Figures only: no URL or secret in any entry.
      const text = JSON.stringify(ps);
      for (const secret of [
        ADMIN_TOKEN,
        'redis://',
        'mongodb://',
        process.env.IM_TEST_KAFKA_BROKERS ?? 'kafka-brokers',
      ])
        expect(text).not.toContain(secret);
    }
  });

  it('logs pino JSON only, on every process: Node warnings too (no plain-text line on stderr)', () => {
    for (const name of h.names()) {
      const lines = h
        .logOf(name)
        .split('\n')
        .filter((l) => l.trim() !== '');
      const notJson = lines.filter((l) => {
        try {
          return typeof JSON.parse(l) !== 'object';
        } catch {
          return true;
        }
      });
      expect([name, notJson.slice(0, 3)]).toEqual([name, []]);
    }
  });

  it('shows a non-zero message rate on both gateways during traffic, and the message service consuming', async () => {
    const [a, b] = await Promise.all([h.connect(0, 'ops-a'), h.connect(1, 'ops-b')]);
    let sending = true;
    const traffic = (async (): Promise<void> => {
      while (sending) {
        await Promise.all([a.send(a.message('ops-b', 'load')), b.send(b.message('ops-a', 'load'))]);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const ps = await until(
        1,
        (view) => ['gateway0', 'gateway1'].every((g) => (entryOf(view, g as ServiceName)?.rates.messagesIn ?? 0) > 0),
        'a message rate on both gateways',
      );
      expect(entryOf(ps, 'gateway0')?.connections).toBeGreaterThanOrEqual(1);
      expect(entryOf(ps, 'gateway1')?.connections).toBeGreaterThanOrEqual(1);
      await until(0, (view) => (entryOf(view, 'message')?.recordsConsumed ?? 0) > 0, 'the message service consuming');

      // The same in the console page, in Chromium: one row per process, the gateways' rates.
      requireConsoleBuild();
      mkdirSync(ARTIFACTS, { recursive: true });
      const browser = await launchChromium();
      try {
        const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
        await page.goto(`${h.gatewayUrl(0)}/console/#/ops`);
        await page.getByTestId('ops-token').fill(ADMIN_TOKEN);
        await page.getByTestId('ops-start').click();
        await page.getByTestId('ops-status').filter({ hasText: 'cluster' }).waitFor({ timeout: 20_000 });
        const rows = page.getByTestId('ops-process');
        for (const name of h.names())
          await page
            .locator(`[data-testid="ops-process"][data-pid="${h.pidOf(name)}"][data-role="${roleOf(name)}"]`)
            .waitFor({ timeout: 20_000 });
        expect(await rows.count()).toBe(h.names().length);
        const gatewayRate = page.locator(
          `[data-testid="ops-process"][data-instance="${h.namespace}-gw1"]:not([data-in-rate="0"])`,
        );
        await gatewayRate.waitFor({ timeout: 20_000 });
        expect(Number(await gatewayRate.getAttribute('data-in-rate'))).toBeGreaterThan(0);
        expect(await page.getByTestId('ops-table').locator('tr').count()).toBe(h.names().length + 1);
        expect(Number(await page.getByTestId('ops-processes').getAttribute('data-value'))).toBe(h.names().length);
        // A few more polls, so the screenshot has its small charts.
        await page.waitForTimeout(3000);
        await page.screenshot({ path: join(ARTIFACTS, 'ops-cluster.png'), fullPage: true });
        // The playground of a cluster gateway: no dev token, no dev top-up, and it says how money enters.
        await page.getByTestId('nav-playground').click();
        await page.getByTestId('money-hint').filter({ hasText: 'admin API' }).waitFor({ timeout: 20_000 });
        expect(await page.getByTestId('dev-topup').count()).toBe(0);
        expect(await page.getByTestId('mint').count()).toBe(0);
      } finally {
        await browser.close();
      }
    } finally {
      sending = false;
      await traffic;
    }
  });

  it('a process killed with -9 leaves the view after its TTL; one stopped in order leaves at once', async () => {
    const relationPid = h.pidOf('relation');
    expect(entryOf((await ops(0)).processes, 'relation')).toBeDefined();
    await h.kill('relation');
    // Its last snapshot is still there until it expires, then it is gone; the others stay.
    const after = await until(0, (ps) => !ps.some((p) => p.pid === relationPid), 'the killed process leaving', 20_000);
    for (const name of h.names().filter((n) => n !== 'relation'))
      expect([name, entryOf(after, name)?.role]).toEqual([name, roleOf(name)]);

    const eventsPid = h.pidOf('events');
    expect(entryOf((await ops(1)).processes, 'events')).toBeDefined();
    expect(await h.terminate('events')).toBe(0);
    expect((await ops(1)).processes.some((p) => p.pid === eventsPid)).toBe(false);
  });
});
