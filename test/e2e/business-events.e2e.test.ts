// Business events, offline push and the admin API in embedded mode: the same events service
// on the in-process bus (whose publish resolves once every subscriber handled the record).
import { deadLetterTopic, Topics } from '@im/bus';
import type { BusinessEvent, DeadLetter, PushRecord } from '@im/bus';
import { publishRaw } from '@im/bus/testing';
import { EmbeddedHarness } from '../support/embedded-harness';
import { expectRegistryShapes } from '../support/registry-shapes';

const settle = (ms = 250): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ADMIN_TOKEN = 'embedded-admin-token-0123456789';

describe('business events end to end (embedded)', () => {
  let h: EmbeddedHarness;
  let letters: DeadLetter[];
  let pushes: PushRecord[];

  async function listen(): Promise<void> {
    letters = [];
    pushes = [];
    await h.server.bus.subscribe(deadLetterTopic(Topics.EVENTS_IN), 'test-dlq', (r) => {
      letters.push(r.value);
      return Promise.resolve();
    });
    await h.server.bus.subscribe(Topics.PUSH_OUT, 'test-push', (r) => {
      pushes.push(r.value);
      return Promise.resolve();
    });
  }

  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_ADMIN_TOKEN: ADMIN_TOKEN, IM_ADMIN_NOTICES_PER_MINUTE: '5' });
    await listen();
  });
  afterAll(() => h.stop());
  afterEach(() => {
    // Every notice the clients got has the shape the registry gives its type (docs/protocol.md).
    try {
      expectRegistryShapes(h.clients);
    } finally {
      h.closeClients();
    }
  });

  it('a comment (37) reaches the listed user from the commenting friend; an invalid request (41) is dead-lettered and delivers nothing', async () => {
    const a = await h.connect('be-a');
    const b = await h.connect('be-b');
    await h.server.bus.publish(Topics.EVENTS_IN, 'c-1', {
      eventId: 'c-1',
      messageType: 37,
      fromType: 4,
      fromId: 'moments',
      actorId: 'be-x',
      target: { users: ['be-a'] },
      content: { momentId: 'm-9', comment: 'Nice!' },
    });
    await a.waitForMessages(1, 37);
    expect(a.ofType(37)[0]).toMatchObject({
      fromId: 'be-x',
      fromType: 1,
      destId: 'be-a',
      content: { momentId: 'm-9', comment: 'Nice!' },
      msgId: 'ev-c-1',
    });
    const bad = {
      eventId: 'p-1',
      messageType: 41,
      fromType: 4,
      fromId: 'pay',
      target: { users: ['be-b'] },
      content: { msg: 'Coffee' },
    };
    await publishRaw(h.server.bus, Topics.EVENTS_IN, 'p-1', bad);
    expect(letters).toEqual([
      expect.objectContaining({ topic: Topics.EVENTS_IN, key: 'p-1', value: bad, error: expect.stringMatching(/amt/) }),
    ]);
    await settle();
    expect(b.received).toHaveLength(0);
  });

  it('an event about a user skips that user and whoever blacklisted them', async () => {
    const [a, b, x] = [await h.connect('bb-a'), await h.connect('bb-b'), await h.connect('bb-x')];
    expect((await h.http('PUT', '/v1/blacklist/bb-x', 'bb-b')).status).toBe(204);
    await h.server.bus.publish(Topics.EVENTS_IN, 'shake-1', {
      eventId: 'shake-1',
      messageType: 67,
      fromType: 4,
      fromId: 'shake',
      actorId: 'bb-x',
      target: { users: ['bb-a', 'bb-b', 'bb-x'] },
      content: 'Hi there!',
    });
    await a.waitForMessages(1, 67);
    expect(a.ofType(67)[0]).toMatchObject({ fromId: 'bb-x', fromType: 1, content: 'Hi there!' });
    await settle();
    expect(b.ofType(67)).toHaveLength(0);
    expect(x.ofType(67)).toHaveLength(0);
  });

  it('an event published again, even after a restart, notifies once', async () => {
    const event: BusinessEvent = {
      eventId: 'dup-1',
      messageType: 70,
      fromType: 5,
      fromId: 'oa-1',
      target: { users: ['be-d'] },
      content: { title: 'Hello' },
    };
    const d = await h.connect('be-d');
    await h.server.bus.publish(Topics.EVENTS_IN, 'dup-1', event);
    await h.server.bus.publish(Topics.EVENTS_IN, 'dup-1', event);
    await d.waitForMessages(1, 70);
    await h.restart();
    await listen();
    await h.server.bus.publish(Topics.EVENTS_IN, 'dup-1', event);
    const again = await h.connect('be-d');
    expect((await again.sendReady()).code).toBe(0);
    await again.waitForMessages(1, 70);
    await settle();
    expect(d.ofType(70)).toHaveLength(1);
    expect(again.ofType(70)).toHaveLength(1);
  });

  it('a message to an offline user produces one push record naming its phone; the admin API reaches everyone online', async () => {
    const s = await h.connect('be-s');
    const token = 'fcm:be-offline-phone-token';
    expect((await h.http('PUT', '/v1/devices/phone/push', 'be-offline', { platform: 'fcm', token })).status).toBe(204);
    const msg = s.message('be-offline', 'are you there?');
    expect((await s.send(msg)).code).toBe(0);
    expect((await s.send(msg)).code).toBe(0);
    await settle();
    expect(pushes).toEqual([
      expect.objectContaining({
        userId: 'be-offline',
        msgId: msg.msgId,
        title: 'be-s',
        body: 'are you there?',
        badge: 1,
        tokens: [{ deviceId: 'phone', platform: 'fcm', token }],
        priority: 'normal',
      }),
    ]);

    const res = await fetch(`${h.url}/v1/admin/notices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ everyoneOnline: true, content: 'Hello everyone' }),
    });
    expect(res.status).toBe(202);
    await s.waitForMessages(1, 68);
    expect(s.ofType(68)[0]).toMatchObject({ fromId: 'system', fromType: 3, content: 'Hello everyone' });
  });

  it("an admin revoking a user removes the user's push tokens; the other users' stay", async () => {
    for (const user of ['be-rv', 'be-keep'])
      expect(
        (await h.http('PUT', '/v1/devices/phone/push', user, { platform: 'apns', token: `apns:${user}-0001` })).status,
      ).toBe(204);
    const res = await fetch(`${h.url}/v1/admin/users/be-rv/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(await h.server.store.pushDevices.devicesOf(['be-rv', 'be-keep'])).toEqual([
      {
        userId: 'be-keep',
        deviceId: 'phone',
        platform: 'apns',
        token: 'apns:be-keep-0001',
        updatedAt: expect.any(Number),
      },
    ]);
  });
});
