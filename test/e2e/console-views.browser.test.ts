import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_TYPES, describeContent } from '@im/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { requireConsoleBuild } from '../support/console-build';
import { launchChromium } from '../support/chromium';
import { EmbeddedHarness } from '../support/embedded-harness';

/** Screenshots are test artifacts (gitignored); docs/console-ops.png is a copy of ops-sync.png. */
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');
const WAIT = 20_000;
const ADMIN_TOKEN = 'console-state-admin-token-01234';

/**
 * The console's views in a real browser: the operations view tells live deliveries from sync
 * re-sends, the playground keeps its sign-in across a reload, the reference shows the registry.
 */
describe('web console views in a real browser (operations, reload, reference)', () => {
  let h: EmbeddedHarness;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    requireConsoleBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await EmbeddedHarness.start({ IM_ADMIN_TOKEN: ADMIN_TOKEN });
    browser = await launchChromium();
  }, 900_000);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await h?.stop();
  });
  afterEach(() => h.closeClients());

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  };

  const connected = (page: Page, userId: string) =>
    page
      .getByTestId('status')
      .filter({ hasText: `connected as ${userId}` })
      .waitFor({ timeout: WAIT });
  const receivedText = (page: Page, text: string) =>
    page.locator('[data-testid="received"][data-type="TEXT"]', { hasText: text });

  it('counts only live deliveries in the delivery latency; what sync sends again is measured apart', async () => {
    const page = await newPage();
    await page.goto(`${h.url}/console/#/ops`);
    await page.getByTestId('ops-token').fill(ADMIN_TOKEN);
    await page.getByTestId('ops-start').click();
    await page.getByTestId('ops-status').filter({ hasText: 'gateway' }).waitFor({ timeout: WAIT });
    const live = page.getByTestId('ops-delivery');
    const sync = page.getByTestId('ops-sync');
    const tileValue = async (tile: typeof live): Promise<string> => (await tile.getAttribute('data-value')) ?? '';
    // Nothing was delivered yet on this server (this test runs first): no live figure.
    const baseline = await tileValue(live);
    expect(baseline).toBe('');

    // ops-away is offline: the message waits in the store and reaches it by sync after its type 1.
    const sender = await h.connect('ops-sender');
    expect((await sender.send(sender.message('ops-away', 'while away'))).code).toBe(0);
    const away = await h.connect('ops-away');
    await away.waitForMessages(1);
    await sync.filter({ hasText: 'sync re-sends (1)' }).waitFor({ timeout: WAIT });
    expect(Number(await tileValue(sync))).toBeGreaterThanOrEqual(0);
    expect(await tileValue(sync)).not.toBe('');
    expect(await tileValue(live)).toBe(baseline);

    // A live delivery moves the live figure.
    expect((await sender.send(sender.message('ops-away', 'live now'))).code).toBe(0);
    await away.waitForMessages(2);
    const deadline = Date.now() + WAIT;
    while ((await tileValue(live)) === baseline && Date.now() < deadline) await page.waitForTimeout(250);
    expect(await tileValue(live)).not.toBe(baseline);
    expect(await live.textContent()).toMatch(/live delivery latency p50 \/ p99\d.* ms \/ \d.* ms/);
    expect(await sync.textContent()).toContain('sync re-sends (1)');
    await page.screenshot({ path: join(ARTIFACTS, 'ops-sync.png'), fullPage: true });
  }, 90_000);

  it('keeps the server URL, user, token and device id across a reload; the same device resumes where it was', async () => {
    const page = await newPage();
    await page.goto(`${h.url}/console/#/playground`);
    expect(await page.getByTestId('server-url').inputValue()).toBe(h.url);
    await page.getByTestId('user-id').fill('keep-alice');
    await page.getByTestId('mint').click();
    await page.getByTestId('status').filter({ hasText: 'token minted for keep-alice' }).waitFor({ timeout: WAIT });
    const token = await page.getByTestId('token').inputValue();
    const device = (await page.getByTestId('device-id').textContent()) ?? '';
    expect(device).toMatch(/^device console-[0-9a-f]{8}$/);
    await page.getByTestId('connect').click();
    await connected(page, 'keep-alice');
    const bob = await h.connect('keep-bob');
    expect((await bob.send(bob.message('keep-alice', 'before the reload'))).code).toBe(0);
    await receivedText(page, 'before the reload').waitFor({ timeout: WAIT });

    await page.reload();
    await page.getByTestId('connect').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('server-url').inputValue()).toBe(h.url);
    expect(await page.getByTestId('user-id').inputValue()).toBe('keep-alice');
    expect(await page.getByTestId('token').inputValue()).toBe(token);
    expect(await page.getByTestId('device-id').textContent()).toBe(device);
    await page.getByTestId('connect').click();
    await connected(page, 'keep-alice');
    // The same device: its cursor is past the acknowledged message, so sync does not send it again
    // (a new device would get it: it is still unread).
    expect((await bob.send(bob.message('keep-alice', 'after the reload'))).code).toBe(0);
    await receivedText(page, 'after the reload').waitFor({ timeout: WAIT });
    expect(await receivedText(page, 'before the reload').count()).toBe(0);
  }, 90_000);

  it('the reference page lists every message type of the registry, in order', async () => {
    const page = await newPage();
    await page.goto(`${h.url}/console/#/reference`);
    const rows = page.getByTestId('ref-row');
    await rows.first().waitFor({ timeout: WAIT });
    expect(await rows.count()).toBe(MESSAGE_TYPES.length);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(
      MESSAGE_TYPES.map((t) => t.name),
    );
    // Each row's content column is the one-line text of docs/protocol.md.
    expect(await page.getByTestId('ref-content').allTextContents()).toEqual(
      MESSAGE_TYPES.map((t) => describeContent(t.content)),
    );
    // Who produces each type (service and API), who receives it, its push label: from the registry.
    expect(await page.getByTestId('ref-received-by').allTextContents()).toEqual(MESSAGE_TYPES.map((t) => t.receivedBy));
    const produced = await page.getByTestId('ref-produced-by').allTextContents();
    MESSAGE_TYPES.forEach((t, i) => {
      for (const p of t.producedBy) expect(produced[i]).toContain(`${p.service} · ${p.via}`);
    });
    expect(await page.getByTestId('ref-push-label').allTextContents()).toEqual(
      MESSAGE_TYPES.map((t) => `${t.pushLabel || '—'}${t.pushShowsText ? ' or the text' : ''}`),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'reference.png') });
    // The filter narrows the table to matching rows, by name or by the route that makes a type.
    await page.getByTestId('ref-filter').fill('HEARTBEAT');
    expect(await page.locator('[data-testid="ref-row"]:visible').count()).toBe(1);
    await page.getByTestId('ref-filter').fill('POST /v1/groups/:groupId/members');
    expect(
      await page
        .locator('[data-testid="ref-row"]:visible')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-type'))),
    ).toEqual(['8', '10']);
    await page.getByTestId('ref-filter').fill('/members');
    await page.screenshot({ path: join(ARTIFACTS, 'reference-members.png') });
  }, 60_000);
});
