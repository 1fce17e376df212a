import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { EmbeddedHarness } from '../support/embedded-harness';

/** Test artifacts (gitignored); docs/api-reference.png is a copy of reference.png. */
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'api-docs');
const WAIT = 30_000;

/**
 * `/docs` renders the HTTP API reference in a real browser (Debian Chromium via playwright-core)
 * with nothing but this server: every request to another host is refused and counted.
 */
describe('the HTTP API reference at /docs, in Chromium', () => {
  let h: EmbeddedHarness;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await EmbeddedHarness.start();
    browser = await launchChromium();
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('renders every operation with its summary, offline, and shows a response schema', async () => {
    const doc = (await h.http('GET', '/openapi.json', undefined)).body;
    const operations = Object.entries<Record<string, { summary: string }>>(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, summary: op.summary })),
    );
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const outside: string[] = [];
    const origin = new URL(h.url).origin;
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    const res = await page.goto(`${h.url}/docs`);
    expect(res?.status()).toBe(200);
    expect(page.url()).toBe(`${h.url}/docs/`);
    await page.locator('.opblock').first().waitFor({ timeout: WAIT });
    await page.locator('.info .title', { hasText: 'IM gateway' }).waitFor({ timeout: WAIT });
    // Swagger UI reads the whole document without a complaint (it shows warnings and errors above the operations).
    expect(await page.locator('.information-container').textContent()).not.toMatch(/\bWarning\b/);
    expect(await page.locator('.errors-wrapper').count()).toBe(0);
    // One block per operation, each with its method, path and summary.
    expect(await page.locator('.opblock').count()).toBe(operations.length);
    const shown = await page.locator('.opblock-summary').evaluateAll((blocks) =>
      blocks.map((b) => ({
        method: b.querySelector('.opblock-summary-method')?.textContent?.toLowerCase() ?? '',
        path: (b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '').replace(/\u200b/g, ''),
        summary: b.querySelector('.opblock-summary-description')?.textContent ?? '',
      })),
    );
    expect(shown.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`))).toEqual(
      operations
        .map(({ path, method, summary }) => ({ path, method, summary }))
        .sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`)),
    );

    // An operation opened: its 201 response and the schema's field.
    const create = page.locator('.opblock-post', { has: page.locator('[data-path="/v1/groups"]') });
    await create.locator('.opblock-summary').click();
    const responses = create.locator('.responses-table');
    await responses.waitFor({ timeout: WAIT });
    await responses.locator('.response-col_status', { hasText: '201' }).waitFor({ timeout: WAIT });
    expect(await create.locator('.opblock-body').textContent()).toContain('groupId');
    await page.screenshot({ path: join(ARTIFACTS, 'reference.png') });

    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
