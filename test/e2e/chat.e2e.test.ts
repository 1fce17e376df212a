import { EmbeddedHarness } from '../support/embedded-harness';
import type { ImTestClient } from '../support/im-client';
import { expectRegistryShapes } from '../support/registry-shapes';

describe('chat end to end (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => {
    // Every message the clients got has the shape the registry gives its type (docs/protocol.md).
    try {
      expectRegistryShapes(h.clients);
    } finally {
      h.closeClients();
    }
  });

  it('lets a socket.io-client@4 and a socket.io-client@2 client exchange 1:1 messages with acks', async () => {
    const alice = await h.connect('alice1', { version: 4 });
    const bob = await h.connect('bob1', { version: 2 });
    const m1 = alice.message('bob1', 'hi bob');
    const ack1 = await alice.send(m1);
    expect(ack1).toEqual({ code: 0, msgId: m1.msgId, serverTime: expect.any(Number) });
    await bob.waitForMessages(1);
    expect(bob.ofType(2)[0]).toMatchObject({
      msgId: m1.msgId,
      fromId: 'alice1',
      destId: 'bob1',
      content: 'hi bob',
      seq: 1,
      sendTime: ack1.serverTime,
    });
    const m2 = bob.message('alice1', 'hi alice');
    const ack2 = await bob.send(m2);
    expect(ack2).toMatchObject({ code: 0, msgId: m2.msgId });
    await alice.waitForMessages(1);
    expect(alice.ofType(2)[0]).toMatchObject({ msgId: m2.msgId, fromId: 'bob1', seq: 2 });
  });

  it('works over HTTP long-polling (then upgrade) for v2 and v4 clients, as their defaults do', async () => {
    const a = await h.connect('poll-a', { version: 2, transports: ['polling', 'websocket'] });
    const b = await h.connect('poll-b', { version: 4, transports: ['polling'] });
    const m = a.message('poll-b', 'over polling');
    expect((await a.send(m)).code).toBe(0);
    await b.waitForMessages(1);
    const back = b.message('poll-a', 'polling back');
    expect((await b.send(back)).code).toBe(0);
    await a.waitForMessages(1);
    expect(a.ofType(2)[0]).toMatchObject({ msgId: back.msgId });
  });

  it('lets v2 and v4 clients exchange group messages; every member receives', async () => {
    const groupId = await h.createGroup('gowner', ['gm1', 'gm2']);
    const owner = await h.connect('gowner', { version: 4 });
    const m1 = await h.connect('gm1', { version: 2 });
    const m2 = await h.connect('gm2', { version: 4 });
    const msg = m1.message(groupId, 'hello group', { fromType: 2 });
    expect((await m1.send(msg)).code).toBe(0);
    await Promise.all([owner.waitForMessages(1), m2.waitForMessages(1)]);
    for (const c of [owner, m2])
      expect(c.ofType(2)[0]).toMatchObject({ msgId: msg.msgId, fromType: 2, destId: groupId, seq: 1 });
    const back = owner.message(groupId, 'welcome', { fromType: 2 });
    expect((await owner.send(back)).code).toBe(0);
    await m1.waitForMessages(1);
    expect(m1.ofType(2)[0]).toMatchObject({ content: 'welcome', seq: 2 });
    expect(m1.ofType(2)).toHaveLength(1);
  });

  it('answers a retried msgId with the first answer and stores and delivers it once', async () => {
    const a = await h.connect('retry-a');
    const b = await h.connect('retry-b');
    const m = a.message('retry-b', 'once');
    const first = await a.send(m);
    const again = await Promise.all([a.send(m), a.send(m), a.send(JSON.stringify(m))]);
    for (const ack of again) expect(ack).toEqual(first);
    await b.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.ofType(2)).toHaveLength(1);
    const hist = await h.http('GET', '/v1/messages?peerId=retry-a', 'retry-b');
    expect(hist.body.messages).toHaveLength(1);
  });

  it("sends a message to the sender's other devices but not back to the device it came from", async () => {
    const phone = await h.connect('multi-a', { deviceId: 'phone' });
    const pc = await h.connect('multi-a', { deviceId: 'pc' });
    const peer = await h.connect('multi-b');
    const m = phone.message('multi-b', 'from my phone');
    await phone.send(m);
    await Promise.all([pc.waitForMessages(1), peer.waitForMessages(1)]);
    await new Promise((r) => setTimeout(r, 200));
    expect(pc.ofType(2)[0]).toMatchObject({ msgId: m.msgId, fromId: 'multi-a' });
    expect(phone.ofType(2)).toHaveLength(0);
  });

  it('delivers five messages sent while offline, in order, after connect and type 1, and not again once acknowledged', async () => {
    const sender = await h.connect('off-a');
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = sender.message('off-b', `offline ${i}`);
      sent.push(m.msgId);
      expect((await sender.send(m)).code).toBe(0);
    }
    const waiting = await h.connect('off-b', { autoReady: false, deviceId: 'off-b-phone' });
    await new Promise((r) => setTimeout(r, 200));
    expect(waiting.received).toHaveLength(0);
    await waiting.sendReady();
    await waiting.waitForMessages(5);
    expect(waiting.ofType(2).map((m) => m.msgId)).toEqual(sent);
    expect(waiting.ofType(2).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    await new Promise((r) => setTimeout(r, 200));
    waiting.close();
    const again = await h.connect('off-b', { deviceId: 'off-b-phone' });
    await new Promise((r) => setTimeout(r, 400));
    expect(again.ofType(2)).toHaveLength(0);
  });

  it('delivers again after the next type 1 what a device did not acknowledge', async () => {
    const a = await h.connect('noack-a');
    const crashy = await h.connect('noack-b', { autoAck: false });
    const m = a.message('noack-b', 'ack me');
    await a.send(m);
    await crashy.waitForMessages(1);
    crashy.close();
    await new Promise((r) => setTimeout(r, 100));
    const back = await h.connect('noack-b');
    await back.waitForMessages(1);
    expect(back.ofType(2)[0]).toMatchObject({ msgId: m.msgId });
  });

  it('does not acknowledge a message the service cannot store; the retry with the same msgId is stored once', async () => {
    const a = await h.connect('fail-a');
    const b = await h.connect('fail-b');
    const messages = h.server.store.messages;
    const append = messages.append.bind(messages);
    messages.append = () => Promise.reject(new Error('disk full'));
    const m = a.message('fail-b', 'keep me');
    try {
      expect(await a.send(m)).toMatchObject({ code: 50301, msgId: m.msgId });
    } finally {
      messages.append = append;
    }
    expect((await h.http('GET', '/v1/messages?peerId=fail-a', 'fail-b')).body.messages).toHaveLength(0);
    expect((await a.send(m)).code).toBe(0);
    await b.waitForMessages(1);
    expect((await h.http('GET', '/v1/messages?peerId=fail-a', 'fail-b')).body.messages).toHaveLength(1);
  });

  it('answers heartbeat 31 with 31', async () => {
    const a = await h.connect('hb');
    const ack = await a.send(a.message('server', '', { messageType: 31 }));
    expect(ack.code).toBe(0);
    await a.waitForMessages(1, 31);
  });

  it('recalls a message of its sender, tells the conversation, and blanks it in history', async () => {
    const a = await h.connect('rc-a');
    const b = await h.connect('rc-b');
    const m = a.message('rc-b', 'oops');
    await a.send(m);
    await b.waitForMessages(1);
    const notMine = await b.send(b.message('rc-a', m.msgId, { messageType: 32 }));
    expect(notMine).toMatchObject({ code: 40305 });
    const recall = await a.send(a.message('rc-b', m.msgId, { messageType: 32 }));
    expect(recall.code).toBe(0);
    await b.waitForMessages(1, 32);
    expect(b.ofType(32)[0]).toMatchObject({ content: m.msgId, fromId: 'rc-a', seq: 2 });
    const hist = await h.http('GET', '/v1/messages?peerId=rc-a', 'rc-b');
    expect(hist.body.messages[0]).toMatchObject({ msgId: m.msgId, content: '', status: 1 });
    const unknown = await a.send(a.message('rc-b', 'no-such-msg', { messageType: 32 }));
    expect(unknown).toMatchObject({ code: 40401 });
  });

  it('moves the read seq with type 33 and tells the other side', async () => {
    const a = await h.connect('rd-a');
    const b = await h.connect('rd-b');
    const msgs = [a.message('rd-b', 'one'), a.message('rd-b', 'two'), a.message('rd-b', 'three')];
    for (const m of msgs) await a.send(m);
    await b.waitForMessages(3);
    let conv = (await h.http('GET', '/v1/conversations', 'rd-b')).body.conversations[0];
    expect(conv).toMatchObject({ kind: 'direct', peerId: 'rd-a', maxSeq: 3, readSeq: 0, unread: 3 });
    expect((await b.send(b.message('rd-a', msgs[1]?.msgId, { messageType: 33 }))).code).toBe(0);
    await a.waitForMessages(1, 33);
    expect(a.ofType(33)[0]).toMatchObject({ fromId: 'rd-b', content: msgs[1]?.msgId });
    conv = (await h.http('GET', '/v1/conversations', 'rd-b')).body.conversations[0];
    expect(conv).toMatchObject({ readSeq: 2, unread: 1 });
  });

  it('refuses a message to a user who blacklisted the sender with 66, delivering nothing', async () => {
    const a = await h.connect('bl-a');
    const b = await h.connect('bl-b');
    expect((await h.http('PUT', '/v1/blacklist/bl-a', 'bl-b')).status).toBe(204);
    expect((await h.http('GET', '/v1/blacklist', 'bl-b')).body).toEqual({ userIds: ['bl-a'] });
    const m = a.message('bl-b', 'let me in');
    await a.send(m);
    await a.waitForMessages(1, 66);
    expect(a.ofType(66)[0]).toMatchObject({ content: m.msgId, fromId: 'bl-b', destId: 'bl-a' });
    await new Promise((r) => setTimeout(r, 200));
    expect(b.received).toHaveLength(0);
    expect((await h.http('GET', '/v1/messages?peerId=bl-a', 'bl-b')).body.messages).toHaveLength(0);
    expect((await h.http('DELETE', '/v1/blacklist/bl-a', 'bl-b')).status).toBe(204);
    await a.send(a.message('bl-b', 'friends again'));
    await b.waitForMessages(1);
  });

  it('serves history by seq window and only to participants', async () => {
    const a = await h.connect('hi-a');
    for (let i = 1; i <= 6; i++) await a.send(a.message('hi-b', `m${i}`));
    const page = await h.http('GET', '/v1/messages?peerId=hi-b&afterSeq=2&limit=3', 'hi-a');
    expect(page.body.messages.map((m: { seq: number }) => m.seq)).toEqual([3, 4, 5]);
    const older = await h.http('GET', '/v1/messages?peerId=hi-a&beforeSeq=6&limit=2', 'hi-b');
    expect(older.body.messages.map((m: { seq: number }) => m.seq)).toEqual([4, 5]);
    const groupId = await h.createGroup('hi-a', ['hi-b']);
    expect((await h.http('GET', `/v1/messages?groupId=${groupId}`, 'hi-c')).status).toBe(403);
    expect((await h.http('GET', '/v1/messages?peerId=hi-b', undefined)).status).toBe(401);
    expect((await h.http('GET', '/v1/messages?peerId=hi-b&groupId=x', 'hi-a')).status).toBe(400);
  });
});

