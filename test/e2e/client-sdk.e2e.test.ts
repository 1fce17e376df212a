import { createServer } from 'node:net';
import { ImClientError, MemoryStorage, build, keyValueStorage } from '@im-cluster/client';
import type { ConnectOptions, Downlink } from '@im-cluster/client';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';
import { SdkApp, seqsOf } from '../support/sdk-app';
import { TcpProxy } from '../support/tcp-proxy';

// The client SDK (libs/client) against the real embedded server: what the app sees is each
// message once, each conversation in seq order, whatever happens to the connection.

const apps: SdkApp[] = [];
function app(url: string, userId: string, options: Partial<ConnectOptions> = {}): SdkApp {
  const a = new SdkApp({ url, token: tokenFor(userId), deviceId: `${userId}-phone`, ...options });
  apps.push(a);
  return a;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** `count` texts `<prefix> <i>` from `from` to `to`, all queued at once. */
function sendTexts(from: SdkApp, to: string, prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => from.client.send(build.text({ user: to }, `${prefix} ${i}`)));
}

/** The app saw exactly these texts, once each, in increasing seq. */
function expectOnceInOrder(receiver: SdkApp, fromId: string, prefix: string, count: number): void {
  const texts = receiver.textsFrom(fromId).filter((m) => m.content.startsWith(`${prefix} `));
  expect(texts.map((m) => m.content).sort()).toEqual(Array.from({ length: count }, (_, i) => `${prefix} ${i}`).sort());
  const seqs = seqsOf(texts);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(count);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('client SDK: send, receive, acknowledge', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(async () => h?.stop());

  it('sends typed messages, gets typed events, and acknowledges so nothing comes again', async () => {
    const alice = app(h.url, 'sdk-alice');
    const bob = app(h.url, 'sdk-bob');
    const texts: string[] = [];
    bob.client.on('message:TEXT', (m) => texts.push(m.content));
    await Promise.all([alice.client.whenReady(), bob.client.whenReady()]);
    const sent = await alice.client.send(build.text({ user: 'sdk-bob' }, 'hello Bob'));
    expect(sent.msgId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.serverTime).toBeGreaterThan(0);
    await alice.client.send(build.image({ user: 'sdk-bob' }, { url: 'https://cdn.example.com/i/1.jpg' }));
    await bob.waitFor('text and image', () => bob.received.length >= 2);
    expect(texts).toEqual(['hello Bob']);
    expect(bob.received.map((m) => [m.messageType, m.fromId, m.seq])).toEqual([
      [2, 'sdk-alice', 1],
      [3, 'sdk-alice', 2],
    ]);
    expect(bob.client.lastSeqs()).toEqual({ 'p:sdk-alice:sdk-bob': 2 });

    // The same device again: the first thing it gets is the next message, so both were acknowledged.
    await bob.close();
    const bob2 = app(h.url, 'sdk-bob');
    await bob2.client.whenReady();
    await alice.client.send(build.text({ user: 'sdk-bob' }, 'after reconnect'));
    await bob2.waitFor('the next message', () => bob2.received.length >= 1);
    expect(bob2.received[0]?.content).toBe('after reconnect');
  });

  it('rejects a permanent refusal with the code and the registry name, and a group message reaches the members', async () => {
    const carol = app(h.url, 'sdk-carol');
    const dave = app(h.url, 'sdk-dave');
    await Promise.all([carol.client.whenReady(), dave.client.whenReady()]);
    const refused = await carol.client.send(build.text({ group: 'no-such-group' }, 'hi')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImClientError);
    expect(refused).toMatchObject({ code: 40401, errorName: 'IM_ERR_NOT_FOUND' });
    expect(carol.client.pendingSends).toBe(0);

    const { groupId } = await carol.client.api.groups.create({ name: 'sdk', memberIds: ['sdk-dave'] });
    expect((await dave.client.api.groups.list()).map((g) => g.groupId)).toContain(groupId);
    await carol.client.send(build.text({ group: groupId }, 'hi group'));
    await dave.waitFor('the group text', () => dave.textsFrom('sdk-carol').length === 1);
    const [m] = dave.textsFrom('sdk-carol');
    expect(m).toMatchObject({ fromType: 2, destId: groupId, content: 'hi group' });
  });

  it('reads no history for the seqs its own sends took in a conversation going both ways', async () => {
    const historyCalls: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      historyCalls.push(String(input));
      return fetch(input, init);
    };
    const una = app(h.url, 'sdk-una', { fetch: fetchSpy });
    const vic = app(h.url, 'sdk-vic', { fetch: fetchSpy });
    await Promise.all([una.client.whenReady(), vic.client.whenReady()]);
    for (let i = 0; i < 10; i++) {
      await una.client.send(build.text({ user: 'sdk-vic' }, `u ${i}`));
      await vic.waitFor(`u ${i}`, () => vic.textsFrom('sdk-una').length === i + 1);
      await vic.client.send(build.text({ user: 'sdk-una' }, `v ${i}`));
      await una.waitFor(`v ${i}`, () => una.textsFrom('sdk-vic').length === i + 1);
    }
    expectOnceInOrder(vic, 'sdk-una', 'u', 10);
    expectOnceInOrder(una, 'sdk-vic', 'v', 10);
    expect(historyCalls).toEqual([]);
  });

  it('reconnects through a network cut with messages in flight both ways: each once, in order', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', h.server.port);
    try {
      const url = proxy.urlFor(h.url);
      const erin = app(url, 'sdk-erin');
      const frank = app(url, 'sdk-frank');
      await Promise.all([erin.client.whenReady(), frank.client.whenReady()]);
      const sends = [...sendTexts(erin, 'sdk-frank', 'e', 60), ...sendTexts(frank, 'sdk-erin', 'f', 60)];
      await erin.waitFor('some sent', () => erin.sent.length >= 5);
      proxy.down();
      await erin.waitFor('erin cut off', () => erin.client.state === 'disconnected');
      await frank.waitFor('frank cut off', () => frank.client.state === 'disconnected');
      proxy.up();
      await Promise.all(sends);
      await frank.waitFor('60 from erin', () => frank.textsFrom('sdk-erin').length >= 60);
      await erin.waitFor('60 from frank', () => erin.textsFrom('sdk-frank').length >= 60);
      expectOnceInOrder(frank, 'sdk-erin', 'e', 60);
      expectOnceInOrder(erin, 'sdk-frank', 'f', 60);
      // One conversation, both sending: the seqs interleave (each side's own leave gaps, filled over HTTP).
      const page = await erin.client.api.history({ peerId: 'sdk-frank', afterSeq: 0, limit: 500 });
      expect(seqsOf(page.messages as Downlink[])).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    } finally {
      await proxy.close();
    }
  });

  it('asks getToken for a fresh token on every reconnect, also after the server refused an expired one', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', h.server.port);
    try {
      const handed: string[] = [];
      // Distinct tokens (a name claim each); the second one has expired.
      const queue = [tokenFor('sdk-gina', { name: 'gina 0' }), tokenFor('sdk-gina', { expInSeconds: -60 })];
      const getToken = async (): Promise<string> => {
        const t = queue.shift() ?? tokenFor('sdk-gina', { name: `gina ${handed.length}` });
        handed.push(t);
        return t;
      };
      const gina = app(proxy.urlFor(h.url), 'sdk-gina', { getToken, token: undefined });
      const hank = app(h.url, 'sdk-hank');
      await Promise.all([gina.client.whenReady(), hank.client.whenReady()]);
      proxy.down();
      await gina.waitFor('gina cut off', () => gina.client.state === 'disconnected');
      const whileAway = hank.client.send(build.text({ user: 'sdk-gina' }, 'while you were away'));
      proxy.up();
      await gina.waitFor('refused', () => gina.states.some((s) => /unauthorized/.test(s.reason ?? '')));
      await gina.waitFor('back', () => gina.textsFrom('sdk-hank').length === 1);
      await whileAway;
      expect(handed.length).toBeGreaterThanOrEqual(3);
      expect(new Set(handed).size).toBe(handed.length);
      expect(gina.textsFrom('sdk-hank')[0]?.content).toBe('while you were away');
    } finally {
      await proxy.close();
    }
  });
});

