// GET /v1/conversations as a phone draws its home screen from it: every conversation with its last
// message, newest activity first, the system conversation included, paged; and GET /v1/messages
// on the system conversation.
import { EmbeddedHarness } from '../support/embedded-harness';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 15));

describe('conversation list (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  it('lists each conversation once with its last message, newest first, the system one included, in pages', async () => {
    const groupId = await h.createGroup('cl-carol', ['cl-alice']); // a 10 in cl-alice's system conversation
    await tick();
    const [alice, bob, carol] = await Promise.all([h.connect('cl-alice'), h.connect('cl-bob'), h.connect('cl-carol')]);
    expect((await bob.send(bob.message('cl-alice', 'first from bob'))).code).toBe(0);
    await tick();
    const image = { url: 'https://img.example.com/a.png', width: 10, height: 10 };
    expect(
      (await carol.send(carol.message(groupId, JSON.stringify(image), { fromType: 2, messageType: 3 }))).code,
    ).toBe(0);
    await tick();
    expect((await alice.send(alice.message('cl-bob', 'and the last  word,\nfrom alice'))).code).toBe(0);

    const res = await h.http('GET', '/v1/conversations', 'cl-alice');
    expect(res.status).toBe(200);
    const list = res.body.conversations as any[];
    expect(list.map((c) => c.kind)).toEqual(['direct', 'group', 'system']);
    expect(list[0]).toMatchObject({
      peerId: 'cl-bob',
      maxSeq: 2,
      unread: 1,
      lastMessage: { messageType: 2, fromId: 'cl-alice', preview: 'and the last word, from alice', seq: 2 },
    });
    expect(list[1]).toMatchObject({
      groupId,
      unread: 1,
      lastMessage: { messageType: 3, fromId: 'cl-carol', preview: '[Image]' },
    });
    expect(list[2]).toMatchObject({
      conversationId: 's:cl-alice',
      lastMessage: { messageType: 10, fromId: 'cl-alice' },
    });
    for (let i = 1; i < list.length; i++) expect(list[i - 1].lastActivityAt).toBeGreaterThan(list[i].lastActivityAt);
    expect(res.body).toMatchObject({ hasMore: false, nextCursor: null });

    // One at a time: the same three, in the same order, each once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const p = await h.http('GET', `/v1/conversations?limit=1${q}`, 'cl-alice');
      expect(p.body.conversations).toHaveLength(1);
      seen.push(p.body.conversations[0].conversationId);
      cursor = p.body.nextCursor;
      expect(p.body.hasMore).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(list.map((c) => c.conversationId));
    expect((await h.http('GET', '/v1/conversations?cursor=bm90IGEgY3Vyc29y', 'cl-alice')).status).toBe(400);
  });

  it('pages the system conversation with GET /v1/messages?system=true; exactly one conversation must be named', async () => {
    expect(
      (await h.http('POST', '/v1/friends/requests', 'sy-bob', { toUserId: 'sy-alice', message: 'hi' })).status,
    ).toBe(200);
    const page = await h.http('GET', '/v1/messages?system=true', 'sy-alice');
    expect(page).toMatchObject({ status: 200, body: { conversationId: 's:sy-alice', hasMore: false } });
    expect(page.body.messages.map((m: any) => [m.messageType, m.fromId])).toEqual([[11, 'sy-bob']]);
    // Only one's own: the requester sees nothing of it in theirs.
    expect((await h.http('GET', '/v1/messages?system=true', 'sy-bob')).body.messages).toEqual([]);
    expect((await h.http('GET', '/v1/messages?system=true&peerId=sy-bob', 'sy-alice')).status).toBe(400);
    expect((await h.http('GET', '/v1/messages', 'sy-alice')).status).toBe(400);
  });

  it('shows a group’s last message only to members who were there for it', async () => {
    const groupId = await h.createGroup('lj-o', ['lj-a']);
    const o = await h.connect('lj-o');
    expect((await o.send(o.message(groupId, 'before you came', { fromType: 2 }))).code).toBe(0);
    expect((await h.http('POST', `/v1/groups/${groupId}/members`, 'lj-o', { userIds: ['lj-late'] })).status).toBe(200);
    const late = (await h.http('GET', '/v1/conversations', 'lj-late')).body.conversations as any[];
    expect(late.find((c) => c.groupId === groupId)).toMatchObject({ lastMessage: null, lastActivityAt: 0, unread: 0 });
    const early = (await h.http('GET', '/v1/conversations', 'lj-a')).body.conversations as any[];
    expect(early.find((c) => c.groupId === groupId)?.lastMessage).toMatchObject({ messageType: 8 });
  });
});