describe('server restart (embedded)', () => {
  it('keeps every conversation, seq and pending delivery across a restart', async () => {
    const h = await EmbeddedHarness.start();
    try {
      const a = await h.connect('rs-a');
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) {
        const m = a.message('rs-b', `before restart ${i}`);
        sent.push(m.msgId);
        await a.send(m);
      }
      await h.restart();
      const b: ImTestClient = await h.connect('rs-b');
      await b.waitForMessages(5);
      expect(b.ofType(2).map((m) => m.msgId)).toEqual(sent);
      const a2 = await h.connect('rs-a');
      const next = a2.message('rs-b', 'after restart');
      await a2.send(next);
      await b.waitForMessages(6);
      expect(b.ofType(2)[5]).toMatchObject({ msgId: next.msgId, seq: 6 });
    } finally {
      await h.stop();
    }
  });
});

describe('friendship switch (embedded)', () => {
  it('refuses 1:1 messages between non-friends when IM_REQUIRE_FRIENDSHIP is on', async () => {
    const h = await EmbeddedHarness.start({ IM_REQUIRE_FRIENDSHIP: 'true' });
    try {
      const a = await h.connect('fr-a');
      const b = await h.connect('fr-b');
      expect(await a.send(a.message('fr-b', 'hello?'))).toMatchObject({ code: 40304 });
      await h.server.store.relations.befriend('fr-a', 'fr-b');
      expect((await a.send(a.message('fr-b', 'hello friend'))).code).toBe(0);
      await b.waitForMessages(1);
      expect(b.ofType(2)).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });
});
