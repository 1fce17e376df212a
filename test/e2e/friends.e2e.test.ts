import { EmbeddedHarness } from '../support/embedded-harness';
import type { ImTestClient } from '../support/im-client';
import { expectRegistryShapes } from '../support/registry-shapes';

const settle = (ms = 250): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The friend notices (not presence 5 / 6) a client received. */
const friendTypes = (c: ImTestClient): number[] =>
  c.received.map((m) => m.messageType).filter((t) => [7, 11, 12, 15, 23, 26].includes(t));

describe('friends end to end (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    // A window long enough that a reconnect on a loaded 2-core CI machine lands inside it.
    h = await EmbeddedHarness.start({ IM_PRESENCE_DEBOUNCE_MS: '1000' });
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

  it('request (11 to the target with the message), accept (12 to the requester); a third client sees nothing', async () => {
    const a = await h.connect('fq-a');
    const b = await h.connect('fq-b');
    const c = await h.connect('fq-c');
    const sent = await h.http('POST', '/v1/friends/requests', 'fq-a', { toUserId: 'fq-b', message: 'Hi, I am A' });
    expect(sent).toMatchObject({ status: 200, body: { status: 'pending' } });
    await b.waitForMessages(1, 11);
    expect(b.ofType(11)[0]).toMatchObject({ fromId: 'fq-a', destId: 'fq-b', content: 'Hi, I am A', seq: 1 });
    expect((await h.http('GET', '/v1/friends/requests', 'fq-b')).body.incoming).toMatchObject([
      { fromId: 'fq-a', toId: 'fq-b', message: 'Hi, I am A' },
    ]);
    expect((await h.http('GET', '/v1/friends/requests', 'fq-a')).body.outgoing).toMatchObject([
      { fromId: 'fq-a', toId: 'fq-b' },
    ]);
    const accepted = await h.http('POST', '/v1/friends/requests/fq-a/accept', 'fq-b');
    expect(accepted).toMatchObject({ status: 200, body: { status: 'friends' } });
    await a.waitForMessages(1, 12);
    expect(a.ofType(12)[0]).toMatchObject({ fromId: 'fq-b', destId: 'fq-a' });
    expect((await h.http('GET', '/v1/friends', 'fq-a')).body).toEqual({
      userIds: ['fq-b'],
      friends: [expect.objectContaining({ userId: 'fq-b', name: 'fq-b', avatar: '' })],
    });
    expect((await h.http('GET', '/v1/friends', 'fq-b')).body).toMatchObject({ userIds: ['fq-a'] });
    expect((await h.http('GET', '/v1/friends/requests', 'fq-b')).body).toEqual({ incoming: [], outgoing: [] });
    await settle();
    expect(friendTypes(a)).toEqual([12]);
    expect(friendTypes(b)).toEqual([11]);
    expect(c.received).toHaveLength(0);
  });

  it('stores notices for an offline receiver and delivers them after its type 1, once', async () => {
    expect((await h.http('POST', '/v1/friends/requests', 'fo-a', { toUserId: 'fo-b' })).status).toBe(200);
    const b = await h.connect('fo-b', { deviceId: 'fo-b-phone' });
    await b.waitForMessages(1, 11);
    expect(b.ofType(11)[0]).toMatchObject({ fromId: 'fo-a', content: '' });
    await settle();
    b.close();
    const again = await h.connect('fo-b', { deviceId: 'fo-b-phone' });
    await settle(400);
    expect(again.ofType(11)).toHaveLength(0);
  });

  it('refuse removes the request silently; accepting it afterwards is refused with not found', async () => {
    const a = await h.connect('fr-a');
    await h.http('POST', '/v1/friends/requests', 'fr-a', { toUserId: 'fr-b' });
    expect((await h.http('POST', '/v1/friends/requests/fr-a/refuse', 'fr-b')).status).toBe(200);
    const late = await h.http('POST', '/v1/friends/requests/fr-a/accept', 'fr-b');
    expect(late).toMatchObject({ status: 404, body: { name: 'IM_ERR_NOT_FOUND' } });
    expect((await h.http('POST', '/v1/friends/requests/fr-a/refuse', 'fr-b')).status).toBe(404);
    await settle();
    expect(a.received).toHaveLength(0);
    expect((await h.http('GET', '/v1/friends', 'fr-a')).body).toEqual({ userIds: [], friends: [] });
  });

  it('refuses befriending oneself, a request from a blacklisted requester, and accepting a request that does not exist', async () => {
    const b = await h.connect('fp-b');
    expect(await h.http('POST', '/v1/friends/requests', 'fp-a', { toUserId: 'fp-a' })).toMatchObject({
      status: 400,
      body: { name: 'IM_ERR_BAD_REQUEST' },
    });
    expect((await h.http('PUT', '/v1/blacklist/fp-a', 'fp-b')).status).toBe(204);
    expect(await h.http('POST', '/v1/friends/requests', 'fp-a', { toUserId: 'fp-b' })).toMatchObject({
      status: 403,
      body: { name: 'IM_ERR_BLACKLISTED' },
    });
    expect(await h.http('POST', '/v1/friends/requests/fp-c/accept', 'fp-b')).toMatchObject({
      status: 404,
      body: { name: 'IM_ERR_NOT_FOUND' },
    });
    // A request addressed to someone else cannot be accepted by a third user.
    await h.http('POST', '/v1/friends/requests', 'fp-c', { toUserId: 'fp-d' });
    expect((await h.http('POST', '/v1/friends/requests/fp-c/accept', 'fp-b')).status).toBe(404);
    expect((await h.http('GET', '/v1/friends', 'fp-c')).body).toEqual({ userIds: [], friends: [] });
    expect((await h.http('POST', '/v1/friends/requests', 'fp-a', { toUserId: 'bad id!' })).status).toBe(400);
    expect((await h.http('POST', '/v1/friends/requests', undefined, { toUserId: 'fp-b' })).status).toBe(401);
    await settle();
    expect(b.received).toHaveLength(0);
  });

  it('a request back to someone who asked first accepts theirs (12 to them); a request to a friend is a conflict', async () => {
    const a = await h.connect('fx-a');
    const b = await h.connect('fx-b');
    await h.http('POST', '/v1/friends/requests', 'fx-a', { toUserId: 'fx-b' });
    await b.waitForMessages(1, 11);
    expect((await h.http('POST', '/v1/friends/requests', 'fx-b', { toUserId: 'fx-a' })).body).toEqual({
      status: 'friends',
    });
    await a.waitForMessages(1, 12);
    expect(await h.http('POST', '/v1/friends/requests', 'fx-a', { toUserId: 'fx-b' })).toMatchObject({
      status: 409,
      body: { name: 'IM_ERR_CONFLICT' },
    });
    await settle();
    expect(friendTypes(a)).toEqual([12]);
    expect(friendTypes(b)).toEqual([11]);
  });

  it('delete sends 7 to the other side only; deleting again is refused', async () => {
    await h.server.store.relations.befriend('fd-a', 'fd-b');
    const a = await h.connect('fd-a');
    const b = await h.connect('fd-b');
    const c = await h.connect('fd-c');
    expect((await h.http('DELETE', '/v1/friends/fd-b', 'fd-a')).status).toBe(204);
    await b.waitForMessages(1, 7);
    expect(b.ofType(7)[0]).toMatchObject({ fromId: 'fd-a', destId: 'fd-b' });
    expect(await h.server.store.relations.areFriends('fd-a', 'fd-b')).toBe(false);
    expect(await h.http('DELETE', '/v1/friends/fd-b', 'fd-a')).toMatchObject({
      status: 403,
      body: { name: 'IM_ERR_NOT_FRIEND' },
    });
    await settle();
    expect(friendTypes(a)).toEqual([]);
    expect(c.received).toHaveLength(0);
  });

  it('a profile change sends 26 with the change to every friend and nobody else', async () => {
    await h.server.store.relations.befriend('pf-a', 'pf-b');
    await h.server.store.relations.befriend('pf-a', 'pf-c');
    const a = await h.connect('pf-a');
    const b = await h.connect('pf-b');
    const c = await h.connect('pf-c');
    const d = await h.connect('pf-d');
    expect(
      (await h.http('PUT', '/v1/profile', 'pf-a', { name: 'Alice W.', avatar: 'https://x/a.png' })).body,
    ).toMatchObject({ userId: 'pf-a', name: 'Alice W.', avatar: 'https://x/a.png' });
    await Promise.all([b.waitForMessages(1, 26), c.waitForMessages(1, 26)]);
    expect(b.ofType(26)[0]).toMatchObject({
      fromId: 'pf-a',
      destId: 'pf-b',
      content: { name: 'Alice W.', avatar: 'https://x/a.png' },
    });
    expect((await h.http('PUT', '/v1/profile', 'pf-a', {})).status).toBe(400);
    await settle();
    expect(friendTypes(a)).toEqual([]);
    expect(d.received).toHaveLength(0);
  });
});

