// Offline push (im.push.out): the message service publishes one record per (user, message) for
// recipients with no device online, unless they muted the conversation. A test consumer reads
// the real topic in the harness's namespace, as an APNs / FCM push service would.
import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { PushRecord } from '@im/bus';
import { ClusterHarness } from '../support/cluster-harness';

jest.setTimeout(180_000);

const settle = (ms = 800): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('offline push (cluster)', () => {
  let h: ClusterHarness;
  const pushes: PushRecord[] = [];
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  const pushesFor = (userId: string): PushRecord[] => pushes.filter((p) => p.userId === userId);

  async function waitForPush(userId: string, msgId: string): Promise<PushRecord> {
    const start = Date.now();
    for (;;) {
      const hit = pushes.find((p) => p.userId === userId && p.msgId === msgId);
      if (hit) return hit;
      if (Date.now() - start > 30_000) throw new Error(`no push for ${userId} / ${msgId}`);
      await settle(100);
    }
  }

  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2 });
    const kafka = await h.kafka();
    await kafka.subscribe<PushRecord>(Topics.PUSH_OUT, 'test-push-reader', (r) => {
      pushes.push(r.value);
      return Promise.resolve();
    });
  });
  afterAll(() => h?.stop());

  it("an offline user's message produces exactly one push record with title, short body and badge; online users and the sender get none", async () => {
    const [a, off, on] = [u('pa'), u('poff'), u('pon')];
    const ca = await h.connect(0, a);
    const con = await h.connect(1, on);
    const first = ca.message(off, 'hello there');
    expect((await ca.send(first)).code).toBe(0);
    // The same message again (a client retry) is stored once and pushed once.
    expect((await ca.send(first)).code).toBe(0);
    const long = ca.message(off, 'x'.repeat(200));
    expect((await ca.send(long)).code).toBe(0);
    expect((await ca.send(ca.message(on, 'you are online'))).code).toBe(0);
    await con.waitForMessages(1, 2, 30_000);
    const p1 = await waitForPush(off, first.msgId);
    expect(p1).toEqual({
      pushId: `${['p', ...[a, off].sort()].join(':')}/${first.msgId}/${off}`,
      userId: off,
      conversationId: `p:${[a, off].sort().join(':')}`,
      msgId: first.msgId,
      messageType: 2,
      fromId: a,
      title: a,
      body: 'hello there',
      badge: 1,
      sendTime: expect.any(Number),
    });
    const p2 = await waitForPush(off, long.msgId);
    expect(p2.body).toHaveLength(60);
    expect(p2.badge).toBe(2);
    await settle();
    expect(pushesFor(off).map((p) => p.msgId)).toEqual([first.msgId, long.msgId]);
    expect(pushesFor(on)).toHaveLength(0);
    expect(pushesFor(a)).toHaveLength(0);
  });

  it('a muted conversation produces no push until unmuted; a group push is titled with the group name', async () => {
    const [a, d, o, m] = [u('ma'), u('md'), u('mo'), u('mm')];
    const ca = await h.connect(0, a);
    expect((await h.http(1, 'PUT', '/v1/conversations/mute', d, { peerId: a, muted: true })).body).toEqual({
      conversationId: `p:${[a, d].sort().join(':')}`,
      muted: true,
    });
    expect((await h.http(1, 'PUT', '/v1/conversations/mute', d, { peerId: a, muted: 'yes' })).status).toBe(400);
    expect(
      (await h.http(1, 'PUT', '/v1/conversations/mute', d, { peerId: a, groupId: 'g1', muted: true })).status,
    ).toBe(400);
    expect((await h.http(1, 'PUT', '/v1/conversations/mute', d, { groupId: 'not-my-group', muted: true })).status).toBe(
      403,
    );
    // a's second device sees the message once the message service handled it (the push decision follows at once).
    const ca2 = await h.connect(1, a, { deviceId: 'second' });
    const quiet = ca.message(d, 'muted message');
    expect((await ca.send(quiet)).code).toBe(0);
    await ca2.waitFor(
      () => ca2.received.some((x) => x.msgId === quiet.msgId),
      30_000,
      'the muted message on the second device',
    );
    await settle();
    expect((await h.http(1, 'GET', '/v1/conversations', d)).body.conversations).toEqual([
      expect.objectContaining({ peerId: a, muted: true, unread: 1 }),
    ]);
    expect((await h.http(1, 'PUT', '/v1/conversations/mute', d, { peerId: a, muted: false })).status).toBe(200);
    const loud = ca.message(d, 'after unmute');
    expect((await ca.send(loud)).code).toBe(0);
    // Same user key, same partition, same conversation: the muted message was handled before this one.
    await waitForPush(d, loud.msgId);
    expect(pushesFor(d).map((p) => p.msgId)).toEqual([loud.msgId]);

    const groupId = await h.createGroup(0, o, [m], 'Hikers');
    const co = await h.connect(0, o);
    const gm = co.message(groupId, 'Saturday?', { fromType: 2 });
    expect((await co.send(gm)).code).toBe(0);
    expect(await waitForPush(m, gm.msgId)).toMatchObject({
      title: 'Hikers',
      body: `${o}: Saturday?`,
      conversationId: `g:${groupId}`,
    });
    await settle();
    expect(pushesFor(o)).toHaveLength(0);
  });
});
