import { createHmac } from 'node:crypto';
import { signToken } from '@im/common';
import { EmbeddedHarness, TEST_SECRET, tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';

describe('bad input end to end (embedded)', () => {
  let h: EmbeddedHarness;
  let sender: ImTestClient;
  let bystander: ImTestClient;
  let peer: ImTestClient;
  let groupId: string;

  beforeAll(async () => {
    h = await EmbeddedHarness.start({
      IM_MAX_MESSAGE_BYTES: '4096',
      IM_RATE_LIMIT_PER_SEC: '5',
      IM_RATE_LIMIT_BURST: '40',
    });
    groupId = await h.createGroup('bad-owner', ['bad-peer']);
    sender = await h.connect('bad-sender');
    peer = await h.connect('bad-peer');
    bystander = await h.connect('bad-bystander');
  });
  afterAll(() => h.stop());

  /** Nothing reached the peer or the group, and nothing was stored for the sender. */
  async function expectNothingStored(): Promise<void> {
    const convs = await h.http('GET', '/v1/conversations', 'bad-sender');
    expect(convs.body.conversations).toEqual([]);
    const groupHistory = await h.http('GET', `/v1/messages?groupId=${groupId}`, 'bad-owner');
    expect(groupHistory.body.messages).toEqual([]);
    expect(peer.ofType(2)).toEqual([]);
  }

  /** Everyone else is still served: a normal exchange works. */
  async function expectServerStillServes(): Promise<void> {
    const before = peer.ofType(2).length;
    const m = bystander.message('bad-peer', 'still alive?');
    expect((await bystander.send(m)).code).toBe(0);
    await peer.waitFor(() => peer.ofType(2).length === before + 1, 5000, 'the bystander message');
    peer.received.length = 0;
  }

  const base = (): Record<string, unknown> => ({ ...sender.message('bad-peer', 'x') });
  const cases: [string, () => unknown, number][] = [
    ['a string that is not JSON', () => '{"msgId": "abc", oops', 40001],
    ['a JSON array', () => JSON.stringify([base()]), 40002],
    ['a missing msgId', () => ({ ...base(), msgId: undefined }), 40003],
    ['an unknown messageType', () => ({ ...base(), messageType: 999 }), 40004],
    ['a reserved messageType (69)', () => ({ ...base(), messageType: 69 }), 40004],
    ['a downlink-only type sent up', () => ({ ...base(), messageType: 5 }), 40005],
    ['a content of the wrong shape', () => ({ ...base(), messageType: 4, content: { fileName: 3 } }), 40006],
    ['a message over the size limit', () => ({ ...base(), content: 'x'.repeat(5000) }), 41301],
    ['a spoofed fromId', () => ({ ...base(), fromId: 'bad-peer' }), 40301],
    ['an operator injection in destId', () => ({ ...base(), destId: { $ne: null } }), 40003],
    ['an operator injection in msgId', () => ({ ...base(), msgId: { $gt: '' } }), 40003],
    [
      'an operator key inside content',
      () => ({ ...base(), messageType: 16, content: { url: 'https://cdn.example.com/v.amr', time: 1, $where: 'x' } }),
      40006,
    ],
    ['a javascript: image URL', () => ({ ...base(), messageType: 3, content: 'javascript:alert(1)' }), 40009],
    [
      'a data: image URL in an object',
      () => ({ ...base(), messageType: 3, content: { url: 'data:image/png;base64,AAAA' } }),
      40009,
    ],
    [
      'a file URL that is not http(s)',
      () => ({
        ...base(),
        messageType: 4,
        content: { fileName: 'a', fileSize: '1', fileUrl: 'file:///etc/passwd', fileType: 'txt' },
      }),
      40009,
    ],
    [
      'a voice URL over 2048 characters',
      () => ({ ...base(), messageType: 16, content: { url: `https://cdn.example.com/${'v'.repeat(2048)}`, time: 1 } }),
      40009,
    ],
    [
      'a short video with a javascript: video',
      () => ({
        ...base(),
        messageType: 30,
        content: { img: 'https://cdn.example.com/t.jpg', time: 1, video: 'javascript:x' },
      }),
      40009,
    ],
    [
      'a location with a data: snapshot',
      () => ({ ...base(), messageType: 29, content: { url: 'data:text/html,x', addr: 'a', lat: 1, lut: 1 } }),
      40009,
    ],
    ['a javascript: imageIconUrl', () => ({ ...base(), imageIconUrl: 'javascript:alert(1)' }), 40009],
    ['a send to a group by a non-member', () => ({ ...base(), fromType: 2, destId: groupId }), 40302],
    ['a send to a group that does not exist', () => ({ ...base(), fromType: 2, destId: 'no-such-group' }), 40401],
  ];

  it.each(cases)('answers %s with an error ack, stores nothing and keeps serving', async (_name, payload, code) => {
    const ack = await sender.send(payload());
    expect(ack).toMatchObject({ code, error: expect.any(String) });
    expect(ack.error?.length).toBeGreaterThan(3);
    await expectNothingStored();
    await expectServerStillServes();
  });

  it('refuses an avatar that is not an http(s) URL over HTTP too, and changes nothing', async () => {
    for (const avatar of ['javascript:alert(1)', 'data:image/png;base64,AAAA', '/relative.png']) {
      const profile = await h.http('PUT', '/v1/profile', 'bad-owner', { avatar });
      expect(profile).toMatchObject({ status: 400, body: { code: 40009, name: 'IM_ERR_BAD_URL' } });
      const group = await h.http('PATCH', `/v1/groups/${groupId}`, 'bad-owner', { name: 'renamed?', avatar });
      expect(group).toMatchObject({ status: 400, body: { code: 40009, name: 'IM_ERR_BAD_URL' } });
    }
    const after = await h.http('GET', `/v1/groups/${groupId}`, 'bad-owner');
    expect(after.body).toMatchObject({ groupId });
    expect(after.body.name).not.toBe('renamed?');
    expect(after.body.avatar ?? '').toBe('');
    expect(
      (await h.http('PATCH', `/v1/groups/${groupId}`, 'bad-owner', { avatar: 'https://cdn.example.com/g.png' })).status,
    ).toBe(204);
  });

  it('tells a sender that passed no ack callback through the im_error event', async () => {
    sender.emitRaw('chat', 'not json at all');
    await sender.waitFor(() => sender.events.some((e) => e.event === 'im_error'), 5000, 'im_error');
    expect(sender.events.find((e) => e.event === 'im_error')?.data).toMatchObject({ code: 40001 });
  });

  it('throttles a flood from one socket beyond the rate limit and serves the others meanwhile', async () => {
    const flooder = await h.connect('bad-flooder');
    const acks = await Promise.all(
      Array.from({ length: 120 }, (_, i) => flooder.send(flooder.message('bad-flood-target', `f${i}`))),
    );
    const limited = acks.filter((a) => a.code === 42901);
    const accepted = acks.filter((a) => a.code === 0);
    expect(limited.length).toBeGreaterThanOrEqual(70);
    expect(accepted.length).toBeGreaterThanOrEqual(35);
    expect(accepted.length).toBeLessThanOrEqual(50);
    const stored = await h.http('GET', '/v1/messages?peerId=bad-flood-target&limit=500', 'bad-flooder');
    expect(stored.body.messages).toHaveLength(accepted.length);
    await expectServerStillServes();
    flooder.close();
  });

  it('survives binary garbage and absurd payloads on the chat event', async () => {
    const noisy = await h.connect('bad-noisy');
    noisy.emitRaw('chat', Buffer.from([0, 1, 2, 255]));
    noisy.emitRaw('chat', null);
    noisy.emitRaw('chat', 12345);
    noisy.emitRaw('chat', { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: 1 } } } } } } } } } });
    noisy.emitRaw('unknown-event', 'hello');
    await noisy.waitFor(() => noisy.events.filter((e) => e.event === 'im_error').length >= 4, 5000, 'four errors');
    await expectServerStillServes();
    noisy.close();
  });
});

