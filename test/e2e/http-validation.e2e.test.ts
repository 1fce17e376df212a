import { EmbeddedHarness } from '../support/embedded-harness';

/**
 * Issue 21: the HTTP API validates bodies as sent (no type coercion, unknown fields refused by
 * name, nothing changed), reads numbers in query strings, and pages history newest first.
 */
describe('strict request validation (embedded)', () => {
  let h: EmbeddedHarness;
  let groupId: string;

  beforeAll(async () => {
    h = await EmbeddedHarness.start();
    groupId = await h.createGroup('val-owner', ['val-member'], 'before');
  });
  afterAll(() => h.stop());

  const refused = (
    res: { status: number; body: { code?: number; name?: string; error?: string } },
    mentions: string,
  ): void => {
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 40008, name: 'IM_ERR_BAD_REQUEST' });
    expect(res.body.error).toContain(mentions);
  };

  it('PATCH /v1/groups/:id with a misspelt field is refused, naming it, and changes nothing', async () => {
    refused(await h.http('PATCH', `/v1/groups/${groupId}`, 'val-owner', { nmae: 'x' }), 'nmae');
    refused(await h.http('PATCH', `/v1/groups/${groupId}`, 'val-owner', { name: 'after', nmae: 'x' }), 'nmae');
    expect((await h.http('GET', `/v1/groups/${groupId}`, 'val-owner')).body.name).toBe('before');
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'val-owner', { name: 'after' })).status).toBe(204);
    expect((await h.http('GET', `/v1/groups/${groupId}`, 'val-owner')).body.name).toBe('after');
  });

  it('PUT /v1/profile with an unknown field is refused', async () => {
    refused(await h.http('PUT', '/v1/profile', 'val-owner', { nmae: 'x' }), 'nmae');
  });

  it('no type coercion: memberIds 42 makes no group; "100" is not an amount; 7 is not a name', async () => {
    refused(await h.http('POST', '/v1/groups', 'val-maker', { name: 'g', memberIds: 42 }), 'memberIds');
    refused(await h.http('POST', '/v1/groups', 'val-maker', { name: 'g', memberIds: [42] }), 'memberIds');
    refused(await h.http('POST', '/v1/groups', 'val-maker', { name: 7, memberIds: ['val-member'] }), 'name');
    expect((await h.http('GET', '/v1/groups', 'val-maker')).body.groups).toEqual([]);
    expect((await h.http('GET', '/v1/groups', '42')).body.groups).toEqual([]);
    refused(
      await h.http('POST', '/v1/transfers', 'val-maker', { toUserId: 'val-member', amount: '100', requestId: 'r1' }),
      'amount',
    );
    refused(
      await h.http('PUT', `/v1/groups/${groupId}/members/val-member/mute`, 'val-owner', { minutes: '5' }),
      'minutes',
    );
    expect((await h.http('GET', '/v1/wallet', 'val-maker')).body.balance).toBe(0);
  });

  it('a route that takes no body refuses one with fields; an optional body may be left out', async () => {
    refused(await h.http('POST', `/v1/groups/${groupId}/owner/accept`, 'val-member', { force: true }), 'force');
    refused(await h.http('PUT', `/v1/groups/${groupId}/mute`, 'val-owner', { minutes: 5 }), 'minutes');
    // Without a body, or with {}, the routes answer as usual (here: no such packet, not a member).
    expect((await h.http('POST', '/v1/red-packets/123/open', 'val-member')).status).toBe(404);
    expect((await h.http('POST', '/v1/red-packets/123/open', 'val-member', {})).status).toBe(404);
    refused(await h.http('POST', '/v1/red-packets/123/open', 'val-member', { password: 42 }), 'password');
    expect((await h.http('PUT', `/v1/groups/${groupId}/mute`, 'val-owner', {})).status).toBe(204);
  });

  it('query strings: numbers are read as numbers, anything else and unknown parameters are refused', async () => {
    expect((await h.http('GET', `/v1/messages?groupId=${groupId}&limit=2`, 'val-owner')).status).toBe(200);
    refused(await h.http('GET', `/v1/messages?groupId=${groupId}&limit=many`, 'val-owner'), 'limit');
    refused(await h.http('GET', `/v1/messages?groupId=${groupId}&limit=2.5`, 'val-owner'), 'limit');
    refused(await h.http('GET', `/v1/messages?groupId=${groupId}&befroeSeq=3`, 'val-owner'), 'befroeSeq');
  });
});

describe('GET /v1/messages pages (embedded)', () => {
  let h: EmbeddedHarness;

  beforeAll(async () => {
    h = await EmbeddedHarness.start();
    const a = await h.connect('page-a');
    for (let i = 1; i <= 7; i++) expect((await a.send(a.message('page-b', `m${i}`))).code).toBe(0);
  });
  afterAll(() => h.stop());

  const page = async (
    query: string,
  ): Promise<{ seqs: number[]; hasMore: boolean; nextBeforeSeq?: number | null; nextAfterSeq?: number }> => {
    const res = await h.http('GET', `/v1/messages?peerId=page-a&${query}`, 'page-b');
    expect(res.status).toBe(200);
    const {
      messages,
      conversationId: _c,
      ...rest
    } = res.body as { messages: { seq: number; content: string }[]; conversationId: string };
    expect(messages.map((m) => m.content)).toEqual(messages.map((m) => `m${m.seq}`));
    return { seqs: messages.map((m) => m.seq), ...(rest as { hasMore: boolean }) };
  };

  it('without a cursor: the newest page, in seq order, with hasMore and nextBeforeSeq to walk back', async () => {
    expect(await page('')).toEqual({ seqs: [1, 2, 3, 4, 5, 6, 7], hasMore: false, nextBeforeSeq: null });
    expect(await page('limit=3')).toEqual({ seqs: [5, 6, 7], hasMore: true, nextBeforeSeq: 5 });
    expect(await page('limit=3&beforeSeq=5')).toEqual({ seqs: [2, 3, 4], hasMore: true, nextBeforeSeq: 2 });
    expect(await page('limit=3&beforeSeq=2')).toEqual({ seqs: [1], hasMore: false, nextBeforeSeq: null });
    expect(await page('limit=6&beforeSeq=7')).toEqual({
      seqs: [1, 2, 3, 4, 5, 6],
      hasMore: false,
      nextBeforeSeq: null,
    });
  });

  it('afterSeq (afterSeq=0 from the start): the oldest page after it, walked forward with nextAfterSeq', async () => {
    expect(await page('afterSeq=0&limit=3')).toEqual({ seqs: [1, 2, 3], hasMore: true, nextAfterSeq: 3 });
    expect(await page('afterSeq=3&limit=3')).toEqual({ seqs: [4, 5, 6], hasMore: true, nextAfterSeq: 6 });
    expect(await page('afterSeq=6&limit=3')).toEqual({ seqs: [7], hasMore: false, nextAfterSeq: 7 });
    expect(await page('afterSeq=7&limit=3')).toEqual({ seqs: [], hasMore: false, nextAfterSeq: 7 });
    expect(await page('afterSeq=1&beforeSeq=4')).toEqual({ seqs: [2, 3], hasMore: false, nextAfterSeq: 3 });
  });
});