describe('automatic friend add (embedded, IM_FRIEND_AUTO_ACCEPT)', () => {
  it('makes both friends at once and sends 23 to both', async () => {
    const h = await EmbeddedHarness.start({ IM_FRIEND_AUTO_ACCEPT: 'true' });
    try {
      const a = await h.connect('au-a');
      const b = await h.connect('au-b');
      const c = await h.connect('au-c');
      expect(
        (await h.http('POST', '/v1/friends/requests', 'au-a', { toUserId: 'au-b', message: 'hello' })).body,
      ).toEqual({ status: 'friends' });
      await Promise.all([a.waitForMessages(1, 23), b.waitForMessages(1, 23)]);
      expect(b.ofType(23)[0]).toMatchObject({ fromId: 'au-a', destId: 'au-b', content: 'hello' });
      expect(a.ofType(23)[0]).toMatchObject({ fromId: 'au-b', destId: 'au-a' });
      expect(await h.server.store.relations.areFriends('au-b', 'au-a')).toBe(true);
      await settle();
      expect(friendTypes(a)).toEqual([23]);
      expect(friendTypes(b)).toEqual([23]);
      expect(c.received).toHaveLength(0);
    } finally {
      await h.stop();
    }
  });
});

describe('presence and multi-device (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    // A window long enough that a reconnect on a loaded 2-core CI machine lands inside it.
    h = await EmbeddedHarness.start({ IM_PRESENCE_DEBOUNCE_MS: '1000' });
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

  it("tells online friends 5 on a user's first device and 6 after the last one left, and nobody else", async () => {
    await h.server.store.relations.befriend('pr-a', 'pr-b');
    const b = await h.connect('pr-b');
    const c = await h.connect('pr-c');
    const phone = await h.connect('pr-a', { deviceId: 'phone' });
    await b.waitForMessages(1, 5);
    expect(b.ofType(5)[0]).toMatchObject({ fromId: 'pr-a', destId: 'pr-b' });
    const pc = await h.connect('pr-a', { deviceId: 'pc' });
    phone.close();
    await settle(500);
    expect(b.ofType(5)).toHaveLength(1);
    expect(b.ofType(6)).toHaveLength(0);
    pc.close();
    await b.waitForMessages(1, 6);
    expect(b.ofType(6)[0]).toMatchObject({ fromId: 'pr-a', destId: 'pr-b' });
    expect(c.received).toHaveLength(0);
  });

  it('after its type 1 a device gets a 5 from each friend online at that moment, after what it missed; none for an offline friend', async () => {
    await h.server.store.relations.befriend('ps-a', 'ps-b');
    await h.server.store.relations.befriend('ps-a', 'ps-c');
    await h.server.store.relations.befriend('ps-a', 'ps-d');
    const [b] = await Promise.all([h.connect('ps-b'), h.connect('ps-c')]);
    expect((await b.send(b.message('ps-a', 'while you were away'))).code).toBe(0);
    const a = await h.connect('ps-a');
    await a.waitForMessages(2, 5);
    await settle();
    expect(
      a
        .ofType(5)
        .map((m) => m.fromId)
        .sort(),
    ).toEqual(['ps-b', 'ps-c']);
    expect(a.ofType(5)[0]).toMatchObject({ destId: 'ps-a', fromType: 1, content: '' });
    // The missed message came first (the sync), then who is online; ps-d, offline, sent nothing.
    expect(a.received.map((m) => m.messageType)).toEqual([2, 5, 5]);
  });

  it('sends nothing when the last device reconnects within IM_PRESENCE_DEBOUNCE_MS', async () => {
    await h.server.store.relations.befriend('pd-a', 'pd-b');
    const b = await h.connect('pd-b');
    const a = await h.connect('pd-a');
    await b.waitForMessages(1, 5);
    a.close();
    await settle(50);
    await h.connect('pd-a');
    await settle(1300);
    expect(b.ofType(5)).toHaveLength(1);
    expect(b.ofType(6)).toHaveLength(0);
  });

  it('after a 6, the next connect announces 5 again', async () => {
    await h.server.store.relations.befriend('pe-a', 'pe-b');
    const b = await h.connect('pe-b');
    const a = await h.connect('pe-a');
    await b.waitForMessages(1, 5);
    a.close();
    await b.waitForMessages(1, 6);
    await h.connect('pe-a');
    await b.waitForMessages(2, 5);
    expect(b.ofType(6)).toHaveLength(1);
  });

  it('closes the older connection of the same devType with 15, and keeps one of another devType', async () => {
    const phone1 = await h.connect('md-a', { deviceId: 'phone-1', devType: 1 });
    const pc = await h.connect('md-a', { deviceId: 'pc-1', devType: 2 });
    const other = await h.connect('md-b', { deviceId: 'phone-9', devType: 1 });
    await settle();
    expect(phone1.connected).toBe(true);
    const phone2 = await h.connect('md-a', { deviceId: 'phone-2', devType: 1 });
    await phone1.waitForMessages(1, 15);
    expect(phone1.ofType(15)[0]).toMatchObject({ fromId: 'server', fromType: 3, destId: 'md-a' });
    await phone1.waitFor(() => !phone1.connected, 5000, 'disconnect');
    await settle();
    for (const c of [phone2, pc, other]) {
      expect(c.connected).toBe(true);
      expect(c.ofType(15)).toHaveLength(0);
    }
    // Still works: the new phone receives.
    await other.send(other.message('md-a', 'to the new phone'));
    await phone2.waitForMessages(1);
  });
});

describe('multi-device policies (embedded)', () => {
  it('many: keeps both connections of one devType; single: one connection per user', async () => {
    const many = await EmbeddedHarness.start({ IM_MULTI_DEVICE: 'many' });
    try {
      const a1 = await many.connect('mm-a', { deviceId: 'p1', devType: 1 });
      const a2 = await many.connect('mm-a', { deviceId: 'p2', devType: 1 });
      await settle();
      expect([a1.connected, a2.connected, a1.ofType(15).length]).toEqual([true, true, 0]);
    } finally {
      await many.stop();
    }
    const single = await EmbeddedHarness.start({ IM_MULTI_DEVICE: 'single' });
    try {
      const phone = await single.connect('ms-a', { deviceId: 'p1', devType: 1 });
      const pc = await single.connect('ms-a', { deviceId: 'pc', devType: 2 });
      await phone.waitForMessages(1, 15);
      await phone.waitFor(() => !phone.connected, 5000, 'disconnect');
      expect(pc.connected).toBe(true);
    } finally {
      await single.stop();
    }
  });
});
