// The user directory, bans and uploads, end to end: the same cases embedded and across two
// gateways (cluster mode stores media in a real S3-compatible server, SeaweedFS).
import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { tokenFor } from './embedded-harness';
import { ImTestClient } from './im-client';

/** Where the cases run: gateway `where` (embedded: always the one server). */
export interface MediaDeployment {
  url(where: number): string;
  readonly adminToken: string;
  /** Cluster mode: what an anonymous listing of the media bucket answers (HTTP status). */
  anonymousBucketListing?(): Promise<number>;
}

type Who = string | { admin: true } | undefined;
const ADMIN = { admin: true } as const;

export function usersMediaScenarios(deployment: () => MediaDeployment, timeoutMs: number): void {
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  const clients: ImTestClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  async function http(where: number, method: string, path: string, who: Who, body?: unknown) {
    const d = deployment();
    const token = who === undefined ? undefined : typeof who === 'string' ? tokenFor(who) : d.adminToken;
    const res = await fetch(`${d.url(where)}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
  }
  async function connect(where: number, userId: string, claims: { name?: string; avatar?: string } = {}) {
    const c = await ImTestClient.connect(deployment().url(where), userId, tokenFor(userId, claims), {
      deviceId: `${userId}-d${where}`,
    });
    clients.push(c);
    return c;
  }
  const ok = (res: { status: number; body: any }, status = 200) => {
    expect([res.status, res.status === status ? '' : res.body]).toEqual([status, '']);
    return res.body;
  };

  /** The three steps of an upload; answers the complete step's response. */
  async function upload(where: number, userId: string, kind: string, contentType: string, bytes: Buffer) {
    const started = await http(where, 'POST', '/v1/uploads', userId, { kind, contentType, size: bytes.length });
    const s = ok(started);
    const put = await fetch(s.upload.url, { method: 'PUT', headers: s.upload.headers, body: bytes });
    expect([put.status, put.ok ? '' : await put.text()]).toEqual([put.status, '']);
    return { started: s, complete: await http(where, 'POST', `/v1/uploads/${kind}/${s.uploadId}/complete`, userId) };
  }

  it(
    'names everyone from the directory: token claims at first connect, profile changes in group notices and friend lists, never the client’s fromName',
    async () => {
      const [alice, bob, carol] = [u('alice'), u('bob'), u('carol')];
      await connect(0, alice, { name: 'Alice', avatar: 'https://img.test/alice.png' });
      const bobClient = await connect(1, bob, { name: 'Bob' });
      expect(ok(await http(1, 'GET', `/v1/users/${alice}`, bob))).toMatchObject({
        userId: alice,
        name: 'Alice',
        avatar: 'https://img.test/alice.png',
      });
      // A client-typed fromName / imageIconUrl is replaced by the directory's.
      const aliceClient = clients[0] as ImTestClient;
      const spoof = aliceClient.message(bob, 'hi', { fromName: 'Bob', imageIconUrl: 'https://evil.test/x.png' });
      expect((await aliceClient.send(spoof)).code).toBe(0);
      await bobClient.waitFor(() => bobClient.received.some((m) => m.msgId === spoof.msgId), timeoutMs, 'the 2');
      expect(bobClient.received.find((m) => m.msgId === spoof.msgId)).toMatchObject({
        fromName: 'Alice',
        imageIconUrl: 'https://img.test/alice.png',
      });
      // Friends; then Alice renames herself: stored, 26 to Bob from "Alice Liddell", and Bob's list shows it.
      ok(await http(1, 'POST', '/v1/friends/requests', bob, { toUserId: alice }));
      ok(await http(0, 'POST', `/v1/friends/requests/${bob}/accept`, alice));
      const renamed = ok(await http(0, 'PUT', '/v1/profile', alice, { name: 'Alice Liddell', signature: 'curiouser' }));
      expect(renamed).toMatchObject({
        name: 'Alice Liddell',
        avatar: 'https://img.test/alice.png',
        signature: 'curiouser',
      });
      await bobClient.waitFor(() => bobClient.ofType(26).length > 0, timeoutMs, 'the 26');
      expect(bobClient.ofType(26)[0]).toMatchObject({ fromId: alice, fromName: 'Alice Liddell' });
      const friends = ok(await http(1, 'GET', '/v1/friends', bob));
      expect(friends).toEqual({
        userIds: [alice],
        friends: [expect.objectContaining({ userId: alice, name: 'Alice Liddell' })],
      });
      const requests = ok(await http(1, 'GET', '/v1/friends/requests', bob));
      expect(requests).toEqual({ incoming: [], outgoing: [] });
      const spoof2 = aliceClient.message(bob, 'again', { fromName: 'Bob' });
      expect((await aliceClient.send(spoof2)).code).toBe(0);
      await bobClient.waitFor(() => bobClient.received.some((m) => m.msgId === spoof2.msgId), timeoutMs, 'the 2');
      expect(bobClient.received.find((m) => m.msgId === spoof2.msgId)?.fromName).toBe('Alice Liddell');
      // Carol (never connected) names herself; Alice invites her: the 8 Bob gets names her.
      ok(await http(1, 'PUT', '/v1/profile', carol, { name: 'Caroline' }));
      const group = ok(await http(0, 'POST', '/v1/groups', alice, { name: 'tea', memberIds: [bob] }), 201);
      ok(await http(0, 'POST', `/v1/groups/${group.groupId}/members`, alice, { userIds: [carol] }));
      await bobClient.waitFor(
        () => bobClient.ofType(8).some((m) => m.fromId === carol),
        timeoutMs,
        'the 8 about Carol',
      );
      expect(bobClient.ofType(8).find((m) => m.fromId === carol)).toMatchObject({
        fromName: 'Caroline',
        content: expect.objectContaining({ userId: carol, name: 'Caroline' }),
      });
      const members = ok(await http(1, 'GET', `/v1/groups/${group.groupId}/members`, bob)).members;
      expect(members).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ userId: alice, name: 'Alice Liddell', role: 'owner' }),
          expect.objectContaining({ userId: carol, name: 'Caroline' }),
        ]),
      );
      // Carol befriends Bob and comes online: his 5 names her; her call offer (150) cannot sign as another.
      ok(await http(1, 'POST', '/v1/friends/requests', bob, { toUserId: carol }));
      ok(await http(1, 'POST', `/v1/friends/requests/${bob}/accept`, carol));
      const carolClient = await connect(0, carol, { name: 'Token Carol' });
      await bobClient.waitFor(() => bobClient.ofType(5).some((m) => m.fromId === carol), timeoutMs, 'the 5');
      expect(bobClient.ofType(5).find((m) => m.fromId === carol)?.fromName).toBe('Caroline');
      const offer = carolClient.message(bob, { sdp: 'v=0', type: 'offer' }, { messageType: 150, fromName: 'Alice' });
      expect((await carolClient.send(offer)).code).toBe(0);
      await bobClient.waitFor(() => bobClient.ofType(150).length > 0, timeoutMs, 'the 150');
      expect(bobClient.ofType(150)[0]).toMatchObject({ fromId: carol, fromName: 'Caroline' });
      // Batch and search.
      const batch = ok(await http(1, 'GET', `/v1/users?ids=${alice},${carol},nobody-${alice}`, bob)).users;
      expect(batch.map((p: { name: string }) => p.name)).toEqual(['Alice Liddell', 'Caroline', `nobody-${alice}`]);
      expect(ok(await http(1, 'GET', `/v1/users/search?q=${alice}`, bob)).users[0]).toMatchObject({ userId: alice });
      const byName = ok(await http(1, 'GET', `/v1/users/search?q=caroL`, bob)).users;
      expect(byName.map((p: { userId: string }) => p.userId)).toContain(carol);
      expect((await http(1, 'GET', `/v1/users/nobody-${alice}`, bob)).status).toBe(404);
      expect((await http(1, 'PUT', '/v1/profile', bob, { name: 'x', fromName: 'y' })).status).toBe(400);
    },
    timeoutMs * 6,
  );

  it(
    'bans a user: their sockets on every gateway close at once, new tokens and HTTP calls are refused until unbanned',
    async () => {
      const mallory = u('mallory');
      const onFirst = await connect(0, mallory);
      const onSecond = await connect(1, mallory);
      const closed = (c: ImTestClient) => () => c.events.some((e) => e.event === 'disconnect');
      expect(ok(await http(0, 'PUT', `/v1/admin/users/${mallory}/ban`, ADMIN, { reason: 'spam' }))).toMatchObject({
        userId: mallory,
        reason: 'spam',
      });
      await onFirst.waitFor(closed(onFirst), timeoutMs, 'gateway 0 closing the socket');
      await onSecond.waitFor(closed(onSecond), timeoutMs, 'gateway 1 closing the socket');
      expect(onSecond.events.find((e) => e.event === 'kicked')?.data).toEqual({ reason: 'user banned' });
      for (const where of [0, 1]) {
        expect(await ImTestClient.refused(deployment().url(where), tokenFor(mallory))).toMatch(/user banned/);
        const refused = await http(where, 'GET', '/v1/friends', mallory);
        expect([refused.status, refused.body?.name]).toEqual([403, 'IM_ERR_BANNED']);
      }
      expect((await http(1, 'PUT', `/v1/admin/users/${mallory}/ban`, mallory)).status).toBe(403);
      expect((await http(1, 'DELETE', `/v1/admin/users/${mallory}/ban`, ADMIN)).status).toBe(204);
      expect((await http(1, 'DELETE', `/v1/admin/users/${mallory}/ban`, ADMIN)).status).toBe(404);
      await connect(1, mallory);
      expect((await http(0, 'GET', '/v1/friends', mallory)).status).toBe(200);
    },
    timeoutMs * 4,
  );

  it(
    'uploads an image, sends it as a 3, and the receiver fetches it and its thumbnail',
    async () => {
      const [alice, bob] = [u('alice'), u('bob')];
      const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
        .png()
        .toBuffer();
      const { started, complete } = await upload(0, alice, 'image', 'image/png', png);
      const done = ok(complete);
      expect(done).toMatchObject({ url: started.url, thumbnailUrl: started.thumbnailUrl, width: 640, height: 480 });
      const aliceClient = await connect(0, alice);
      const bobClient = await connect(1, bob);
      const image = aliceClient.message(bob, { url: done.url }, { messageType: 3 });
      expect((await aliceClient.send(image)).code).toBe(0);
      await bobClient.waitFor(() => bobClient.received.some((m) => m.msgId === image.msgId), timeoutMs, 'the 3');
      const got = bobClient.received.find((m) => m.msgId === image.msgId) as { content: { url: string } };
      const original = await fetch(got.content.url);
      expect([original.status, original.headers.get('content-type')]).toEqual([200, 'image/png']);
      expect(Buffer.from(await original.arrayBuffer()).equals(png)).toBe(true);
      const thumb = await fetch(done.thumbnailUrl);
      expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/webp']);
      const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 192]);
      // A file keeps its type and name; voice and video are accepted by their own rules.
      const pdf = Buffer.from('%PDF-1.4 a small file');
      const file = ok((await upload(1, bob, 'file', 'application/pdf', pdf)).complete);
      const fetched = await fetch(file.url);
      expect([
        fetched.status,
        fetched.headers.get('content-type'),
        Buffer.from(await fetched.arrayBuffer()).equals(pdf),
      ]).toEqual([200, 'application/pdf', true]);
      expect(file.thumbnailUrl).toBeUndefined();
    },
    timeoutMs * 4,
  );

  it(
    'refuses a file over the limit or of a refused type with a clear error, and stores nothing',
    async () => {
      const alice = u('alice');
      const tooBig = await http(0, 'POST', '/v1/uploads', alice, {
        kind: 'image',
        contentType: 'image/png',
        size: 11 * 1024 * 1024,
      });
      expect([tooBig.status, tooBig.body?.name, tooBig.body?.error]).toEqual([
        413,
        'IM_ERR_TOO_LARGE',
        expect.stringMatching(/at most 10485760 bytes/),
      ]);
      const badType = await http(0, 'POST', '/v1/uploads', alice, {
        kind: 'image',
        contentType: 'text/html',
        size: 10,
      });
      expect([badType.status, badType.body?.name, badType.body?.error]).toEqual([
        415,
        'IM_ERR_UNSUPPORTED_MEDIA_TYPE',
        expect.stringMatching(/image\/png/),
      ]);
      // Bytes that are not what the upload URL was signed for never land.
      const s = ok(await http(0, 'POST', '/v1/uploads', alice, { kind: 'file', contentType: 'text/plain', size: 5 }));
      const longer = await fetch(s.upload.url, { method: 'PUT', headers: s.upload.headers, body: 'longer than five' });
      expect(longer.ok).toBe(false);
      const complete = await http(0, 'POST', `/v1/uploads/file/${s.uploadId}/complete`, alice);
      expect(complete.status).toBe(404);
      expect((await fetch(s.url)).status).toBe(404);
      // Declared an image but is not one: refused at complete, and deleted.
      const fake = await upload(0, alice, 'image', 'image/png', Buffer.from('<html>not a png</html>'));
      expect([fake.complete.status, fake.complete.body?.name]).toEqual([415, 'IM_ERR_UNSUPPORTED_MEDIA_TYPE']);
      expect((await fetch(fake.started.url)).status).toBe(404);
    },
    timeoutMs * 4,
  );

  it(
    'lets no outsider list or guess another user’s uploads, or finish them',
    async () => {
      const [alice, eve] = [u('alice'), u('eve')];
      const { started } = await upload(0, alice, 'voice', 'audio/mpeg', randomBytes(64));
      expect(started.uploadId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const eveFinishes = await http(1, 'POST', `/v1/uploads/voice/${started.uploadId}/complete`, eve);
      expect(eveFinishes.status).toBe(404);
      const guess = randomBytes(16).toString('base64url');
      const d = deployment();
      expect((await fetch(`${d.url(1)}/v1/media/voice/${guess}`)).status).toBe(404);
      expect((await fetch(`${d.url(1)}/v1/media/voice`)).status).toBe(404);
      expect((await fetch(`${d.url(1)}/v1/media/voice/../../im.db`)).status).toBe(404);
      expect((await fetch(`${d.url(1)}/v1/uploads`)).status).toBe(404);
      if (d.anonymousBucketListing) expect(await d.anonymousBucketListing()).toBe(403);
      // The one who has the URL can fetch it.
      expect((await fetch(started.url)).status).toBe(200);
    },
    timeoutMs * 3,
  );
  void ADMIN;
}
