import { randomUUID } from 'node:crypto';
import type { ImMessage } from '@im/protocol';
import type { Store } from '../store.port';

function msg(
  fromId: string,
  destId: string,
  msgId: string,
  extra: Partial<ImMessage> = {},
): ImMessage & { sendTime: number } {
  return {
    msgId,
    fromId,
    destId,
    fromType: 1,
    fromName: fromId,
    imageIconUrl: '',
    content: `hello ${msgId}`,
    messageType: 2,
    sendTime: 1_700_000_000_000,
    ...extra,
  };
}

/** Behaviour every Store implementation must show (SQLite embedded, MongoDB cluster). */
export function storeContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let p: string;
    const conv = (a: string, b: string): string => `p:${[a, b].sort().join(':')}`;

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store.close();
    });
    beforeEach(() => {
      p = `t${randomUUID().slice(0, 8)}`;
    });

    it('assigns increasing seqs per conversation, independently for each conversation', async () => {
      const c1 = conv(`${p}a`, `${p}b`);
      const c2 = conv(`${p}a`, `${p}c`);
      const r1 = await store.messages.append({ conversationId: c1, message: msg(`${p}a`, `${p}b`, 'm1') });
      const r2 = await store.messages.append({ conversationId: c1, message: msg(`${p}b`, `${p}a`, 'm2') });
      const r3 = await store.messages.append({ conversationId: c2, message: msg(`${p}a`, `${p}c`, 'm3') });
      expect([r1.stored.seq, r2.stored.seq, r3.stored.seq]).toEqual([1, 2, 1]);
      expect(r2.stored.message).toMatchObject({ seq: 2, msgId: 'm2', content: 'hello m2' });
      expect(await store.conversations.maxSeq(c1)).toBe(2);
      expect(await store.conversations.maxSeq(`${p}none`)).toBe(0);
    });

    it('stores a repeated msgId once and returns the first copy', async () => {
      const c = conv(`${p}a`, `${p}b`);
      const first = await store.messages.append({
        conversationId: c,
        message: msg(`${p}a`, `${p}b`, 'dup'),
        senderDeviceId: 'd1',
      });
      const again = await store.messages.append({
        conversationId: c,
        message: { ...msg(`${p}a`, `${p}b`, 'dup'), sendTime: 5 },
      });
      expect(first.duplicate).toBe(false);
      expect(again.duplicate).toBe(true);
      expect(again.stored.seq).toBe(first.stored.seq);
      expect(again.stored.message.sendTime).toBe(1_700_000_000_000);
      expect(again.stored.senderDeviceId).toBe('d1');
      expect(await store.messages.range(c, { limit: 10 })).toHaveLength(1);
    });

    it('never gives two messages one seq under concurrent appends, and stores concurrent repeats once', async () => {
      const c = conv(`${p}a`, `${p}b`);
      const distinct = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, `c${i}`) }),
        ),
      );
      const seqs = distinct.map((r) => r.stored.seq);
      expect(new Set(seqs).size).toBe(30);
      const repeats = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, 'same') }),
        ),
      );
      expect(new Set(repeats.map((r) => r.stored.seq)).size).toBe(1);
      expect(repeats.filter((r) => !r.duplicate)).toHaveLength(1);
      const all = await store.messages.range(c, { limit: 100 });
      expect(all).toHaveLength(31);
      expect(all.map((m) => m.seq)).toEqual([...all.map((m) => m.seq)].sort((x, y) => x - y));
    });

    it('reads ranges in seq order: after, before, limit, newest first window', async () => {
      const c = conv(`${p}a`, `${p}b`);
      for (let i = 1; i <= 10; i++)
        await store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, `r${i}`) });
      const seqsOf = (xs: { seq: number }[]): number[] => xs.map((x) => x.seq);
      expect(seqsOf(await store.messages.range(c, { afterSeq: 7, limit: 50 }))).toEqual([8, 9, 10]);
      expect(seqsOf(await store.messages.range(c, { afterSeq: 2, limit: 3 }))).toEqual([3, 4, 5]);
      expect(seqsOf(await store.messages.range(c, { beforeSeq: 4, limit: 50 }))).toEqual([1, 2, 3]);
      expect(seqsOf(await store.messages.range(c, { beforeSeq: 9, limit: 3, from: 'newest' }))).toEqual([6, 7, 8]);
      expect(seqsOf(await store.messages.range(c, { limit: 2, from: 'newest' }))).toEqual([9, 10]);
    });

    it('reads the last message of many conversations at once, below a given top seq, none for an empty one', async () => {
      const c1 = conv(`${p}a`, `${p}b`);
      const c2 = conv(`${p}a`, `${p}c`);
      for (let i = 1; i <= 3; i++)
        await store.messages.append({ conversationId: c1, message: msg(`${p}a`, `${p}b`, `l${i}`) });
      await store.messages.append({ conversationId: c2, message: msg(`${p}c`, `${p}a`, 'only') });
      const last = await store.messages.lastOf([
        { conversationId: c1, maxSeq: 3 },
        { conversationId: c2, maxSeq: 1 },
        { conversationId: conv(`${p}a`, `${p}z`), maxSeq: 0 },
      ]);
      expect([...last.keys()].sort()).toEqual([c1, c2].sort());
      expect(last.get(c1)).toMatchObject({ seq: 3, message: { msgId: 'l3' } });
      expect(last.get(c2)).toMatchObject({ seq: 1, message: { msgId: 'only', fromId: `${p}c` } });
      // A top seq with no message there (a seq a crash left unused): the newest one below it.
      expect((await store.messages.lastOf([{ conversationId: c1, maxSeq: 7 }])).get(c1)).toMatchObject({ seq: 3 });
      expect((await store.messages.lastOf([{ conversationId: c1, maxSeq: 2 }])).get(c1)).toMatchObject({ seq: 2 });
    });

    it('finds by msgId and marks a message recalled', async () => {
      const c = conv(`${p}a`, `${p}b`);
      await store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, 'x1') });
      expect((await store.messages.findByMsgId(c, 'x1'))?.recalled).toBe(false);
      expect(await store.messages.markRecalled(c, 'x1')).toBe(true);
      expect((await store.messages.findByMsgId(c, 'x1'))?.recalled).toBe(true);
      expect(await store.messages.markRecalled(c, 'nope')).toBe(false);
      expect(await store.messages.findByMsgId(c, 'nope')).toBeUndefined();
    });

    it('counts unread messages from others of the unread types only', async () => {
      const [a, b] = [`${p}a`, `${p}b`];
      const c = conv(a, b);
      await store.messages.append({ conversationId: c, message: msg(b, a, 'u1') });
      await store.messages.append({ conversationId: c, message: msg(a, b, 'u2') });
      await store.messages.append({ conversationId: c, message: msg(b, a, 'u3', { messageType: 32, content: 'u1' }) });
      await store.messages.append({ conversationId: c, message: msg(b, a, 'u4') });
      expect(await store.messages.countUnread(c, 0, a, [2, 3])).toBe(2);
      expect(await store.messages.countUnread(c, 1, a, [2, 3])).toBe(1);
      await store.messages.markRecalled(c, 'u4');
      expect(await store.messages.countUnread(c, 0, a, [2, 3])).toBe(1);
    });

    it('lists a user’s direct conversations with their peers and the given groups', async () => {
      const [a, b, c] = [`${p}a`, `${p}b`, `${p}c`];
      await store.messages.append({ conversationId: conv(a, b), message: msg(a, b, 'l1') });
      await store.messages.append({ conversationId: conv(c, a), message: msg(c, a, 'l2') });
      await store.messages.append({ conversationId: conv(c, a), message: msg(c, a, 'l3') });
      await store.messages.append({ conversationId: `g:${p}g`, message: msg(a, `${p}g`, 'l4', { fromType: 2 }) });
      const list = await store.conversations.listForUser(a, [`${p}g`, `${p}empty`]);
      const byId = new Map(list.map((x) => [x.conversationId, x]));
      expect(byId.get(conv(a, b))).toMatchObject({ kind: 'direct', peerId: b, maxSeq: 1 });
      expect(byId.get(conv(a, c))).toMatchObject({ kind: 'direct', peerId: c, maxSeq: 2 });
      expect(byId.get(`g:${p}g`)).toMatchObject({ kind: 'group', groupId: `${p}g`, maxSeq: 1 });
      expect(byId.get(`g:${p}empty`)).toMatchObject({ kind: 'group', groupId: `${p}empty`, maxSeq: 0 });
      expect(list).toHaveLength(4);
      expect(await store.conversations.listForUser(b, [])).toHaveLength(1);
    });

    it('moves read seqs and device cursors forward only', async () => {
      const c = conv(`${p}a`, `${p}b`);
      expect(await store.conversations.setReadSeq(`${p}a`, c, 5)).toBe(5);
      expect(await store.conversations.setReadSeq(`${p}a`, c, 3)).toBe(5);
      expect((await store.conversations.readSeqs(`${p}a`, [c, 'other'])).get(c)).toBe(5);
      expect((await store.conversations.readSeqs(`${p}b`, [c])).has(c)).toBe(false);
      const d = conv(`${p}a`, `${p}c`);
      await store.conversations.setReadSeq(`${p}c`, d, 7);
      const peers = await store.conversations.readSeqsOf([
        { conversationId: c, userId: `${p}a` },
        { conversationId: d, userId: `${p}c` },
        { conversationId: conv(`${p}a`, `${p}z`), userId: `${p}z` },
      ]);
      expect(peers).toEqual(
        new Map([
          [c, 5],
          [d, 7],
        ]),
      );
      expect(await store.conversations.readSeqsOf([{ conversationId: c, userId: `${p}b` }])).toEqual(new Map());
      expect(await store.conversations.readSeqsOf([])).toEqual(new Map());
      await store.cursors.advance(`${p}a`, 'd1', c, 4);
      await store.cursors.advance(`${p}a`, 'd1', c, 2);
      await store.cursors.advance(`${p}a`, 'd2', c, 9);
      expect((await store.cursors.get(`${p}a`, 'd1', [c])).get(c)).toBe(4);
      expect((await store.cursors.get(`${p}a`, 'd2', [c])).get(c)).toBe(9);
      expect((await store.cursors.get(`${p}a`, 'd3', [c])).has(c)).toBe(false);
    });

    it('keeps a per-user mute setting apart from the read mark', async () => {
      const c = conv(`${p}ma`, `${p}mb`);
      expect(await store.conversations.mutedAmong(c, [`${p}ma`, `${p}mb`])).toEqual(new Set());
      await store.conversations.setReadSeq(`${p}ma`, c, 4);
      await store.conversations.setMuted(`${p}ma`, c, true);
      await store.conversations.setMuted(`${p}ma`, c, true);
      expect(await store.conversations.mutedAmong(c, [`${p}ma`, `${p}mb`])).toEqual(new Set([`${p}ma`]));
      expect(await store.conversations.mutedOf(`${p}ma`)).toEqual([c]);
      expect((await store.conversations.readSeqs(`${p}ma`, [c])).get(c)).toBe(4);
      expect(await store.conversations.setReadSeq(`${p}ma`, c, 6)).toBe(6);
      await store.conversations.setMuted(`${p}mb`, c, true);
      expect((await store.conversations.readSeqs(`${p}mb`, [c])).get(c)).toBe(0);
      await store.conversations.setMuted(`${p}ma`, c, false);
      expect(await store.conversations.mutedAmong(c, [`${p}ma`, `${p}mb`])).toEqual(new Set([`${p}mb`]));
      expect(await store.conversations.mutedOf(`${p}ma`)).toEqual([]);
    });

    it('creates a group once with its members and roles', async () => {
      const g = { groupId: `${p}g`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      const members = [
        { userId: `${p}a`, role: 'owner' as const },
        { userId: `${p}b`, role: 'member' as const },
      ];
      expect(await store.groups.create(g, members)).toBe(true);
      expect(await store.groups.create({ ...g, name: 'Other' }, [])).toBe(false);
      expect(await store.groups.get(g.groupId)).toEqual({
        ...g,
        dismissed: false,
        muted: false,
        joinPolicy: 'approval',
      });
      expect(await store.groups.member(g.groupId, `${p}b`)).toMatchObject({ role: 'member', joinedSeq: 0 });
      expect(await store.groups.member(g.groupId, `${p}z`)).toBeUndefined();
      expect((await store.groups.members(g.groupId)).map((m) => m.userId)).toEqual([`${p}a`, `${p}b`]);
      expect((await store.groups.groupsOf(`${p}b`)).map((m) => m.groupId)).toEqual([g.groupId]);
      expect(await store.groups.get(`${p}none`)).toBeUndefined();
    });

    it('adds members once with their joinedSeq, removes them, renames and dismisses a group', async () => {
      const g = { groupId: `${p}ga`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      await store.groups.create(g, [{ userId: `${p}a`, role: 'owner' }]);
      expect(await store.groups.addMembers(g.groupId, [`${p}b`, `${p}c`, `${p}a`, `${p}b`], 'member', 7)).toEqual([
        `${p}b`,
        `${p}c`,
      ]);
      expect(await store.groups.addMembers(g.groupId, [`${p}b`], 'admin', 9)).toEqual([]);
      expect(await store.groups.member(g.groupId, `${p}b`)).toMatchObject({ role: 'member', joinedSeq: 7 });
      expect(await store.groups.member(g.groupId, `${p}a`)).toMatchObject({ role: 'owner', joinedSeq: 0 });
      expect(await store.groups.removeMember(g.groupId, `${p}c`)).toBe(true);
      expect(await store.groups.removeMember(g.groupId, `${p}c`)).toBe(false);
      expect((await store.groups.members(g.groupId)).map((m) => m.userId)).toEqual([`${p}a`, `${p}b`]);
      await store.groups.rename(g.groupId, 'Renamed');
      expect(await store.groups.get(g.groupId)).toMatchObject({ name: 'Renamed', dismissed: false });
      await store.groups.dismiss(g.groupId);
      await store.groups.dismiss(g.groupId);
      expect(await store.groups.get(g.groupId)).toMatchObject({ name: 'Renamed', dismissed: true });
    });

    it('keeps an expiry date and lets exactly one caller claim each expiry notice', async () => {
      const g = { groupId: `${p}gx`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      const other = { groupId: `${p}gy`, name: 'Later', ownerId: `${p}a`, createdAt: 1 };
      await store.groups.create(g, [{ userId: `${p}a`, role: 'owner' }]);
      await store.groups.create(other, [{ userId: `${p}a`, role: 'owner' }]);
      const mine = async (now: number, remindFrom: number): Promise<string[]> =>
        (await store.groups.expiryDue(now, remindFrom, 1000)).map((x) => x.groupId).filter((id) => id.startsWith(p));
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('expiresAt');
      await store.groups.setExpiry(g.groupId, 10_000);
      await store.groups.setExpiry(other.groupId, 50_000);
      expect(await store.groups.get(g.groupId)).toMatchObject({ expiresAt: 10_000 });
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('remindedAt');
      // Neither is due before the reminder lead reaches it; then only the nearer one.
      expect(await mine(1_000, 9_999)).toEqual([]);
      expect(await mine(1_000, 10_000)).toEqual([g.groupId]);
      // A reminder for a stale expiry claims nothing; for the current one, exactly once.
      expect(await store.groups.claimExpiryNotice(g.groupId, 9_000, 'reminder', 2_000)).toBe(false);
      const claims = await Promise.all(
        [1, 2, 3].map(() => store.groups.claimExpiryNotice(g.groupId, 10_000, 'reminder', 2_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.groups.get(g.groupId)).toMatchObject({ expiresAt: 10_000, remindedAt: 2_000 });
      expect(await mine(2_000, 20_000)).toEqual([]);
      // Expired: due again until the expired notice is claimed, once.
      expect(await mine(10_000, 20_000)).toEqual([g.groupId]);
      const expired = await Promise.all(
        [1, 2].map(() => store.groups.claimExpiryNotice(g.groupId, 10_000, 'expired', 10_500)),
      );
      expect(expired.filter(Boolean)).toHaveLength(1);
      expect(await store.groups.get(g.groupId)).toMatchObject({ expiredAt: 10_500 });
      expect(await mine(60_000, 70_000)).toEqual([other.groupId]);
      // The other one expires without a reminder: none can be claimed afterwards.
      expect(await store.groups.claimExpiryNotice(other.groupId, 50_000, 'expired', 60_000)).toBe(true);
      expect(await store.groups.claimExpiryNotice(other.groupId, 50_000, 'reminder', 60_000)).toBe(false);
      expect(await mine(60_000, 70_000)).toEqual([]);
      // A new date starts over; clearing it leaves nothing due; a dismissed group is never due.
      await store.groups.setExpiry(g.groupId, 80_000);
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('remindedAt');
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('expiredAt');
      expect(await mine(70_000, 90_000)).toEqual([g.groupId]);
      await store.groups.setExpiry(g.groupId, undefined);
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('expiresAt');
      expect(await mine(90_000, 100_000)).toEqual([]);
      await store.groups.setExpiry(g.groupId, 80_000);
      await store.groups.dismiss(g.groupId);
      expect(await mine(90_000, 100_000)).toEqual([]);
    });

    it('changes a member’s role and mutes a group', async () => {
      const g = { groupId: `${p}gm`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      await store.groups.create(g, [
        { userId: `${p}a`, role: 'owner' },
        { userId: `${p}b`, role: 'member' },
      ]);
      expect(await store.groups.setRole(g.groupId, `${p}b`, 'admin')).toBe(true);
      expect(await store.groups.setRole(g.groupId, `${p}z`, 'admin')).toBe(false);
      expect(await store.groups.member(g.groupId, `${p}b`)).toMatchObject({ role: 'admin' });
      expect(await store.groups.member(g.groupId, `${p}z`)).toBeUndefined();
      await store.groups.setMuted(g.groupId, true);
      expect(await store.groups.get(g.groupId)).toMatchObject({ muted: true, dismissed: false });
      await store.groups.setMuted(g.groupId, false);
      expect(await store.groups.get(g.groupId)).toMatchObject({ muted: false });
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('announcement');
      await store.groups.setAttribute(g.groupId, 'avatar', 'https://img/a.png');
      await store.groups.setAttribute(g.groupId, 'announcement', 'Meet at 9');
      await store.groups.setAttribute(g.groupId, 'announcement', 'Meet at 10');
      await store.groups.setAttribute(g.groupId, 'introduction', 'We hike');
      expect(await store.groups.member(g.groupId, `${p}b`)).not.toHaveProperty('remark');
      expect(await store.groups.setRemark(g.groupId, `${p}b`, 'Bee')).toBe(true);
      expect(await store.groups.setRemark(g.groupId, `${p}z`, 'Zed')).toBe(false);
      expect(await store.groups.setMemberMutedUntil(g.groupId, `${p}b`, 5000)).toBe(true);
      expect(await store.groups.member(g.groupId, `${p}b`)).toMatchObject({
        remark: 'Bee',
        mutedUntil: 5000,
        role: 'admin',
      });
      expect((await store.groups.members(g.groupId)).find((m) => m.userId === `${p}b`)).toMatchObject({
        remark: 'Bee',
        mutedUntil: 5000,
      });
      expect(await store.groups.setMemberMutedUntil(g.groupId, `${p}b`, undefined)).toBe(true);
      expect(await store.groups.setMemberMutedUntil(g.groupId, `${p}z`, 1)).toBe(false);
      expect(await store.groups.member(g.groupId, `${p}b`)).not.toHaveProperty('mutedUntil');
      expect(await store.groups.get(g.groupId)).toMatchObject({
        avatar: 'https://img/a.png',
        announcement: 'Meet at 10',
        introduction: 'We hike',
        muted: false,
      });
    });

    it('keeps a join policy and one pending application per user', async () => {
      const g = { groupId: `${p}gj`, name: 'Team', ownerId: `${p}a`, createdAt: 1, joinPolicy: 'free' as const };
      await store.groups.create(g, [{ userId: `${p}a`, role: 'owner' }]);
      expect(await store.groups.get(g.groupId)).toMatchObject({ joinPolicy: 'free' });
      await store.groups.setJoinPolicy(g.groupId, 'invite-only');
      expect(await store.groups.get(g.groupId)).toMatchObject({ joinPolicy: 'invite-only' });
      expect(
        await store.groups.addApplication({ groupId: g.groupId, userId: `${p}c`, message: 'hi', createdAt: 5 }),
      ).toBe(true);
      expect(
        await store.groups.addApplication({ groupId: g.groupId, userId: `${p}c`, message: 'again', createdAt: 6 }),
      ).toBe(false);
      expect(
        await store.groups.addApplication({ groupId: g.groupId, userId: `${p}b`, message: '', createdAt: 7 }),
      ).toBe(true);
      expect(await store.groups.applications(g.groupId)).toEqual([
        { groupId: g.groupId, userId: `${p}c`, message: 'hi', createdAt: 5 },
        { groupId: g.groupId, userId: `${p}b`, message: '', createdAt: 7 },
      ]);
      expect(await store.groups.application(g.groupId, `${p}b`)).toMatchObject({ createdAt: 7 });
      expect(await store.groups.removeApplication(g.groupId, `${p}c`)).toBe(true);
      expect(await store.groups.removeApplication(g.groupId, `${p}c`)).toBe(false);
      expect(await store.groups.application(g.groupId, `${p}c`)).toBeUndefined();
      expect((await store.groups.applications(g.groupId)).map((x) => x.userId)).toEqual([`${p}b`]);
    });

    it('keeps an ownership offer until the owner changes', async () => {
      const g = { groupId: `${p}go`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      await store.groups.create(g, [
        { userId: `${p}a`, role: 'owner' },
        { userId: `${p}b`, role: 'member' },
      ]);
      expect((await store.groups.get(g.groupId))?.ownershipCandidate).toBeUndefined();
      await store.groups.setOwnershipCandidate(g.groupId, `${p}b`);
      expect(await store.groups.get(g.groupId)).toMatchObject({ ownershipCandidate: `${p}b` });
      await store.groups.setOwnershipCandidate(g.groupId, undefined);
      expect((await store.groups.get(g.groupId))?.ownershipCandidate).toBeUndefined();
      await store.groups.setOwnershipCandidate(g.groupId, `${p}b`);
      await store.groups.setOwner(g.groupId, `${p}b`);
      const after = await store.groups.get(g.groupId);
      expect(after).toMatchObject({ ownerId: `${p}b` });
      expect(after?.ownershipCandidate).toBeUndefined();
    });

    it('keeps blacklists one-way and friendships two-way', async () => {
      const [a, b] = [`${p}a`, `${p}b`];
      await store.relations.block(a, b);
      await store.relations.block(a, b);
      expect(await store.relations.isBlocked(a, b)).toBe(true);
      expect(await store.relations.isBlocked(b, a)).toBe(false);
      expect(await store.relations.blocked(a)).toEqual([b]);
      await store.relations.unblock(a, b);
      expect(await store.relations.isBlocked(a, b)).toBe(false);
      await store.relations.befriend(a, b);
      expect(await store.relations.areFriends(b, a)).toBe(true);
      expect(await store.relations.friends(a)).toEqual([b]);
      await store.relations.unfriend(b, a);
      expect(await store.relations.areFriends(a, b)).toBe(false);
    });

    it('keeps one pending friend request per direction; remove reports whether it existed', async () => {
      const [a, b, c] = [`${p}a`, `${p}b`, `${p}c`];
      expect(await store.friendRequests.get(a, b)).toBeUndefined();
      await store.friendRequests.put({ fromId: a, toId: b, message: 'hi', createdAt: 10 });
      await store.friendRequests.put({ fromId: a, toId: b, message: 'hi again', createdAt: 20 });
      await store.friendRequests.put({ fromId: c, toId: b, message: '', createdAt: 15 });
      expect(await store.friendRequests.get(a, b)).toEqual({ fromId: a, toId: b, message: 'hi again', createdAt: 20 });
      expect(await store.friendRequests.get(b, a)).toBeUndefined();
      expect((await store.friendRequests.incoming(b)).map((r) => r.fromId)).toEqual([c, a]);
      expect(await store.friendRequests.outgoing(a)).toEqual([
        { fromId: a, toId: b, message: 'hi again', createdAt: 20 },
      ]);
      expect(await store.friendRequests.incoming(a)).toEqual([]);
      const removals = await Promise.all([store.friendRequests.remove(a, b), store.friendRequests.remove(a, b)]);
      expect(removals.filter(Boolean)).toHaveLength(1);
      expect(await store.friendRequests.get(a, b)).toBeUndefined();
      expect((await store.friendRequests.incoming(b)).map((r) => r.fromId)).toEqual([c]);
    });

    it('keeps a system conversation `s:<userId>` with its own seqs, out of the direct list', async () => {
      const a = `${p}a`;
      const s = `s:${a}`;
      const first = await store.messages.append({
        conversationId: s,
        message: msg('system', a, 'sys1', { fromType: 3, messageType: 11 }),
      });
      const second = await store.messages.append({
        conversationId: s,
        message: msg(`${p}b`, a, 'sys2', { messageType: 12 }),
      });
      expect([first.stored.seq, second.stored.seq]).toEqual([1, 2]);
      expect(await store.conversations.maxSeq(s)).toBe(2);
      expect((await store.messages.range(s, { afterSeq: 1, limit: 10 })).map((m) => m.message.msgId)).toEqual(['sys2']);
      expect(await store.conversations.listForUser(a, [])).toEqual([]);
      expect(await store.conversations.listForUser(`${p}b`, [])).toEqual([]);
    });

    it('never matches an operator object smuggled in place of an id', async () => {
      const [a, b] = [`${p}a`, `${p}b`];
      await store.relations.block(a, b);
      const injected = { $ne: null } as unknown as string;
      const outcome = await store.relations.isBlocked(a, injected).then(
        (v) => v,
        () => 'rejected',
      );
      expect(outcome === false || outcome === 'rejected').toBe(true);
      const found = await store.messages.findByMsgId(conv(a, b), injected).then(
        (v) => v,
        () => undefined,
      );
      expect(found).toBeUndefined();
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
