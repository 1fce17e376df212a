// Offline push (im.push.out): every producer (message, wallet, group, friend, events and call
// services) goes through one path that publishes one record per (user, message) of a type that
// pushes, naming the tokens of the user's devices with no socket open; none for a device online,
// a muted user or conversation, a token replaced or removed. A test consumer reads the real topic
// in the harness's namespace, as an APNs / FCM push service would.
import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { KafkaBus, PushRecord } from '@im/bus';
import type { ImMessage } from '@im/protocol';
import { ClusterHarness } from '../support/cluster-harness';

jest.setTimeout(180_000);

const ADMIN = 'push-test-admin-token-0123456789';
const settle = (ms = 1500): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('offline push (cluster)', () => {
  let h: ClusterHarness;
  let kafka: KafkaBus;
  const pushes: PushRecord[] = [];
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  const pushesFor = (userId: string): PushRecord[] => pushes.filter((p) => p.userId === userId);
  const admin = { authorization: `Bearer ${ADMIN}` };

  async function waitForPush(userId: string, match: (p: PushRecord) => boolean, what: string): Promise<PushRecord> {
    const start = Date.now();
    for (;;) {
      const hit = pushes.find((p) => p.userId === userId && match(p));
      if (hit) return hit;
      if (Date.now() - start > 30_000) throw new Error(`no push for ${userId}: ${what}`);
      await settle(100);
    }
  }
  const pushOf = (userId: string, msgId: string): Promise<PushRecord> =>
    waitForPush(userId, (p) => p.msgId === msgId, msgId);

  /** Registers a fresh token for the device and returns it. */
  async function register(gateway: number, userId: string, deviceId: string, platform = 'fcm'): Promise<string> {
    const token = `${platform}:${deviceId}-${randomUUID()}`;
    const res = await h.http(gateway, 'PUT', `/v1/devices/${deviceId}/push`, userId, { platform, token });
    expect(res.status).toBe(204);
    return token;
  }
  const target = (deviceId: string, token: string, platform = 'fcm') => ({ deviceId, platform, token });

  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2, env: { IM_ADMIN_TOKEN: ADMIN } });
    kafka = await h.kafka();
    await kafka.subscribe(Topics.PUSH_OUT, 'test-push-reader', (r) => {
      pushes.push(r.value);
      return Promise.resolve();
    });
  });
  afterAll(() => h?.stop());

  it("one record per offline device's user and message, naming its tokens; none for a device online, the sender or a user without a token", async () => {
    const [a, off, on, none] = [u('pa'), u('poff'), u('pon'), u('pnone')];
    const ca = await h.connect(0, a);
    const phone = await register(1, off, 'phone');
    await register(0, on, 'phone');
    await h.connect(1, on, { deviceId: 'phone' });
    const first = ca.message(off, 'hello there');
    expect((await ca.send(first)).code).toBe(0);
    // The same message again (a client retry) is stored once and pushed once.
    expect((await ca.send(first)).code).toBe(0);
    const long = ca.message(off, 'x'.repeat(200));
    expect((await ca.send(long)).code).toBe(0);
    const toOn = ca.message(on, 'you are online');
    const toNone = ca.message(none, 'nobody to push to');
    expect((await ca.send(toOn)).code).toBe(0);
    expect((await ca.send(toNone)).code).toBe(0);
    expect(await pushOf(off, first.msgId)).toEqual({
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
      tokens: [target('phone', phone)],
      priority: 'normal',
    });
    const p2 = await pushOf(off, long.msgId);
    expect(p2.body).toHaveLength(60);
    expect(p2.badge).toBe(2);
    await settle();
    expect(pushesFor(off).map((p) => p.msgId)).toEqual([first.msgId, long.msgId]);
    expect([pushesFor(on), pushesFor(none), pushesFor(a)]).toEqual([[], [], []]);
  });

  it("every kind in the table pushes once to the offline phone and never names the user's PC that is online", async () => {
    const [s, r, o] = [u('ks'), u('kr'), u('ko')];
    const phone = await register(0, r, 'phone', 'apns');
    const pcToken = await register(1, r, 'pc');
    const pc = await h.connect(1, r, { deviceId: 'pc' });
    const cs = await h.connect(0, s);
    expect(
      (
        await h.httpUntilFinal(
          0,
          'POST',
          '/v1/admin/wallet/topup',
          undefined,
          { userId: s, amount: 10_000, idempotencyKey: u('k') },
          admin,
        )
      ).status,
    ).toBe(200);
    const ok = async (res: Promise<{ status: number; body: unknown }>): Promise<void> =>
      expect((await res).status).toBeLessThan(300);
    await ok(h.http(0, 'POST', '/v1/friends/requests', s, { toUserId: r, message: 'hi' }));
    await waitForPush(r, (p) => p.messageType === 11, 'the friend request');
    // Accepted from the PC: 12 goes to s, who has no token; transfers need the friendship.
    await ok(h.http(1, 'POST', `/v1/friends/requests/${s}/accept`, r));
    const groupId = await h.createGroup(0, o, [s], 'Climbers');
    await ok(h.http(1, 'POST', `/v1/groups/${groupId}/members`, o, { userIds: [r] }));
    const to = { type: 'user', id: r };
    await ok(h.http(0, 'POST', '/v1/red-packets', s, { to, kind: 'equal', total: 100, count: 1, requestId: u('rp') }));
    await ok(h.http(1, 'POST', '/v1/transfers', s, { toUserId: r, amount: 100, requestId: u('t') }));
    await ok(h.http(0, 'POST', '/v1/collections', s, { to, amount: 100, count: 1, requestId: u('c') }));
    await ok(h.http(1, 'POST', '/v1/payment-requests', s, { toUserId: r, amount: 100, requestId: u('pr') }));
    await ok(h.http(0, 'POST', '/v1/admin/notices', undefined, { userIds: [r], content: 'Maintenance' }, admin));
    await kafka.publish(Topics.EVENTS_IN, u('oa'), {
      eventId: u('oa'),
      messageType: 70,
      fromType: 5,
      fromId: 'oa-news',
      fromName: 'News',
      target: { users: [r] },
      content: { title: 'Weekly digest' },
    });
    const text = cs.message(r, 'see you at eight');
    expect((await cs.send(text)).code).toBe(0);
    // A ringing call: the PC rings, the phone is pushed at once, high priority.
    const ring = cs.message(r, '', { messageType: 150 as ImMessage['messageType'] });
    expect((await cs.send(ring)).code).toBe(0);
    await pc.waitForMessages(1, 150, 20_000);
    const rang = await pushOf(r, ring.msgId);
    expect(rang).toMatchObject({ messageType: 150, priority: 'high', body: '[Voice call]', title: s });
    expect(rang.collapseKey).toMatch(/^call:/);
    // The caller gives up: the missed call's 162 replaces the ring on the phone (same collapse key).
    expect((await cs.send(cs.message(r, '', { messageType: 156 as ImMessage['messageType'] }))).code).toBe(0);
    const missed = await waitForPush(r, (p) => p.messageType === 162, '162');
    expect(missed).toMatchObject({ collapseKey: rang.collapseKey, priority: 'normal', body: '[Missed call]' });

    const labels: Record<number, string> = {
      2: 'see you at eight',
      10: '[Group invitation]',
      11: '[Friend request]',
      17: '[Red packet]',
      18: '[Transfer]',
      40: '[Payment request]',
      41: '[Payment request]',
      68: '[System notice]',
      70: '[Official account]',
      150: '[Voice call]',
      162: '[Missed call]',
    };
    for (const type of Object.keys(labels).map(Number))
      await waitForPush(r, (p) => p.messageType === type, `type ${type}`);
    await settle();
    const mine = pushesFor(r);
    expect(mine.map((p) => p.messageType).sort((x, y) => x - y)).toEqual(Object.keys(labels).map(Number));
    for (const p of mine) {
      expect([p.messageType, p.body, p.tokens]).toEqual([
        p.messageType,
        labels[p.messageType],
        [target('phone', phone, 'apns')],
      ]);
      expect(JSON.stringify(p)).not.toContain(pcToken);
    }
    // Group-wide notices (8 to the members) and the bookkeeping ones push nothing.
    expect(pushesFor(s).concat(pushesFor(o))).toEqual([]);

    // The phone comes online: nothing more is pushed to it.
    await h.connect(0, r, { deviceId: 'phone' });
    const later = cs.message(r, 'both online now');
    expect((await cs.send(later)).code).toBe(0);
    await pc.waitFor(() => pc.received.some((m) => m.msgId === later.msgId), 20_000, 'the message on the PC');
    await settle();
    expect(pushesFor(r)).toHaveLength(mine.length);
  });

  it("a muted conversation or a user's push switch off sends nothing until turned back on; a group push is titled with the group name", async () => {
    const [a, d, o, m] = [u('ma'), u('md'), u('mo'), u('mm')];
    const ca = await h.connect(0, a);
    const ca2 = await h.connect(1, a, { deviceId: 'second' });
    const phone = await register(0, d, 'phone');
    await register(0, m, 'phone');
    expect((await h.http(1, 'PUT', '/v1/conversations/mute', d, { peerId: a, muted: true })).body).toEqual({
      conversationId: `p:${[a, d].sort().join(':')}`,
      muted: true,
    });
    expect((await h.http(1, 'PUT', '/v1/conversations/mute', d, { peerId: a, muted: 'yes' })).status).toBe(400);
    expect((await h.http(1, 'PUT', '/v1/push/mute', d, { muted: 'yes' })).status).toBe(400);
    expect((await h.http(1, 'PUT', '/v1/push/mute', d, { muted: true, extra: 1 })).status).toBe(400);
    // d's PC (its phone stays offline) answers each message: its answer, in the same conversation
    // (same key, same partition), reaches a's second device only after the message service handled
    // the message before it, push decision included.
    const cd = await h.connect(0, d, { deviceId: 'pc' });
    const sendSeen = async (content: string): Promise<ImMessage> => {
      const msg = ca.message(d, content);
      expect((await ca.send(msg)).code).toBe(0);
      const answer = cd.message(a, `re: ${content}`);
      expect((await cd.send(answer)).code).toBe(0);
      await ca2.waitFor(() => ca2.received.some((x) => x.msgId === answer.msgId), 30_000, content);
      return msg;
    };
    await sendSeen('muted conversation');
    expect((await h.http(0, 'PUT', '/v1/push/mute', d, { muted: true })).status).toBe(204);
    expect((await h.http(1, 'PUT', '/v1/conversations/mute', d, { peerId: a, muted: false })).status).toBe(200);
    expect((await h.http(1, 'GET', '/v1/push', d)).body).toEqual({
      muted: true,
      devices: [{ deviceId: 'phone', platform: 'fcm', updatedAt: expect.any(Number) }],
    });
    await sendSeen('push switched off');
    expect((await h.http(0, 'PUT', '/v1/push/mute', d, { muted: false })).status).toBe(204);
    const loud = await sendSeen('after unmute');
    expect(await pushOf(d, loud.msgId)).toMatchObject({ tokens: [target('phone', phone)] });
    expect(pushesFor(d).map((p) => p.msgId)).toEqual([loud.msgId]);

    const groupId = await h.createGroup(0, o, [m], 'Hikers');
    const co = await h.connect(0, o);
    const gm = co.message(groupId, 'Saturday?', { fromType: 2 });
    expect((await co.send(gm)).code).toBe(0);
    expect(await pushOf(m, gm.msgId)).toMatchObject({
      title: 'Hikers',
      body: `${o}: Saturday?`,
      conversationId: `g:${groupId}`,
    });
  });

  it('a token replaced (a new token, a new phone of the same devType, DELETE on logging out) gets nothing', async () => {
    const [a, r] = [u('ra'), u('rr')];
    const ca = await h.connect(0, a);
    const oldToken = await register(0, r, 'tablet');
    const tablet = await register(1, r, 'tablet');
    // The old phone (devType 2) registers, then a new phone of that devType logs in: 15 to the old one, its token gone.
    await h.connect(0, r, { deviceId: 'phone-a', devType: 2 });
    const replacedToken = await register(0, r, 'phone-a');
    const phoneB = await h.connect(1, r, { deviceId: 'phone-b', devType: 2 });
    await register(1, r, 'phone-b');
    expect(
      ((await h.http(0, 'GET', '/v1/push', r)).body.devices as { deviceId: string }[]).map((x) => x.deviceId),
    ).toEqual(['phone-b', 'tablet']);
    const msg = ca.message(r, 'which devices?');
    expect((await ca.send(msg)).code).toBe(0);
    const p = await pushOf(r, msg.msgId);
    expect(p.tokens).toEqual([target('tablet', tablet)]);
    expect(JSON.stringify(p)).not.toContain(oldToken);
    expect(JSON.stringify(p)).not.toContain(replacedToken);
    // The tablet logs out: no device is left without a socket, so nothing is pushed.
    expect((await h.http(0, 'DELETE', '/v1/devices/tablet/push', r)).status).toBe(204);
    expect((await h.http(0, 'DELETE', '/v1/devices/tablet/push', r)).status).toBe(204);
    expect((await h.http(0, 'PUT', '/v1/devices/tablet/push', r, { platform: 'gcm', token: 'abcdefgh' })).status).toBe(
      400,
    );
    expect((await h.http(0, 'PUT', '/v1/devices/tablet/push', r, { platform: 'fcm', token: 'has space' })).status).toBe(
      400,
    );
    const after = ca.message(r, 'nobody offline');
    expect((await ca.send(after)).code).toBe(0);
    await phoneB.waitFor(() => phoneB.received.some((x) => x.msgId === after.msgId), 30_000, 'the message on phone-b');
    await settle();
    expect(pushesFor(r).map((x) => x.msgId)).toEqual([msg.msgId]);
    expect(((await h.http(0, 'GET', '/v1/push', r)).body.devices as unknown[]).length).toBe(1);
  });
});
