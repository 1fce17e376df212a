import type { ImMessage } from '@im/protocol';
import type { Store } from '../store.port';
import { storeFixture } from './store-fixture';
import { groupContract } from './group.contract';

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

/** Behaviour every Store implementation must show (SQLite embedded, MongoDB cluster); groups in group.contract.ts. */
export function storeContract(name: string, makeStore: () => Promise<Store>): void {
  groupContract(name, makeStore);
  describe(`Store contract: ${name}`, () => {
    const fx = storeFixture(makeStore, 't');
    const conv = (a: string, b: string): string => `p:${[a, b].sort().join(':')}`;

    it('assigns increasing seqs per conversation, independently for each conversation', async () => {
      const c1 = conv(`${fx.p}a`, `${fx.p}b`);
      const c2 = conv(`${fx.p}a`, `${fx.p}c`);
      const r1 = await fx.store.messages.append({ conversationId: c1, message: msg(`${fx.p}a`, `${fx.p}b`, 'm1') });
      const r2 = await fx.store.messages.append({ conversationId: c1, message: msg(`${fx.p}b`, `${fx.p}a`, 'm2') });
      const r3 = await fx.store.messages.append({ conversationId: c2, message: msg(`${fx.p}a`, `${fx.p}c`, 'm3') });
      expect([r1.stored.seq, r2.stored.seq, r3.stored.seq]).toEqual([1, 2, 1]);
      expect(r2.stored.message).toMatchObject({ seq: 2, msgId: 'm2', content: 'hello m2' });
      expect(await fx.store.conversations.maxSeq(c1)).toBe(2);
      expect(await fx.store.conversations.maxSeq(`${fx.p}none`)).toBe(0);
    });

    it('stores a repeated msgId once and returns the first copy', async () => {
      const c = conv(`${fx.p}a`, `${fx.p}b`);
      const first = await fx.store.messages.append({
        conversationId: c,
        message: msg(`${fx.p}a`, `${fx.p}b`, 'dup'),
        senderDeviceId: 'd1',
      });
      const again = await fx.store.messages.append({
        conversationId: c,
        message: { ...msg(`${fx.p}a`, `${fx.p}b`, 'dup'), sendTime: 5 },
      });
      expect(first.duplicate).toBe(false);
      expect(again.duplicate).toBe(true);
      expect(again.stored.seq).toBe(first.stored.seq);
      expect(again.stored.message.sendTime).toBe(1_700_000_000_000);
      expect(again.stored.senderDeviceId).toBe('d1');
      expect(await fx.store.messages.range(c, { limit: 10 })).toHaveLength(1);
    });

    it('never gives two messages one seq under concurrent appends, and stores concurrent repeats once', async () => {
      const c = conv(`${fx.p}a`, `${fx.p}b`);
      const distinct = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          fx.store.messages.append({ conversationId: c, message: msg(`${fx.p}a`, `${fx.p}b`, `c${i}`) }),
        ),
      );
      const seqs = distinct.map((r) => r.stored.seq);
      expect(new Set(seqs).size).toBe(30);
      const repeats = await Promise.all(
        Array.from({ length: 10 }, () =>
          fx.store.messages.append({ conversationId: c, message: msg(`${fx.p}a`, `${fx.p}b`, 'same') }),
        ),
      );
      expect(new Set(repeats.map((r) => r.stored.seq)).size).toBe(1);
      expect(repeats.filter((r) => !r.duplicate)).toHaveLength(1);
      const all = await fx.store.messages.range(c, { limit: 100 });
      expect(all).toHaveLength(31);
      expect(all.map((m) => m.seq)).toEqual([...all.map((m) => m.seq)].sort((x, y) => x - y));
    });

    it('appends a batch with one seq range per conversation, in input order, after and before single appends', async () => {
      const c1 = conv(`${fx.p}a`, `${fx.p}b`);
      const c2 = conv(`${fx.p}a`, `${fx.p}c`);
      await fx.store.messages.append({ conversationId: c1, message: msg(`${fx.p}a`, `${fx.p}b`, 'b0') });
      const batch = await fx.store.messages.appendBatch([
        { conversationId: c1, message: msg(`${fx.p}a`, `${fx.p}b`, 'b1'), senderDeviceId: 'd1' },
        { conversationId: c2, message: msg(`${fx.p}a`, `${fx.p}c`, 'b2') },
        { conversationId: c1, message: msg(`${fx.p}b`, `${fx.p}a`, 'b3') },
        { conversationId: c1, message: msg(`${fx.p}a`, `${fx.p}b`, 'b1') },
        { conversationId: c1, message: msg(`${fx.p}a`, `${fx.p}b`, 'b0') },
      ]);
      expect(batch.map((r) => [r.stored.conversationId, r.stored.message.msgId, r.duplicate])).toEqual([
        [c1, 'b1', false],
        [c2, 'b2', false],
        [c1, 'b3', false],
        [c1, 'b1', true],
        [c1, 'b0', true],
      ]);
      const seqOf = (i: number): number => batch[i]?.stored.seq ?? -1;
      // Seqs increase in input order; a repeat answers with the first copy (a store may leave gaps, never repeats).
      expect(seqOf(0)).toBeGreaterThan(1);
      expect(seqOf(2)).toBeGreaterThan(seqOf(0));
      expect([seqOf(3), seqOf(4)]).toEqual([seqOf(0), 1]);
      expect(batch[0]?.stored.senderDeviceId).toBe('d1');
      // The counter moved by another writer (a single append) is picked up by the next batch.
      const single = await fx.store.messages.append({ conversationId: c1, message: msg(`${fx.p}b`, `${fx.p}a`, 'b4') });
      const next = await fx.store.messages.appendBatch([
        { conversationId: c1, message: msg(`${fx.p}a`, `${fx.p}b`, 'b5') },
        { conversationId: c2, message: msg(`${fx.p}c`, `${fx.p}a`, 'b6') },
      ]);
      expect(single.stored.seq).toBeGreaterThan(seqOf(2));
      expect(next[0]?.stored.seq).toBeGreaterThan(single.stored.seq);
      expect(next[1]?.stored.seq).toBeGreaterThan(seqOf(1));
      expect(await fx.store.conversations.maxSeq(c1)).toBe(next[0]?.stored.seq);
      const ids = (await fx.store.messages.range(c1, { limit: 10 })).map((m) => m.message.msgId);
      expect(ids).toEqual(['b0', 'b1', 'b3', 'b4', 'b5']);
      expect(await fx.store.messages.appendBatch([])).toEqual([]);
    });

    it('reads ranges in seq order: after, before, limit, newest first window', async () => {
      const c = conv(`${fx.p}a`, `${fx.p}b`);
      for (let i = 1; i <= 10; i++)
        await fx.store.messages.append({ conversationId: c, message: msg(`${fx.p}a`, `${fx.p}b`, `r${i}`) });
      const seqsOf = (xs: { seq: number }[]): number[] => xs.map((x) => x.seq);
      expect(seqsOf(await fx.store.messages.range(c, { afterSeq: 7, limit: 50 }))).toEqual([8, 9, 10]);
      expect(seqsOf(await fx.store.messages.range(c, { afterSeq: 2, limit: 3 }))).toEqual([3, 4, 5]);
      expect(seqsOf(await fx.store.messages.range(c, { beforeSeq: 4, limit: 50 }))).toEqual([1, 2, 3]);
      expect(seqsOf(await fx.store.messages.range(c, { beforeSeq: 9, limit: 3, from: 'newest' }))).toEqual([6, 7, 8]);
      expect(seqsOf(await fx.store.messages.range(c, { limit: 2, from: 'newest' }))).toEqual([9, 10]);
    });

    it('reads the last message of many conversations at once, below a given top seq, none for an empty one', async () => {
      const c1 = conv(`${fx.p}a`, `${fx.p}b`);
      const c2 = conv(`${fx.p}a`, `${fx.p}c`);
      for (let i = 1; i <= 3; i++)
        await fx.store.messages.append({ conversationId: c1, message: msg(`${fx.p}a`, `${fx.p}b`, `l${i}`) });
      await fx.store.messages.append({ conversationId: c2, message: msg(`${fx.p}c`, `${fx.p}a`, 'only') });
      const last = await fx.store.messages.lastOf([
        { conversationId: c1, maxSeq: 3 },
        { conversationId: c2, maxSeq: 1 },
        { conversationId: conv(`${fx.p}a`, `${fx.p}z`), maxSeq: 0 },
      ]);
      expect([...last.keys()].sort()).toEqual([c1, c2].sort());
      expect(last.get(c1)).toMatchObject({ seq: 3, message: { msgId: 'l3' } });
      expect(last.get(c2)).toMatchObject({ seq: 1, message: { msgId: 'only', fromId: `${fx.p}c` } });
      // A top seq with no message there (a seq a crash left unused): the newest one below it.
      expect((await fx.store.messages.lastOf([{ conversationId: c1, maxSeq: 7 }])).get(c1)).toMatchObject({ seq: 3 });
      expect((await fx.store.messages.lastOf([{ conversationId: c1, maxSeq: 2 }])).get(c1)).toMatchObject({ seq: 2 });
    });

    it('finds by msgId and marks a message recalled', async () => {
      const c = conv(`${fx.p}a`, `${fx.p}b`);
      await fx.store.messages.append({ conversationId: c, message: msg(`${fx.p}a`, `${fx.p}b`, 'x1') });
      expect((await fx.store.messages.findByMsgId(c, 'x1'))?.recalled).toBe(false);
      expect(await fx.store.messages.markRecalled(c, 'x1')).toBe(true);
      expect((await fx.store.messages.findByMsgId(c, 'x1'))?.recalled).toBe(true);
      expect(await fx.store.messages.markRecalled(c, 'nope')).toBe(false);
      expect(await fx.store.messages.findByMsgId(c, 'nope')).toBeUndefined();
    });

    it('counts unread messages from others of the unread types only', async () => {
      const [a, b] = [`${fx.p}a`, `${fx.p}b`];
      const c = conv(a, b);
      await fx.store.messages.append({ conversationId: c, message: msg(b, a, 'u1') });
      await fx.store.messages.append({ conversationId: c, message: msg(a, b, 'u2') });
      await fx.store.messages.append({
        conversationId: c,
        message: msg(b, a, 'u3', { messageType: 32, content: 'u1' }),
      });
      await fx.store.messages.append({ conversationId: c, message: msg(b, a, 'u4') });
      expect(await fx.store.messages.countUnread(c, 0, a, [2, 3])).toBe(2);
      expect(await fx.store.messages.countUnread(c, 1, a, [2, 3])).toBe(1);
      await fx.store.messages.markRecalled(c, 'u4');
      expect(await fx.store.messages.countUnread(c, 0, a, [2, 3])).toBe(1);
    });

    it('lists a user’s direct conversations with their peers and the given groups', async () => {
      const [a, b, c] = [`${fx.p}a`, `${fx.p}b`, `${fx.p}c`];
      await fx.store.messages.append({ conversationId: conv(a, b), message: msg(a, b, 'l1') });
      await fx.store.messages.append({ conversationId: conv(c, a), message: msg(c, a, 'l2') });
      await fx.store.messages.append({ conversationId: conv(c, a), message: msg(c, a, 'l3') });
      await fx.store.messages.append({
        conversationId: `g:${fx.p}g`,
        message: msg(a, `${fx.p}g`, 'l4', { fromType: 2 }),
      });
      const list = await fx.store.conversations.listForUser(a, [`${fx.p}g`, `${fx.p}empty`]);
      const byId = new Map(list.map((x) => [x.conversationId, x]));
      expect(byId.get(conv(a, b))).toMatchObject({ kind: 'direct', peerId: b, maxSeq: 1 });
      expect(byId.get(conv(a, c))).toMatchObject({ kind: 'direct', peerId: c, maxSeq: 2 });
      expect(byId.get(`g:${fx.p}g`)).toMatchObject({ kind: 'group', groupId: `${fx.p}g`, maxSeq: 1 });
      expect(byId.get(`g:${fx.p}empty`)).toMatchObject({ kind: 'group', groupId: `${fx.p}empty`, maxSeq: 0 });
      expect(list).toHaveLength(4);
      expect(await fx.store.conversations.listForUser(b, [])).toHaveLength(1);
    });

    it('moves read seqs and device cursors forward only', async () => {
      const c = conv(`${fx.p}a`, `${fx.p}b`);
      expect(await fx.store.conversations.setReadSeq(`${fx.p}a`, c, 5)).toBe(5);
      expect(await fx.store.conversations.setReadSeq(`${fx.p}a`, c, 3)).toBe(5);
      expect((await fx.store.conversations.readSeqs(`${fx.p}a`, [c, 'other'])).get(c)).toBe(5);
      expect((await fx.store.conversations.readSeqs(`${fx.p}b`, [c])).has(c)).toBe(false);
      const d = conv(`${fx.p}a`, `${fx.p}c`);
      await fx.store.conversations.setReadSeq(`${fx.p}c`, d, 7);
      const peers = await fx.store.conversations.readSeqsOf([
        { conversationId: c, userId: `${fx.p}a` },
        { conversationId: d, userId: `${fx.p}c` },
        { conversationId: conv(`${fx.p}a`, `${fx.p}z`), userId: `${fx.p}z` },
      ]);
      expect(peers).toEqual(
        new Map([
          [c, 5],
          [d, 7],
        ]),
      );
      expect(await fx.store.conversations.readSeqsOf([{ conversationId: c, userId: `${fx.p}b` }])).toEqual(new Map());
      expect(await fx.store.conversations.readSeqsOf([])).toEqual(new Map());
      await fx.store.cursors.advance(`${fx.p}a`, 'd1', c, 4);
      await fx.store.cursors.advance(`${fx.p}a`, 'd1', c, 2);
      await fx.store.cursors.advance(`${fx.p}a`, 'd2', c, 9);
      expect((await fx.store.cursors.get(`${fx.p}a`, 'd1', [c])).get(c)).toBe(4);
      expect((await fx.store.cursors.get(`${fx.p}a`, 'd2', [c])).get(c)).toBe(9);
      expect((await fx.store.cursors.get(`${fx.p}a`, 'd3', [c])).has(c)).toBe(false);
    });

    it('keeps a per-user mute setting apart from the read mark', async () => {
      const c = conv(`${fx.p}ma`, `${fx.p}mb`);
      expect(await fx.store.conversations.mutedAmong(c, [`${fx.p}ma`, `${fx.p}mb`])).toEqual(new Set());
      await fx.store.conversations.setReadSeq(`${fx.p}ma`, c, 4);
      await fx.store.conversations.setMuted(`${fx.p}ma`, c, true);
      await fx.store.conversations.setMuted(`${fx.p}ma`, c, true);
      expect(await fx.store.conversations.mutedAmong(c, [`${fx.p}ma`, `${fx.p}mb`])).toEqual(new Set([`${fx.p}ma`]));
      expect(await fx.store.conversations.mutedOf(`${fx.p}ma`)).toEqual([c]);
      expect((await fx.store.conversations.readSeqs(`${fx.p}ma`, [c])).get(c)).toBe(4);
      expect(await fx.store.conversations.setReadSeq(`${fx.p}ma`, c, 6)).toBe(6);
      await fx.store.conversations.setMuted(`${fx.p}mb`, c, true);
      expect((await fx.store.conversations.readSeqs(`${fx.p}mb`, [c])).get(c)).toBe(0);
      await fx.store.conversations.setMuted(`${fx.p}ma`, c, false);
      expect(await fx.store.conversations.mutedAmong(c, [`${fx.p}ma`, `${fx.p}mb`])).toEqual(new Set([`${fx.p}mb`]));
      expect(await fx.store.conversations.mutedOf(`${fx.p}ma`)).toEqual([]);
    });

    it('keeps blacklists one-way and friendships two-way', async () => {
      const [a, b] = [`${fx.p}a`, `${fx.p}b`];
      await fx.store.relations.block(a, b);
      await fx.store.relations.block(a, b);
      expect(await fx.store.relations.isBlocked(a, b)).toBe(true);
      expect(await fx.store.relations.isBlocked(b, a)).toBe(false);
      expect(await fx.store.relations.blocked(a)).toEqual([b]);
      await fx.store.relations.unblock(a, b);
      expect(await fx.store.relations.isBlocked(a, b)).toBe(false);
      await fx.store.relations.befriend(a, b);
      expect(await fx.store.relations.areFriends(b, a)).toBe(true);
      expect(await fx.store.relations.friends(a)).toEqual([b]);
      await fx.store.relations.unfriend(b, a);
      expect(await fx.store.relations.areFriends(a, b)).toBe(false);
    });

    it('keeps one pending friend request per direction; remove reports whether it existed', async () => {
      const [a, b, c] = [`${fx.p}a`, `${fx.p}b`, `${fx.p}c`];
      expect(await fx.store.friendRequests.get(a, b)).toBeUndefined();
      await fx.store.friendRequests.put({ fromId: a, toId: b, message: 'hi', createdAt: 10 });
      await fx.store.friendRequests.put({ fromId: a, toId: b, message: 'hi again', createdAt: 20 });
      await fx.store.friendRequests.put({ fromId: c, toId: b, message: '', createdAt: 15 });
      expect(await fx.store.friendRequests.get(a, b)).toEqual({
        fromId: a,
        toId: b,
        message: 'hi again',
        createdAt: 20,
      });
      expect(await fx.store.friendRequests.get(b, a)).toBeUndefined();
      expect((await fx.store.friendRequests.incoming(b)).map((r) => r.fromId)).toEqual([c, a]);
      expect(await fx.store.friendRequests.outgoing(a)).toEqual([
        { fromId: a, toId: b, message: 'hi again', createdAt: 20 },
      ]);
      expect(await fx.store.friendRequests.incoming(a)).toEqual([]);
      const removals = await Promise.all([fx.store.friendRequests.remove(a, b), fx.store.friendRequests.remove(a, b)]);
      expect(removals.filter(Boolean)).toHaveLength(1);
      expect(await fx.store.friendRequests.get(a, b)).toBeUndefined();
      expect((await fx.store.friendRequests.incoming(b)).map((r) => r.fromId)).toEqual([c]);
    });

    it('keeps a system conversation `s:<userId>` with its own seqs, out of the direct list', async () => {
      const a = `${fx.p}a`;
      const s = `s:${a}`;
      const first = await fx.store.messages.append({
        conversationId: s,
        message: msg('system', a, 'sys1', { fromType: 3, messageType: 11 }),
      });
      const second = await fx.store.messages.append({
        conversationId: s,
        message: msg(`${fx.p}b`, a, 'sys2', { messageType: 12 }),
      });
      expect([first.stored.seq, second.stored.seq]).toEqual([1, 2]);
      expect(await fx.store.conversations.maxSeq(s)).toBe(2);
      expect((await fx.store.messages.range(s, { afterSeq: 1, limit: 10 })).map((m) => m.message.msgId)).toEqual([
        'sys2',
      ]);
      expect(await fx.store.conversations.listForUser(a, [])).toEqual([]);
      expect(await fx.store.conversations.listForUser(`${fx.p}b`, [])).toEqual([]);
    });

    it('never matches an operator object smuggled in place of an id', async () => {
      const [a, b] = [`${fx.p}a`, `${fx.p}b`];
      await fx.store.relations.block(a, b);
      const injected = { $ne: null } as unknown as string;
      const outcome = await fx.store.relations.isBlocked(a, injected).then(
        (v) => v,
        () => 'rejected',
      );
      expect(outcome === false || outcome === 'rejected').toBe(true);
      const found = await fx.store.messages.findByMsgId(conv(a, b), injected).then(
        (v) => v,
        () => undefined,
      );
      expect(found).toBeUndefined();
    });

    it('answers ping', async () => {
      expect(await fx.store.ping()).toBe(true);
    });
  });
}