describe('client SDK: the server restarted in the middle of 200 sends', () => {
  it('loses and duplicates nothing the app sees', async () => {
    const h = await EmbeddedHarness.start({ IM_PORT: String(await freePort()) });
    try {
      const ivan = app(h.url, 'sdk-ivan');
      const judy = app(h.url, 'sdk-judy');
      await Promise.all([ivan.client.whenReady(), judy.client.whenReady()]);
      const sends = sendTexts(ivan, 'sdk-judy', 'r', 200);
      await ivan.waitFor('some acknowledged', () => ivan.sent.length >= 20);
      const acknowledgedBefore = ivan.sent.length;
      await h.restart();
      expect(acknowledgedBefore).toBeLessThan(200);
      const results = await Promise.all(sends);
      expect(new Set(results.map((r) => r.msgId)).size).toBe(200);
      await judy.waitFor('200 texts', () => judy.textsFrom('sdk-ivan').length >= 200);
      expectOnceInOrder(judy, 'sdk-ivan', 'r', 200);
      expect(ivan.states.map((s) => s.state)).toContain('disconnected');
      const page = await judy.client.api.history({ peerId: 'sdk-ivan', afterSeq: 0, limit: 500 });
      expect(page.messages).toHaveLength(200);
    } finally {
      await h.stop();
    }
  });
});

