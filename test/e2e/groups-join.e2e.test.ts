import { EmbeddedHarness } from '../support/embedded-harness';
import type { ImTestClient } from '../support/im-client';

const settle = (ms = 250): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The group notices a client received. */
const groupTypes = (c: ImTestClient): number[] =>
  c.received
    .map((m) => m.messageType)
    .filter((t) => [8, 9, 10, 13, 14, 25, 51, 52, 53, 54, 55, 57, 59, 60, 61, 62, 63, 64].includes(t));

describe('joining a group: join policy, apply, approve, refuse (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  it('free: an application joins at once, 8 to the members; the joiner gets the next message; a member applying is refused', async () => {
    const res = await h.http('POST', '/v1/groups', 'jf-o', { name: 'open', memberIds: ['jf-m'], joinPolicy: 'free' });
    expect(res.status).toBe(201);
    const groupId = res.body.groupId as string;
    const [o, m, x, outsider] = await Promise.all([
      h.connect('jf-o'),
      h.connect('jf-m'),
      h.connect('jf-x'),
      h.connect('jf-z'),
    ]);
    const joined = await h.http('POST', `/v1/groups/${groupId}/applications`, 'jf-x', { message: 'hello' });
    expect(joined).toMatchObject({ status: 200, body: { status: 'joined' } });
    await Promise.all([o.waitForMessages(1, 8), m.waitForMessages(1, 8)]);
    expect(m.ofType(8)[0]).toMatchObject({ fromId: 'jf-x', destId: groupId, fromType: 2 });
    const again = await h.http('POST', `/v1/groups/${groupId}/applications`, 'jf-x', {});
    expect(again).toMatchObject({ status: 409, body: { name: 'IM_ERR_CONFLICT' } });
    expect((await m.send(m.message(groupId, 'welcome', { fromType: 2 }))).code).toBe(0);
    await x.waitForMessages(1);
    expect(x.ofType(2).map((msg) => msg.content)).toEqual(['welcome']);
    await settle();
    expect(groupTypes(x)).toEqual([]);
    expect(groupTypes(o)).toEqual([8]);
    expect(outsider.received).toHaveLength(0);
  });

  it('approval (the default): 13 and 59 to the owner and admins only; a second application while pending is 409; approve: 14 and 60 to the applicant, 8 to the members', async () => {
    const groupId = await h.createGroup('ja-o', ['ja-ad', 'ja-m']);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/ja-ad`, 'ja-o')).status).toBe(204);
    const [o, ad, m, x, outsider] = await Promise.all([
      h.connect('ja-o'),
      h.connect('ja-ad'),
      h.connect('ja-m'),
      h.connect('ja-x'),
      h.connect('ja-z'),
    ]);
    const applied = await h.http('POST', `/v1/groups/${groupId}/applications`, 'ja-x', { message: 'let me in' });
    expect(applied).toMatchObject({ status: 200, body: { status: 'pending' } });
    await Promise.all([o.waitForMessages(1, 59), ad.waitForMessages(1, 59)]);
    expect(o.ofType(13)[0]).toMatchObject({
      fromId: 'ja-x',
      destId: groupId,
      fromType: 2,
      content: { userId: 'ja-x', message: 'let me in' },
    });
    expect(ad.ofType(59)[0]).toMatchObject({ fromId: 'ja-x', destId: groupId, content: { message: 'let me in' } });
    const twice = await h.http('POST', `/v1/groups/${groupId}/applications`, 'ja-x', { message: 'again' });
    expect(twice).toMatchObject({ status: 409, body: { name: 'IM_ERR_CONFLICT' } });
    expect(twice.body.error).toMatch(/pending/);
    // Members cannot read or decide applications; owner and admins can.
    expect((await h.http('GET', `/v1/groups/${groupId}/applications`, 'ja-m')).status).toBe(403);
    expect((await h.http('GET', `/v1/groups/${groupId}/applications`, 'ja-z')).status).toBe(403);
    expect((await h.http('GET', `/v1/groups/${groupId}/applications`, 'ja-ad')).body.applications).toMatchObject([
      { userId: 'ja-x', message: 'let me in' },
    ]);
    expect((await h.http('POST', `/v1/groups/${groupId}/applications/ja-x/approve`, 'ja-m')).status).toBe(403);
    expect((await h.http('POST', `/v1/groups/${groupId}/applications/ja-x/approve`, 'ja-ad')).status).toBe(204);
    await Promise.all([
      x.waitForMessages(1, 14),
      x.waitForMessages(1, 60),
      o.waitForMessages(1, 8),
      m.waitForMessages(1, 8),
    ]);
    expect(x.ofType(14)[0]).toMatchObject({ fromId: 'ja-ad', destId: groupId, content: { groupId, by: 'ja-ad' } });
    expect(m.ofType(8)[0]).toMatchObject({ fromId: 'ja-x', destId: groupId, content: { userId: 'ja-x', by: 'ja-ad' } });
    expect((await h.http('GET', `/v1/groups/${groupId}/applications`, 'ja-o')).body.applications).toEqual([]);
    expect((await h.http('POST', `/v1/groups/${groupId}/applications/ja-y/approve`, 'ja-o')).status).toBe(404);
    expect((await h.http('GET', `/v1/groups/${groupId}/members`, 'ja-x')).body.members).toHaveLength(4);
    expect((await m.send(m.message(groupId, 'hi x', { fromType: 2 }))).code).toBe(0);
    await x.waitForMessages(1, 2);
    await settle();
    expect(groupTypes(x)).toEqual([14, 60]);
    expect(groupTypes(o)).toEqual([13, 59, 8]);
    expect(groupTypes(ad)).toEqual([10, 55, 13, 59, 8]);
    expect(groupTypes(m)).toEqual([10, 8]);
    expect(outsider.received).toHaveLength(0);
  });

  it('refuse: 61 to the applicant only, who may apply again; the notices wait for an offline owner', async () => {
    const groupId = await h.createGroup('jr-o', ['jr-m']);
    expect((await h.http('POST', `/v1/groups/${groupId}/applications`, 'jr-x', {})).body).toEqual({
      status: 'pending',
    });
    const [o, m, x] = await Promise.all([h.connect('jr-o'), h.connect('jr-m'), h.connect('jr-x')]);
    await o.waitForMessages(1, 59);
    expect((await h.http('POST', `/v1/groups/${groupId}/applications/jr-x/refuse`, 'jr-m')).status).toBe(403);
    expect((await h.http('POST', `/v1/groups/${groupId}/applications/jr-x/refuse`, 'jr-o')).status).toBe(204);
    await x.waitForMessages(1, 61);
    expect(x.ofType(61)[0]).toMatchObject({ fromId: 'jr-o', destId: groupId, content: { groupId, by: 'jr-o' } });
    expect((await h.http('POST', `/v1/groups/${groupId}/applications/jr-x/refuse`, 'jr-o')).status).toBe(404);
    expect((await h.http('GET', `/v1/groups/${groupId}/members`, 'jr-x')).status).toBe(403);
    expect((await h.http('POST', `/v1/groups/${groupId}/applications`, 'jr-x', {})).body).toEqual({
      status: 'pending',
    });
    await o.waitForMessages(2, 59);
    await settle();
    expect(groupTypes(x)).toEqual([61]);
    expect(groupTypes(o)).toEqual([13, 59, 13, 59]);
    expect(groupTypes(m)).toEqual([10]); // the creation's, nothing of the refusal
  });

  it('invite-only refuses applications; the join policy is changed by owner and admins only', async () => {
    const groupId = await h.createGroup('jp-o', ['jp-m']);
    const o = await h.connect('jp-o');
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'jp-m', { joinPolicy: 'free' })).status).toBe(403);
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'jp-o', { joinPolicy: 'bogus' })).status).toBe(400);
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'jp-o', {})).status).toBe(400);
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'jp-o', { joinPolicy: 'invite-only' })).status).toBe(204);
    expect((await h.http('GET', '/v1/groups', 'jp-o')).body.groups).toMatchObject([
      { groupId, joinPolicy: 'invite-only' },
    ]);
    const refused = await h.http('POST', `/v1/groups/${groupId}/applications`, 'jp-x', {});
    expect(refused).toMatchObject({ status: 403, body: { name: 'IM_ERR_FORBIDDEN' } });
    expect(refused.body.error).toMatch(/invitation/);
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'jp-o', { joinPolicy: 'free' })).status).toBe(204);
    expect((await h.http('POST', `/v1/groups/${groupId}/applications`, 'jp-x', {})).body).toEqual({ status: 'joined' });
    await o.waitForMessages(1, 8);
    expect((await h.http('POST', '/v1/groups/no-such-group/applications', 'jp-x', {})).status).toBe(404);
  });
});
