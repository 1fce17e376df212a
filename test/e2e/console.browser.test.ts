import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_TYPES } from '@im/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { requireConsoleBuild } from '../support/console-build';
import { launchChromium } from '../support/chromium';
import { EmbeddedHarness } from '../support/embedded-harness';

/** Screenshots are test artifacts (gitignored); docs/console.png is a copy of playground-alice.png. */
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');
/** Generous for a loaded 2-core machine; each wait ends as soon as its element appears. */
const WAIT = 20_000;
const ADMIN_TOKEN = 'console-browser-admin-token-0123';

async function signIn(page: Page, url: string, userId: string): Promise<void> {
  await page.goto(`${url}/console/#/playground`);
  await page.getByTestId('user-id').fill(userId);
  await page.getByTestId('mint').click();
  await page
    .getByTestId('status')
    .filter({ hasText: `token minted for ${userId}` })
    .waitFor({ timeout: WAIT });
  expect(await page.getByTestId('token').inputValue()).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
  await page.getByTestId('connect').click();
  await page
    .getByTestId('status')
    .filter({ hasText: `connected as ${userId}` })
    .waitFor({ timeout: WAIT });
}

/** Sends a text and returns the seq the sender's console shows for it (ack code 0, then seq). */
async function sendText(page: Page, kind: 'user' | 'group', destId: string, text: string): Promise<number> {
  await page.getByTestId('dest-kind').selectOption(kind);
  await page.getByTestId('dest-id').fill(destId);
  await page.getByTestId('text').fill(text);
  await page.getByTestId('send').click();
  const row = page.locator('[data-testid="sent"][data-code="0"][data-seq]', { hasText: text });
  await row.waitFor({ timeout: WAIT });
  const seq = Number(await row.getAttribute('data-seq'));
  expect(await row.textContent()).toContain(`ack code 0 · serverTime`);
  expect(await row.textContent()).toContain(`seq ${seq}`);
  return seq;
}

/** Waits for a received TEXT with this content and returns its seq. */
async function receivedSeq(page: Page, from: string, text: string): Promise<number> {
  const row = page.locator(`[data-testid="received"][data-type="TEXT"][data-from="${from}"]`, { hasText: text });
  await row.waitFor({ timeout: WAIT });
  const seq = Number(await row.getAttribute('data-seq'));
  expect(await row.textContent()).toContain(`seq ${seq}`);
  return seq;
}