describe('client SDK: a seq gap', () => {
  it('is filled from GET /v1/messages before later messages, so the app sees the conversation in order once', async () => {
    const h = await EmbeddedHarness.start({ IM_SYNC_MAX_PER_CONVERSATION: '5' });
    try {
      const storage = new MemoryStorage();
      const historyCalls: string[] = [];
      const fetchSpy: typeof fetch = (input, init) => {
        historyCalls.push(String(input));
        return fetch(input, init);
      };
      const kate = app(h.url, 'sdk-kate');
      const leo = app(h.url, 'sdk-leo', { storage });
      await Promise.all([kate.client.whenReady(), leo.client.whenReady()]);
      await kate.client.send(build.text({ user: 'sdk-leo' }, 'g 0'));
      await leo.waitFor('the first', () => leo.received.length === 1);
      await leo.close();
      // 20 more while Leo is away; on return the server syncs only the newest 5 (IM_SYNC_MAX_PER_CONVERSATION).
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => kate.client.send(build.text({ user: 'sdk-leo' }, `g ${i + 1}`))),
      );
      const leo2 = app(h.url, 'sdk-leo', { storage, fetch: fetchSpy });
      await leo2.waitFor('the other 20', () => leo2.textsFrom('sdk-kate').length >= 20);
      const seen = leo2.textsFrom('sdk-kate');
      expect(seqsOf(seen)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
      expect(new Set(seen.map((m) => m.msgId)).size).toBe(20);
      expect(historyCalls.some((u) => u.includes('/v1/messages'))).toBe(true);
    } finally {
      await h.stop();
    }
  });
});

describe('client SDK: a low rate limit', () => {
  it('backs off on 42901 and delivers everything once', async () => {
    const h = await EmbeddedHarness.start({ IM_RATE_LIMIT_PER_SEC: '10', IM_RATE_LIMIT_BURST: '5' });
    try {
      const mia = app(h.url, 'sdk-mia', { retryBackoff: { initialMs: 100, maxMs: 1000 } });
      const ned = app(h.url, 'sdk-ned');
      await Promise.all([mia.client.whenReady(), ned.client.whenReady()]);
      await Promise.all(sendTexts(mia, 'sdk-ned', 'l', 40));
      expect(mia.retries.length).toBeGreaterThan(0);
      expect(mia.retries.every((r) => r.code === 42901)).toBe(true);
      await ned.waitFor('40 texts', () => ned.textsFrom('sdk-mia').length >= 40);
      expectOnceInOrder(ned, 'sdk-mia', 'l', 40);
    } finally {
      await h.stop();
    }
  });
});

describe('client SDK: persistence', () => {
  it("keeps unacknowledged sends in the app's storage: the next session sends them, same msgId, once", async () => {
    const h = await EmbeddedHarness.start();
    const proxy = await TcpProxy.start('127.0.0.1', h.server.port);
    try {
      // An AsyncStorage-like store, as a React Native app would pass.
      const disk = new Map<string, string>();
      const store = {
        getItem: async (k: string) => disk.get(k) ?? null,
        setItem: async (k: string, v: string) => void disk.set(k, v),
        removeItem: async (k: string) => void disk.delete(k),
      };
      const olga = app(proxy.urlFor(h.url), 'sdk-olga', { storage: keyValueStorage(store, 'olga:') });
      const pete = app(h.url, 'sdk-pete');
      await Promise.all([olga.client.whenReady(), pete.client.whenReady()]);
      proxy.down();
      await olga.waitFor('olga cut off', () => olga.client.state === 'disconnected');
      const offline = sendTexts(olga, 'sdk-pete', 'o', 3).map((p) => p.catch((e: unknown) => e));
      await olga.waitFor('queued', () => JSON.parse(disk.get('olga:outbox') ?? '[]').length === 3);
      const queued = (JSON.parse(disk.get('olga:outbox') ?? '[]') as { msgId: string }[]).map((e) => e.msgId);
      await olga.close();
      expect((await Promise.all(offline)).every((e) => e instanceof Error)).toBe(true);
      // The app starts again with the same storage.
      proxy.up();
      const olga2 = app(proxy.urlFor(h.url), 'sdk-olga', { storage: keyValueStorage(store, 'olga:') });
      await olga2.waitFor('3 sent', () => olga2.sent.length === 3);
      expect(olga2.sent.map((r) => r.msgId).sort()).toEqual([...queued].sort());
      await pete.waitFor('3 texts', () => pete.textsFrom('sdk-olga').length >= 3);
      expectOnceInOrder(pete, 'sdk-olga', 'o', 3);
      expect(
        pete
          .textsFrom('sdk-olga')
          .map((m) => m.msgId)
          .sort(),
      ).toEqual([...queued].sort());
      await olga2.waitFor('the stored outbox emptied', () => !disk.has('olga:outbox'));
    } finally {
      await proxy.close();
      await h.stop();
    }
  });
});
