import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';

// The browser build of the client SDK (libs/client/dist/browser/index.mjs, one ES module with
// socket.io-client inside) loaded in Debian's Chromium, chatting with the embedded server.

const BUNDLE = join(__dirname, '..', '..', 'libs', 'client', 'dist', 'browser', 'index.mjs');

describe('client SDK in a real browser (Chromium via playwright-core)', () => {
  let h: EmbeddedHarness;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(BUNDLE))
      throw new Error(`the client SDK is not built (${BUNDLE} is missing): run \`npm run build\``);
    h = await EmbeddedHarness.start();
    browser = await launchChromium();
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('loads the browser build as an ES module and two users chat 1:1 and in a group', async () => {
    const bundle = readFileSync(BUNDLE, 'utf8');
    expect(bundle).not.toMatch(/\brequire\(|from\s*["']node:/);
    const context = await browser.newContext();
    const page = await context.newPage();
    // The page and the module come from the server's origin, as an app served next to it would.
    await page.route('**/sdk/index.mjs', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle }),
    );
    await page.goto(`${h.url}/healthz`);
    // A module script, as an app would load it (a dynamic import() in evaluate would be rewritten by ts-jest).
    await page.addScriptTag({ type: 'module', content: `import * as sdk from '/sdk/index.mjs'; window.imSdk = sdk;` });
    await page.waitForFunction(() => 'imSdk' in globalThis, undefined, { timeout: 20_000 });
    const result = await page.evaluate(
      async ({ url, aliceToken, bobToken }) => {
        const sdk = (globalThis as unknown as { imSdk: any }).imSdk;
        const alice = sdk.connect({ url, token: aliceToken, deviceId: 'browser-alice' });
        const bob = sdk.connect({ url, token: bobToken, deviceId: 'browser-bob' });
        const got = { alice: [] as unknown[], bob: [] as unknown[] };
        const arrived = (who: 'alice' | 'bob', n: number) =>
          new Promise<void>((resolve) => {
            const check = () => got[who].length >= n && resolve();
            (who === 'alice' ? alice : bob).on(
              'message:TEXT',
              (m: { content: string; seq: number; destId: string }) => {
                got[who].push([m.content, m.seq, m.destId]);
                check();
              },
            );
          });
        const bobGotTwo = arrived('bob', 2);
        const aliceGotOne = arrived('alice', 1);
        await Promise.all([alice.whenReady(), bob.whenReady()]);
        const sent = await alice.send(sdk.build.text({ user: 'browser-bob' }, 'hello from the browser'));
        await bob.send(sdk.build.text({ user: 'browser-alice' }, 'hello back'));
        const { groupId } = await alice.api.groups.create({ name: 'browser', memberIds: ['browser-bob'] });
        await alice.send(sdk.build.text({ group: groupId }, 'hi group'));
        await Promise.all([bobGotTwo, aliceGotOne]);
        await Promise.all([alice.close(), bob.close()]);
        return { got, groupId, msgId: sent.msgId, userAgent: navigator.userAgent };
      },
      { url: h.url, aliceToken: tokenFor('browser-alice'), bobToken: tokenFor('browser-bob') },
    );
    expect(result.userAgent).toMatch(/Chrom/);
    expect(result.msgId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.got.bob).toEqual([
      ['hello from the browser', 1, 'browser-bob'],
      ['hi group', 1, result.groupId],
    ]);
    expect(result.got.alice).toEqual([['hello back', 2, 'browser-alice']]);
    await context.close();
  });
});
