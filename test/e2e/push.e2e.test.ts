// Offline push in embedded mode: the same PushNotifier path on the in-process bus. Device tokens
// over HTTP (checked, idempotent), per-device offline, the sender's own devices, a ringing call
// pushed at once with its missed call under the same collapse key.
import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { PushRecord } from '@im/bus';
import type { ImMessage } from '@im/protocol';
import { EmbeddedHarness } from '../support/embedded-harness';

describe('offline push (embedded)', () => {
  let h: EmbeddedHarness;
  const pushes: PushRecord[] = [];
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  const pushesFor = (userId: string): PushRecord[] => pushes.filter((p) => p.userId === userId);
  const register = async (userId: string, deviceId: string, token: string, platform = 'fcm'): Promise<void> =>
    expect((await h.http('PUT', `/v1/devices/${deviceId}/push`, userId, { platform, token })).status).toBe(204);
  const waitForPush = async (userId: string, match: (p: PushRecord) => boolean): Promise<PushRecord> => {
    for (let i = 0; i < 200; i++) {
      const hit = pushesFor(userId).find(match);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no push for ${userId}`);
  };

  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_MULTI_DEVICE: 'many' });
    await h.server.bus.subscribe(Topics.PUSH_OUT, 'test-push', (r) => {
      pushes.push(r.value);
      return Promise.resolve();
    });
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  it('refuses a bad registration and changes nothing; registering again replaces the token; DELETE is idempotent', async () => {
    const a = u('ta');
    for (const body of [
      { platform: 'gcm', token: 'abcdefgh12' },
      { platform: 'fcm', token: 'short' },
      { platform: 'fcm', token: 'has a space in it' },
      { platform: 'fcm', token: 'abcdefgh12', userId: 'someone-else' },
      { platform: 'fcm' },
    ])
      expect([body, (await h.http('PUT', '/v1/devices/phone/push', a, body)).status]).toEqual([body, 400]);
    expect((await h.http('PUT', '/v1/devices/bad%20id/push', a, { platform: 'fcm', token: 'abcdefgh12' })).status).toBe(
      400,
    );
    expect(
      (await h.http('PUT', '/v1/devices/phone/push', undefined, { platform: 'fcm', token: 'abcdefgh12' })).status,
    ).toBe(401);
    expect((await h.http('GET', '/v1/push', a)).body).toEqual({ muted: false, devices: [] });
    await register(a, 'phone', 'apns:first-token', 'apns');
    await register(a, 'phone', 'fcm:second-token');
    expect(await h.server.store.pushDevices.devicesOf([a])).toEqual([
      { userId: a, deviceId: 'phone', platform: 'fcm', token: 'fcm:second-token', updatedAt: expect.any(Number) },
    ]);
    expect((await h.http('DELETE', '/v1/devices/phone/push', a)).status).toBe(204);
    expect((await h.http('DELETE', '/v1/devices/phone/push', a)).status).toBe(204);
    expect(await h.server.store.pushDevices.devicesOf([a])).toEqual([]);
  });

  it("a friend request reaches the offline phone while the PC is online; the sender's own offline phone gets nothing for its message", async () => {
    const [s, r] = [u('fs'), u('fr')];
    await register(r, 'phone', 'apns:r-phone', 'apns');
    await register(r, 'pc', 'fcm:r-pc');
    await register(s, 'phone', 'fcm:s-phone');
    const pc = await h.connect(r, { deviceId: 'pc' });
    expect((await h.http('POST', '/v1/friends/requests', s, { toUserId: r, message: 'hi' })).status).toBeLessThan(300);
    expect(await waitForPush(r, (p) => p.messageType === 11)).toMatchObject({
      conversationId: `s:${r}`,
      fromId: s,
      body: '[Friend request]',
      priority: 'normal',
      tokens: [{ deviceId: 'phone', platform: 'apns', token: 'apns:r-phone' }],
    });
    const sender = await h.connect(s, { deviceId: 'pc' });
    const msg = sender.message(r, 'hello');
    expect((await sender.send(msg)).code).toBe(0);
    await pc.waitFor(() => pc.received.some((m) => m.msgId === msg.msgId), 10_000, 'the message on the PC');
    await waitForPush(r, (p) => p.msgId === msg.msgId);
    expect(pushesFor(s)).toEqual([]);
    expect(pushesFor(r).map((p) => p.messageType)).toEqual([11, 2]);
  });

  it('a ringing call is pushed at once, high priority; the cancelled call replaces it under the same collapse key', async () => {
    const [a, b] = [u('ca'), u('cb')];
    await register(b, 'phone', 'apns:b-phone', 'apns');
    const caller = await h.connect(a, { deviceId: 'pc' });
    const offer = caller.message(b, '', { messageType: 151 as ImMessage['messageType'] });
    expect((await caller.send(offer)).code).toBe(0);
    const ring = await waitForPush(b, (p) => p.msgId === offer.msgId);
    expect(ring).toMatchObject({ messageType: 151, body: '[Video call]', priority: 'high', title: a });
    expect(ring.collapseKey).toMatch(/^call:\S+$/);
    expect((await caller.send(caller.message(b, '', { messageType: 156 as ImMessage['messageType'] }))).code).toBe(0);
    const missed = await waitForPush(b, (p) => p.messageType === 162);
    expect(missed).toMatchObject({ body: '[Missed call]', priority: 'normal', collapseKey: ring.collapseKey });
    expect(pushesFor(a)).toEqual([]);
  });
});
