// Business events in through Kafka (im.events.in): an outside service publishes real records in
// the harness's namespace; the events service, the gateways and the other services run as
// separate processes on real Redis, Kafka and FerretDB.
import { randomUUID } from 'node:crypto';
import { deadLetterTopic, Topics } from '@im/bus';
import type { DeadLetter, KafkaBus } from '@im/bus';
import { publishRaw } from '@im/bus/testing';
import { ClusterHarness } from '../support/cluster-harness';

jest.setTimeout(180_000);

const ADMIN_TOKEN = 'cluster-test-admin-token-0123456789';
const settle = (ms = 800): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('business events (cluster)', () => {
  let h: ClusterHarness;
  let kafka: KafkaBus;
  const letters: DeadLetter[] = [];
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  const eventId = (): string => `e-${randomUUID()}`;
  // Events as an outside service may write them, malformed ones included: untyped on purpose.
  const publish = (event: Record<string, unknown>, key = String(event.eventId)): Promise<void> =>
    publishRaw(kafka, Topics.EVENTS_IN, key, event);

  async function waitForLetter(key: string): Promise<DeadLetter> {
    const start = Date.now();
    for (;;) {
      const letter = letters.find((l) => l.key === key);
      if (letter) return letter;
      if (Date.now() - start > 30_000) throw new Error(`no dead letter for ${key}`);
      await settle(100);
    }
  }

  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2, env: { IM_ADMIN_TOKEN: ADMIN_TOKEN } });
    kafka = await h.kafka();
    await kafka.subscribe(deadLetterTopic(Topics.EVENTS_IN), 'test-dlq-reader', (r) => {
      letters.push(r.value);
      return Promise.resolve();
    });
  });
  afterAll(() => h?.stop());

  it('a system notice (68) and an official account message (70) reach the listed users on either gateway, nobody else', async () => {
    const [a, b, c] = [u('ea'), u('eb'), u('ec')];
    const [ca, cb, cc] = [await h.connect(0, a), await h.connect(1, b), await h.connect(1, c)];
    await publish({
      eventId: eventId(),
      messageType: 68,
      fromType: 3,
      fromId: 'ops',
      fromName: 'Operations',
      target: { users: [a, b] },
      content: 'Maintenance at 23:00',
    });
    await publish({
      eventId: eventId(),
      messageType: 70,
      fromType: 5,
      fromId: 'oa-news',
      target: { users: [b] },
      content: { title: 'Weekly digest', url: 'https://cdn.example.com/o/1.html' },
    });
    await Promise.all([
      ca.waitForMessages(1, 68, 30_000),
      cb.waitForMessages(1, 68, 30_000),
      cb.waitForMessages(1, 70, 30_000),
    ]);
    expect(ca.ofType(68)[0]).toMatchObject({
      fromId: 'ops',
      fromType: 3,
      destId: a,
      fromName: 'Operations',
      content: 'Maintenance at 23:00',
    });
    expect(cb.ofType(70)[0]).toMatchObject({
      fromId: 'oa-news',
      fromType: 5,
      destId: b,
      content: { title: 'Weekly digest' },
    });
    await settle();
    expect(ca.ofType(70)).toHaveLength(0);
    expect(cc.received).toHaveLength(0);
  });

  it("a friend's moment (36) reaches that user's friends only, from the friend (fromType 1)", async () => {
    const [poster, f1, f2, stranger] = [u('mp'), u('mf1'), u('mf2'), u('ms')];
    for (const f of [f1, f2]) {
      await h.http(0, 'POST', '/v1/friends/requests', poster, { toUserId: f });
      expect((await h.http(1, 'POST', `/v1/friends/requests/${poster}/accept`, f)).body).toEqual({ status: 'friends' });
    }
    const [cp, c1, c2, cs] = [
      await h.connect(0, poster),
      await h.connect(1, f1),
      await h.connect(0, f2),
      await h.connect(1, stranger),
    ];
    await settle();
    const before = cp.received.length;
    await publish({
      eventId: eventId(),
      messageType: 36,
      fromType: 4,
      fromId: 'moments',
      actorId: poster,
      target: { friendsOf: poster },
      content: { momentId: 'm-1' },
    });
    await Promise.all([c1.waitForMessages(1, 36, 30_000), c2.waitForMessages(1, 36, 30_000)]);
    expect(c1.ofType(36)[0]).toMatchObject({ fromId: poster, fromType: 1, destId: f1, content: { momentId: 'm-1' } });
    await settle();
    expect(cp.received.slice(before).filter((m) => m.messageType === 36)).toHaveLength(0);
    expect(cs.received).toHaveLength(0);
  });

  it('a group check-in start (88) reaches the members in the group conversation; an outsider gets nothing', async () => {
    const [o, m, x] = [u('go'), u('gm'), u('gx')];
    const groupId = await h.createGroup(0, o, [m]);
    const [co, cm, cx] = [await h.connect(0, o), await h.connect(1, m), await h.connect(1, x)];
    await publish({
      eventId: eventId(),
      messageType: 88,
      fromType: 3,
      fromId: 'checkin',
      target: { group: groupId },
      content: { checkinId: 'c-1' },
    });
    await Promise.all([co.waitForMessages(1, 88, 30_000), cm.waitForMessages(1, 88, 30_000)]);
    expect(cm.ofType(88)[0]).toMatchObject({ fromType: 3, destId: groupId });
    await settle();
    expect(cx.received).toHaveLength(0);
  });

  it('invalid events land in im.events.in.dlq with the reason and deliver nothing', async () => {
    const a = u('ia');
    const groupless = u('nog');
    const ca = await h.connect(0, a);
    const bad: [Record<string, unknown>, RegExp][] = [
      [
        { eventId: eventId(), messageType: 2, fromType: 3, fromId: 'ops', target: { users: [a] }, content: 'hi' },
        /messageType must be one of/,
      ],
      [
        { eventId: eventId(), messageType: 68, fromType: 4, fromId: 'ops', target: { users: [a] }, content: 'hi' },
        /fromType 4 is not allowed for messageType 68/,
      ],
      [
        {
          eventId: eventId(),
          messageType: 68,
          fromType: 3,
          fromId: 'ops',
          target: { users: [a] },
          content: 'hi',
          password: 'x',
        },
        /unknown field\(s\): password/,
      ],
      [
        {
          eventId: eventId(),
          messageType: 36,
          fromType: 4,
          fromId: 'moments',
          target: { users: [a] },
          content: { momentId: 'm' },
        },
        /actorId is required/,
      ],
      [
        {
          eventId: eventId(),
          messageType: 88,
          fromType: 3,
          fromId: 'checkin',
          target: { group: groupless },
          content: '',
        },
        new RegExp(`no group ${groupless}`),
      ],
      [
        {
          eventId: eventId(),
          messageType: 39,
          fromType: 4,
          fromId: 'pay',
          target: { users: [a] },
          content: { amt: 'lots' },
        },
        /amt/,
      ],
    ];
    for (const [event] of bad) await publish(event);
    await publishRaw(kafka, Topics.EVENTS_IN, 'not-json-shaped', 'just a string');
    for (const [event, reason] of bad) {
      const letter = await waitForLetter(String(event.eventId));
      expect(letter).toMatchObject({ topic: Topics.EVENTS_IN, group: 'events-service', value: event });
      expect(letter.error).toMatch(reason);
    }
    expect((await waitForLetter('not-json-shaped')).error).toMatch(/must be a JSON object/);
    await settle();
    expect(ca.received).toHaveLength(0);
  });

  it('a duplicate event notifies once; an offline user gets it after type 1', async () => {
    const [a, off] = [u('da'), u('doff')];
    const ca = await h.connect(0, a);
    const id = eventId();
    const event = {
      eventId: id,
      messageType: 68,
      fromType: 3,
      fromId: 'ops',
      target: { users: [a, off] },
      content: 'once',
    };
    await publish(event);
    await publish(event);
    // Same Kafka key, so the same partition: handled after both copies.
    await publish(
      { eventId: eventId(), messageType: 68, fromType: 3, fromId: 'ops', target: { users: [a] }, content: 'marker' },
      id,
    );
    await ca.waitFor(() => ca.ofType(68).some((m) => m.content === 'marker'), 30_000, 'marker');
    expect(ca.ofType(68).map((m) => m.content)).toEqual(['once', 'marker']);
    const coff = await h.connect(1, off);
    expect((await coff.sendReady()).code).toBe(0);
    await coff.waitForMessages(1, 68, 30_000);
    expect(coff.ofType(68)[0]).toMatchObject({ content: 'once', destId: off, msgId: `ev-${id}` });
    await settle();
    expect(coff.ofType(68)).toHaveLength(1);
  });

  it('an event republished after the events service was killed and restarted still notifies once', async () => {
    const a = u('ra');
    const ca = await h.connect(0, a);
    const id = eventId();
    const event = {
      eventId: id,
      messageType: 70,
      fromType: 5,
      fromId: 'oa-1',
      target: { users: [a] },
      content: { title: 'Before the crash' },
    };
    await publish(event);
    await ca.waitForMessages(1, 70, 30_000);
    await h.restart('events');
    await publish(event);
    await publish(
      {
        eventId: eventId(),
        messageType: 70,
        fromType: 5,
        fromId: 'oa-1',
        target: { users: [a] },
        content: { title: 'marker' },
      },
      id,
    );
    await ca.waitFor(() => ca.ofType(70).length >= 2, 60_000, 'the marker');
    expect(ca.ofType(70).map((m) => (m.content as { title: string }).title)).toEqual(['Before the crash', 'marker']);
  });

  // Last: a notice to everyone online reaches the clients of the earlier tests too.
  it('the admin API sends a system notice to listed users, then to everyone online; offline users never get the second', async () => {
    const admin = async (
      gateway: number,
      body: unknown,
      token = ADMIN_TOKEN,
    ): Promise<{ status: number; body: any }> => {
      const res = await fetch(`${h.gatewayUrl(gateway)}/v1/admin/notices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const [a, b, c, off] = [u('aa'), u('ab'), u('ac'), u('aoff')];
    const [ca, cb, cc] = [await h.connect(0, a), await h.connect(1, b), await h.connect(1, c)];
    expect((await admin(0, { userIds: [a], content: 'x' }, 'not-the-token')).status).toBe(401);
    expect(
      (
        await h.http(0, 'POST', '/v1/admin/notices', a, {
          userIds: [a],
          content: 'a client token is not an admin token',
        })
      ).status,
    ).toBe(401);
    const first = await admin(1, { userIds: [a, b], content: 'Only you two' });
    expect(first.status).toBe(202);
    await Promise.all([ca.waitForMessages(1, 68, 30_000), cb.waitForMessages(1, 68, 30_000)]);
    expect(ca.ofType(68)[0]).toMatchObject({
      fromId: 'system',
      fromType: 3,
      fromName: 'System',
      destId: a,
      content: 'Only you two',
      msgId: `ev-${first.body.eventId}`,
    });
    const second = await admin(0, { everyoneOnline: true, content: 'Everyone online' });
    expect(second.status).toBe(202);
    for (const client of [ca, cb, cc])
      await client.waitFor(
        () => client.ofType(68).some((m) => m.content === 'Everyone online'),
        30_000,
        'the notice to everyone online',
      );
    expect(cc.ofType(68).map((m) => m.content)).toEqual(['Everyone online']);
    const coff = await h.connect(0, off);
    expect((await coff.sendReady()).code).toBe(0);
    await settle();
    expect(coff.ofType(68)).toHaveLength(0);
  });
});