describe('web console in a real browser (Debian Chromium via playwright-core)', () => {
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

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  };

  it('two users sign in with dev tokens, chat 1:1 and in a group, and each sees the other’s message with its seq', async () => {
    const [alice, bob] = await Promise.all([newPage(), newPage()]);
    await signIn(alice, h.url, 'web-alice');
    await signIn(bob, h.url, 'web-bob');

    // 1:1 both ways: one conversation, so the seqs follow each other.
    const sent1 = await sendText(alice, 'user', 'web-bob', 'hello bob');
    const first = await receivedSeq(bob, 'web-alice', 'hello bob');
    const sent2 = await sendText(bob, 'user', 'web-alice', 'hello alice');
    const second = await receivedSeq(alice, 'web-bob', 'hello alice');
    expect([sent1, first, sent2, second]).toEqual([1, 1, 2, 2]);
    // Bob marks alice's message read (33): her console shows it read.
    await bob
      .locator('[data-testid="received"][data-type="TEXT"]', { hasText: 'hello bob' })
      .getByTestId('mark-read')
      .click();
    await alice
      .locator('[data-testid="sent"][data-read="web-bob"]', { hasText: 'hello bob' })
      .getByTestId('read')
      .waitFor({ timeout: WAIT });

    // A group made from the console, then messages both ways in it.
    await alice.getByTestId('group-members').fill('web-bob');
    await alice.getByTestId('create-group').click();
    const result = alice.locator('[data-testid="group-result"][data-group-id]');
    await result.waitFor({ timeout: WAIT });
    const groupId = (await result.getAttribute('data-group-id')) ?? '';
    expect(groupId).not.toBe('');
    const sentG1 = await sendText(alice, 'group', groupId, 'hi group');
    const g1 = await receivedSeq(bob, 'web-alice', 'hi group');
    const sentG2 = await sendText(bob, 'group', groupId, 'hi from bob');
    const g2 = await receivedSeq(alice, 'web-bob', 'hi from bob');
    expect([sentG1, sentG2]).toEqual([g1, g2]);
    expect(g2).toBe(g1 + 1);
    expect(await bob.locator('[data-testid="received"]', { hasText: 'hi group' }).textContent()).toContain(
      `to ${groupId}`,
    );

    // A friend request from the console: bob sees it by name and accepts it; alice sees 12.
    await alice.getByTestId('friend-id').fill('web-bob');
    await alice.getByTestId('friend-request').click();
    const request = bob.locator('[data-testid="received"][data-type="FRIEND_REQUEST"][data-from="web-alice"]');
    await request.waitFor({ timeout: WAIT });
    await request.getByTestId('accept-friend').click();
    await alice
      .locator('[data-testid="received"][data-type="FRIEND_ACCEPTED"][data-from="web-bob"]')
      .waitFor({ timeout: WAIT });
    // The lists: bob is alice's friend, the group and both conversations are there.
    await alice.getByTestId('refresh-lists').click();
    await alice.locator('[data-testid="friend-item"][data-id="web-bob"]').waitFor({ timeout: WAIT });
    await alice.locator(`[data-testid="group-item"][data-id="${groupId}"]`).waitFor({ timeout: WAIT });
    await alice
      .locator(`[data-testid="conversation-item"][data-id="${groupId}"]`, { hasText: `last seq ${g2}` })
      .waitFor({ timeout: WAIT });
    await alice
      .locator('[data-testid="conversation-item"][data-id="web-bob"]', { hasText: 'last seq 2' })
      .waitFor({ timeout: WAIT });

    // Any type from the registry: a heartbeat (3) comes back, rendered by its type name.
    await alice.getByTestId('raw-type').selectOption(String(MESSAGE_TYPES.find((t) => t.name === 'HEARTBEAT')?.type));
    await alice.getByTestId('raw-send').click();
    await alice.locator('[data-testid="received"][data-type="HEARTBEAT"]').waitFor({ timeout: WAIT });

    // The frame inspector shows the raw JSON both ways.
    const out = alice.locator('[data-testid="frame"][data-direction="out"]', { hasText: '"content":"hello bob"' });
    expect(await out.count()).toBe(1);
    expect(
      await alice.locator('[data-testid="frame"][data-direction="in"]', { hasText: '"content":"hello alice"' }).count(),
    ).toBe(1);
    expect(
      await alice.locator('[data-testid="frame"][data-direction="in"]', { hasText: 'ack(chat)' }).count(),
    ).toBeGreaterThanOrEqual(3);

    // A spoofed frame is refused, and the refusal shows as the ack.
    const spoofed = {
      msgId: '00000000-0000-4000-8000-000000000001',
      fromId: 'web-mallory',
      fromType: 1,
      destId: 'web-bob',
      fromName: 'm',
      imageIconUrl: '',
      content: 'spoof',
      messageType: 2,
    };
    await alice.getByTestId('raw').fill(JSON.stringify(spoofed));
    await alice.getByTestId('raw-send').click();
    await alice.locator('[data-testid="sent"][data-code="40301"]').waitFor({ timeout: WAIT });
    expect(await bob.locator('[data-testid="received"]', { hasText: 'spoof' }).count()).toBe(0);

    await alice.screenshot({ path: join(ARTIFACTS, 'playground-alice.png'), fullPage: true });
    await bob.screenshot({ path: join(ARTIFACTS, 'playground-bob.png'), fullPage: true });
  }, 120_000);

  it('red packets and calls from the playground: one sends and the other opens, one calls and the other accepts, then hangs up', async () => {
    const [carol, dave] = await Promise.all([newPage(), newPage()]);
    await signIn(carol, h.url, 'web-carol');
    await signIn(dave, h.url, 'web-dave');
    const received = (page: Page, type: string, from: string) =>
      page.locator(`[data-testid="received"][data-type="${type}"][data-from="${from}"]`);

    // Without money the packet is refused, and the console says why.
    await carol.getByTestId('dest-kind').selectOption('user');
    await carol.getByTestId('dest-id').fill('web-dave');
    await carol.getByTestId('rp-total').fill('300');
    await carol.getByTestId('rp-count').fill('1');
    await carol.getByTestId('rp-send').click();
    await carol.locator('[data-testid="rp-result"][data-error]', { hasText: '409' }).waitFor({ timeout: WAIT });
    expect(await carol.getByTestId('rp-result').textContent()).toContain('IM_ERR_INSUFFICIENT_FUNDS');

    // Embedded mode: a dev top-up, then a lucky packet of 300 fen in one share to dave.
    await carol.getByTestId('topup-amount').fill('1000');
    await carol.getByTestId('dev-topup').click();
    await carol.locator('[data-testid="balance"][data-value="1000"]').waitFor({ timeout: WAIT });
    await carol.getByTestId('rp-send').click();
    const result = carol.locator('[data-testid="rp-result"][data-packet-id]');
    await result.waitFor({ timeout: WAIT });
    const packetId = (await result.getAttribute('data-packet-id')) ?? '';
    expect(packetId).toMatch(/^[1-9][0-9]{0,18}$/);
    await carol.getByTestId('wallet-balance').click();
    await carol.locator('[data-testid="balance"][data-value="700"]').waitFor({ timeout: WAIT });

    // Dave sees the 17 by name and opens it: the whole 300; carol sees 19 (and 24: all taken).
    const packet = received(dave, 'RED_PACKET', 'web-carol');
    await packet.waitFor({ timeout: WAIT });
    expect(await packet.textContent()).toContain(packetId);
    await packet.getByTestId('open-packet').click();
    await packet.locator('[data-testid="opened"][data-amount="300"]').waitFor({ timeout: WAIT });
    const opened = carol.locator('[data-testid="received"][data-type="RED_PACKET_OPENED"]', { hasText: packetId });
    await opened.waitFor({ timeout: WAIT });
    expect(await opened.textContent()).toContain('web-dave');
    await carol
      .locator('[data-testid="received"][data-type="RED_PACKET_ALL_TAKEN"]', { hasText: packetId })
      .waitFor({ timeout: WAIT });
    // The raw HTTP exchange is in the inspector of both.
    expect(
      await carol
        .locator('[data-testid="frame"][data-direction="in"]', { hasText: `"packetId":"${packetId}"` })
        .count(),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await dave
        .locator('[data-testid="frame"][data-direction="out"]', { hasText: `POST /v1/red-packets/${packetId}/open` })
        .count(),
    ).toBe(1);
    await dave.getByTestId('wallet-balance').click();
    await dave.locator('[data-testid="balance"][data-value="300"]').waitFor({ timeout: WAIT });

    // To a group, equal shares: 200 fen in 2 shares of 100; dave and carol each open one.
    await carol.getByTestId('group-members').fill('web-dave');
    await carol.getByTestId('create-group').click();
    await carol.locator('[data-testid="group-result"][data-group-id]').waitFor({ timeout: WAIT });
    expect(await carol.getByTestId('dest-kind').inputValue()).toBe('group');
    await carol.getByTestId('rp-kind').selectOption('equal');
    await carol.getByTestId('rp-total').fill('200');
    await carol.getByTestId('rp-count').fill('2');
    await carol.getByTestId('rp-send').click();
    await carol
      .locator('[data-testid="rp-result"][data-packet-id]:not([data-packet-id="' + packetId + '"])')
      .waitFor({ timeout: WAIT });
    const groupPacketId = (await result.getAttribute('data-packet-id')) ?? '';
    const groupPacket = (page: Page) =>
      page.locator('[data-testid="received"][data-type="RED_PACKET"]', { hasText: groupPacketId });
    await groupPacket(dave).waitFor({ timeout: WAIT });
    await groupPacket(dave).getByTestId('open-packet').click();
    await groupPacket(dave).locator('[data-testid="opened"][data-amount="100"]').waitFor({ timeout: WAIT });
    await groupPacket(carol).getByTestId('open-packet').click();
    await groupPacket(carol).locator('[data-testid="opened"][data-amount="100"]').waitFor({ timeout: WAIT });
    await carol
      .locator('[data-testid="received"][data-type="RED_PACKET_ALL_TAKEN"]', { hasText: groupPacketId })
      .waitFor({ timeout: WAIT });
    expect(
      await carol
        .locator('[data-testid="received"][data-type="RED_PACKET_OPENED"]', { hasText: groupPacketId })
        .count(),
    ).toBe(2);
    await carol.getByTestId('dest-kind').selectOption('user');
    await carol.getByTestId('dest-id').fill('web-dave');

    // A call: carol rings dave (150), dave accepts (152), then hangs up (156); both get the 162.
    await carol.getByTestId('call-audio').click();
    await carol.locator('[data-testid="call-state"][data-state="calling"]').waitFor({ timeout: WAIT });
    const offer = received(dave, 'CALL_AUDIO_OFFER', 'web-carol');
    await offer.waitFor({ timeout: WAIT });
    await dave.locator('[data-testid="call-state"][data-state="ringing"]').waitFor({ timeout: WAIT });
    await offer.getByTestId('call-accept').click();
    await received(carol, 'CALL_AUDIO_ACCEPTED', 'web-dave').waitFor({ timeout: WAIT });
    await carol.locator('[data-testid="call-state"][data-state="active"]').waitFor({ timeout: WAIT });
    await dave.locator('[data-testid="call-state"][data-state="active"]').waitFor({ timeout: WAIT });
    await dave.getByTestId('call-hangup').click();
    await received(carol, 'CALL_HANGUP', 'web-dave').waitFor({ timeout: WAIT });
    for (const page of [carol, dave]) {
      const ended = received(page, 'CALL_ENDED', 'web-carol');
      await ended.waitFor({ timeout: WAIT });
      // The row shows the content shortened; the inspector has the whole frame.
      expect(
        await page
          .locator('[data-testid="frame"][data-direction="in"]', { hasText: '"messageType":162' })
          .filter({ hasText: '"outcome":"completed"' })
          .count(),
      ).toBe(1);
      await page
        .locator('[data-testid="call-state"][data-state="ended"][data-outcome="completed"]')
        .waitFor({ timeout: WAIT });
    }
    // Every signal went out with ack code 0, and the raw frames are in the inspector.
    expect(await carol.locator('[data-testid="sent"][data-code="0"]', { hasText: 'CALL_AUDIO_OFFER' }).count()).toBe(1);
    expect(await dave.locator('[data-testid="sent"][data-code="0"]', { hasText: 'CALL_HANGUP' }).count()).toBe(1);
    expect(
      await dave.locator('[data-testid="frame"][data-direction="out"]', { hasText: '"messageType":152' }).count(),
    ).toBe(1);
    await carol.screenshot({ path: join(ARTIFACTS, 'money-calls-carol.png'), fullPage: true });
    await dave.screenshot({ path: join(ARTIFACTS, 'money-calls-dave.png'), fullPage: true });

    // Again, refused this time: carol sees 154 and the 162 says refused.
    await carol.getByTestId('call-audio').click();
    const second = received(dave, 'CALL_AUDIO_OFFER', 'web-carol').first();
    await dave.locator('[data-testid="call-state"][data-state="ringing"]').waitFor({ timeout: WAIT });
    await second.getByTestId('call-refuse').click();
    await received(carol, 'CALL_AUDIO_REFUSED', 'web-dave').waitFor({ timeout: WAIT });
    await carol
      .locator('[data-testid="call-state"][data-state="ended"][data-outcome="refused"]')
      .waitFor({ timeout: WAIT });
  }, 120_000);

  it('the user id comes from ready, not the typed field; Send after Disconnect adds no stuck row; the page has a favicon', async () => {
    const page = await newPage();
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) missing.push(r.url());
    });
    await page.goto(`${h.url}/console/#/playground`);
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    // A token for web-dana with "web-erin" typed: the console is dana, as the server says.
    await page.getByTestId('user-id').fill('web-dana');
    await page.getByTestId('mint').click();
    await page.getByTestId('status').filter({ hasText: 'token minted for web-dana' }).waitFor({ timeout: WAIT });
    await page.getByTestId('user-id').fill('web-erin');
    await page.getByTestId('connect').click();
    await page.getByTestId('status').filter({ hasText: 'connected as web-dana' }).waitFor({ timeout: WAIT });
    expect(await page.getByTestId('status').textContent()).toContain('not “web-erin”');
    expect(await page.getByTestId('user-id').inputValue()).toBe('web-dana');
    // And a send works: fromId is the token's user.
    const seq = await sendText(page, 'user', 'web-frank', 'from dana');
    expect(seq).toBeGreaterThan(0);

    // Disconnect, then Send: refused at once, no row waiting for an ack that cannot come.
    await page.getByTestId('disconnect').click();
    await page.getByTestId('status').filter({ hasText: 'disconnected' }).waitFor({ timeout: WAIT });
    const rows = await page.getByTestId('sent').count();
    await page.getByTestId('text').fill('after disconnect');
    await page.getByTestId('send').click();
    await page.getByTestId('status').filter({ hasText: 'not connected' }).waitFor({ timeout: WAIT });
    expect(await page.getByTestId('sent').count()).toBe(rows);
    expect(await page.locator('[data-testid="ack"]', { hasText: 'waiting for ack' }).count()).toBe(0);
    expect(missing).toEqual([]);
  });

  it('the operations view of a server started without IM_ADMIN_TOKEN says how to turn it on', async () => {
    const plain = await EmbeddedHarness.start();
    try {
      const page = await newPage();
      await page.goto(`${plain.url}/console/#/ops`);
      await page.getByTestId('ops-token').fill('anything');
      await page.getByTestId('ops-start').click();
      const status = page.getByTestId('ops-status').filter({ hasText: 'IM_ADMIN_TOKEN is not set' });
      await status.waitFor({ timeout: WAIT });
      expect(await status.textContent()).toContain(
        'start the server with IM_ADMIN_TOKEN set to a secret of your choice',
      );
    } finally {
      await plain.stop();
    }
  }, 60_000);

  it('the operations view, behind the admin token, shows a non-zero message rate during traffic', async () => {
    const page = await newPage();
    await page.goto(`${h.url}/console/#/ops`);
    await page.getByTestId('ops-token').fill('not-the-admin-token');
    await page.getByTestId('ops-start').click();
    await page.getByTestId('ops-status').filter({ hasText: 'refused: 401' }).waitFor({ timeout: WAIT });

    await page.getByTestId('ops-token').fill(ADMIN_TOKEN);
    await page.getByTestId('ops-start').click();
    await page.getByTestId('ops-status').filter({ hasText: 'gateway' }).waitFor({ timeout: WAIT });
    const [a, b] = await Promise.all([h.connect('ops-a'), h.connect('ops-b')]);
    // Traffic until the view has seen it (one poll a second), then stop.
    let sending = true;
    const traffic = (async (): Promise<void> => {
      while (sending) {
        await a.send(a.message('ops-b', 'load'));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const rate = page.getByTestId('ops-in-rate');
      const deadline = Date.now() + WAIT;
      let value = 0;
      while (value <= 0 && Date.now() < deadline) {
        value = Number((await rate.getAttribute('data-value', { timeout: WAIT })) || 0);
        if (value <= 0) await page.waitForTimeout(250);
      }
      expect(value).toBeGreaterThan(0);
      expect(Number(await page.getByTestId('ops-connections').getAttribute('data-value'))).toBeGreaterThanOrEqual(2);
      // Delivery latency needs acknowledged downlinks: b acks each message.
      await b.waitForMessages(1);
      await page.waitForTimeout(1200);
      expect(await page.getByTestId('ops-ack').textContent()).toMatch(/\d.* ms \/ \d.* ms/);
      // Embedded mode: the one process in the table.
      expect(await page.getByTestId('ops-process').count()).toBe(1);
      expect(await page.getByTestId('ops-process').getAttribute('data-role')).toBe('embedded');
      await page.screenshot({ path: join(ARTIFACTS, 'ops.png') });
    } finally {
      sending = false;
      await traffic;
    }
  }, 60_000);
});