describe('authentication end to end (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());

  const forge = (header: object, payload: object, secret: string): string => {
    const b = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${b(header)}.${b(payload)}`;
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  };
  const exp = (): number => Math.floor(Date.now() / 1000) + 600;

  it.each([
    ['a missing token', '', 'missing token'],
    ['a token signed with another secret', signToken({ sub: 'eve', exp: exp() }, 'wrong'), 'bad signature'],
    ['an expired token', tokenFor('eve', { expInSeconds: -10 }), 'token expired'],
    [
      'an alg:none token',
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'eve', exp: exp() })).toString('base64url')}.`,
      'unsupported token algorithm',
    ],
    ['an HS512 token', forge({ alg: 'HS512' }, { sub: 'eve', exp: exp() }, TEST_SECRET), 'unsupported token algorithm'],
    ['a token without sub', forge({ alg: 'HS256' }, { exp: exp() }, TEST_SECRET), 'sub missing'],
  ])('refuses %s with connect_error and a reason (v4 and v2 clients)', async (_name, token, reason) => {
    expect(await ImTestClient.refused(h.url, token, { version: 4 })).toContain(reason);
    expect(await ImTestClient.refused(h.url, token, { version: 2 })).toContain('unauthorized');
  });

  it('refuses HTTP calls without a valid bearer token', async () => {
    expect((await h.http('GET', '/v1/conversations', undefined)).status).toBe(401);
    const res = await fetch(`${h.url}/v1/conversations`, {
      headers: { authorization: `Bearer ${tokenFor('x', { expInSeconds: -1 })}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 40101, error: 'token expired' });
  });

  it('takes fromName and imageIconUrl from the token claims', async () => {
    const { ImTestClient: C } = await import('../support/im-client');
    const a = await C.connect(h.url, 'claims-a', tokenFor('claims-a', { name: 'Alice', avatar: 'https://img/a.png' }));
    const b = await h.connect('claims-b');
    await a.send(a.message('claims-b', 'hi', { fromName: 'Mallory', imageIconUrl: 'https://evil' }));
    await b.waitForMessages(1);
    expect(b.ofType(2)[0]).toMatchObject({ fromName: 'Alice', imageIconUrl: 'https://img/a.png' });
    a.close();
  });

  it('refuses bad HTTP bodies with a clear error', async () => {
    expect((await h.http('POST', '/v1/groups', 'g-a', '{not json')).status).toBe(400);
    expect((await h.http('POST', '/v1/groups', 'g-a', { name: 'x', memberIds: [{ $ne: null }] })).status).toBe(400);
    const res = await h.http('POST', '/v1/groups', 'g-a', { name: '', memberIds: [] });
    expect(res).toMatchObject({ status: 400, body: { code: 40008 } });
  });
});
