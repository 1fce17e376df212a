// The MongoDB implementation of the Store port against a real server (FerretDB v1.24.2 in the
// test infrastructure; the same code runs on MongoDB 7): the contract every Store passes, plus
// what only a real server shows (indexes, reconnects, races, content round trips).
//   bash test/infra/infra.sh up ferretdb
//   IM_TEST_NO_INFRA=1 IM_TEST_MONGO_URL=mongodb://127.0.0.1:27027/im_test npx jest test/cluster/mongo-store.test.ts
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createLogger } from '@im/common';
import type { ImMessage } from '@im/protocol';
import { MongoStore } from '@im/store';
import { pushDeviceContract, storeContract, userContract } from '@im/store/testing';

const MONGO_URL = process.env.IM_TEST_MONGO_URL;
if (!MONGO_URL) {
  throw new Error(
    'IM_TEST_MONGO_URL is not set: these tests need a real MongoDB-compatible server (FerretDB). Start the servers with: bash test/infra/infra.sh up all',
  );
}
const baseUrl: string = MONGO_URL;

/** The same server, another database: every run (and every suite here) writes only its own. */
function urlFor(db: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?(\?.*)?$/.exec(baseUrl);
  if (!match) throw new Error(`IM_TEST_MONGO_URL is not a mongodb:// URL: ${baseUrl}`);
  return `${match[1]}/${db}${match[3] ?? ''}`;
}

const RUN = randomUUID().slice(0, 8);
const CONTRACT_DB = `im_contract_${RUN}`;
const SPECIFIC_DB = `im_mongo_${RUN}`;
const EMPTY_DB = `im_empty_${RUN}`;
const silent = createLogger({ service: 'test', level: 'silent' });

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

afterAll(async () => {
  const admin = mongoose.createConnection(urlFor(CONTRACT_DB));
  await admin.asPromise();
  for (const db of [CONTRACT_DB, SPECIFIC_DB, EMPTY_DB]) await admin.useDb(db).dropDatabase();
  await admin.close();
});

storeContract('MongoStore', () => MongoStore.connect(urlFor(CONTRACT_DB), { logger: silent }));
pushDeviceContract('MongoStore', () => MongoStore.connect(urlFor(CONTRACT_DB), { logger: silent }));
userContract('MongoStore', () => MongoStore.connect(urlFor(CONTRACT_DB), { logger: silent }));

describe('MongoStore on a real server', () => {
  let store: MongoStore;
  let p: string;
  const conv = (a: string, b: string): string => `p:${[a, b].sort().join(':')}`;
  const collection = (name: string) => {
    const db = store.connection.db;
    if (db === undefined) throw new Error('not connected');
    return db.collection(name);
  };

  beforeAll(async () => {
    store = await MongoStore.connect(urlFor(SPECIFIC_DB), { logger: silent });
  });
  afterAll(() => store.close());
  beforeEach(() => {
    p = `t${randomUUID().slice(0, 8)}`;
  });

  it('builds the unique indexes the port’s promises rest on', async () => {
    const uniques = async (name: string): Promise<string[]> =>
      (await collection(name).indexes()).filter((i) => i.unique === true).map((i) => Object.keys(i.key).join(','));
    expect(await uniques('messages')).toEqual(expect.arrayContaining(['conversationId,msgId', 'conversationId,seq']));
    expect(await uniques('read_states')).toContain('userId,conversationId');
    expect(await uniques('device_cursors')).toContain('userId,deviceId,conversationId');
    expect(await uniques('group_members')).toContain('groupId,userId');
    expect(await uniques('blacklist')).toContain('ownerId,blockedId');
    expect(await uniques('friendships')).toContain('userId,friendId');
    const keys = async (name: string): Promise<string[]> =>
      (await collection(name).indexes()).map((i) => Object.keys(i.key).join(','));
    expect(await keys('conversations')).toContain('members');
    expect(await keys('group_members')).toContain('userId,groupId');
  });

  it('refuses, at the index, a second message with a taken seq or a taken msgId', async () => {
    const c = conv(`${p}a`, `${p}b`);
    await store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, 'first') });
    const raw = { conversationId: c, fromId: `${p}a`, messageType: 2, recalled: false, message: {} };
    await expect(
      collection('messages').insertOne({ ...raw, _id: randomUUID() as never, msgId: 'other', seq: 1 }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(
      collection('messages').insertOne({ ...raw, _id: randomUUID() as never, msgId: 'first', seq: 99 }),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await store.messages.range(c, { limit: 10 })).toHaveLength(1);
  });

  it('has sanitizeFilter on: an operator object in a filter is compared, never applied', async () => {
    await store.relations.block(`${p}a`, `${p}b`);
    const injected = store.connection
      .model('Block')
      .findOne({ ownerId: { $ne: null } })
      .lean()
      .exec();
    const outcome = await injected.then(
      (v) => v,
      () => 'rejected',
    );
    expect(outcome === null || outcome === 'rejected').toBe(true);
    await expect(store.cursors.advance(`${p}a`, { $gt: '' } as unknown as string, 'c', 1)).rejects.toThrow(TypeError);
    await expect(store.conversations.setReadSeq(`${p}a`, 'c', { $inc: 1 } as unknown as number)).rejects.toThrow(
      TypeError,
    );
  });

  it('returns the wire message exactly as given: nested content, dotted keys, nested arrays; no _id or __v', async () => {
    const c = conv(`${p}a`, `${p}b`);
    const contents: unknown[] = [
      { url: 'u', meta: { list: [1, 2.5, { deep: { deeper: [true, null, 'ü😀'] } }], empty: {}, none: [] } },
      { 'a.b': 1, nested: { 'c.d': [1] } },
      { grid: [[1, 2], [3]] },
      '{"a":{"b":1}}',
    ];
    for (const [i, content] of contents.entries()) {
      const message = msg(`${p}a`, `${p}b`, `rt${i}`, { messageType: 3, content, devType: 3, status: 0 });
      const { stored } = await store.messages.append({ conversationId: c, message, senderDeviceId: 'd1' });
      const found = await store.messages.findByMsgId(c, `rt${i}`);
      expect(found).toEqual({
        conversationId: c,
        seq: stored.seq,
        message: { ...message, seq: stored.seq },
        recalled: false,
        senderDeviceId: 'd1',
      });
      expect(JSON.stringify(found)).not.toMatch(/"_id"|"__v"/);
    }
    const listed = await store.messages.range(c, { limit: 10 });
    expect(listed.map((m) => m.message.content)).toEqual(contents);
    expect(JSON.stringify(listed)).not.toMatch(/"_id"|"__v"|contentJson|"wire"/);
    // Stored as JSON text, one field, next to the fields queries filter on.
    const raw = await collection('messages').findOne({ conversationId: c, msgId: 'rt1' });
    expect(raw).toMatchObject({ msgId: 'rt1', seq: 2, fromId: `${p}a`, messageType: 3, recalled: false });
    expect(JSON.parse(String(raw?.['wire']))).toEqual({
      ...msg(`${p}a`, `${p}b`, 'rt1', { messageType: 3, content: contents[1], devType: 3, status: 0 }),
      seq: 2,
    });
    expect(raw).not.toHaveProperty('message');
  });

  it('reads messages stored before the wire message was JSON text (a sub-document, content JSON text when not native)', async () => {
    const c = conv(`${p}old`, `${p}b`);
    const wire = (msgId: string, seq: number, content: unknown) => ({
      ...msg(`${p}old`, `${p}b`, msgId, { messageType: 3, content, devType: 3, status: 0 }),
      seq,
    });
    const doc = (msgId: string, seq: number) => ({
      _id: JSON.stringify([c, msgId]) as never, // naturalKey(conversationId, msgId), mongo.ids.ts
      conversationId: c,
      msgId,
      seq,
      fromId: `${p}old`,
      messageType: 3,
      recalled: false,
      senderDeviceId: 'd1',
    });
    const { content: _dropped, ...withoutContent } = wire('dotted', 2, null);
    await collection('messages').insertMany([
      { ...doc('native', 1), message: wire('native', 1, { url: 'u', list: [1, { deep: true }] }) },
      { ...doc('dotted', 2), message: withoutContent, contentJson: JSON.stringify({ 'a.b': [[1], [2]] }) },
    ]);
    const listed = await store.messages.range(c, { limit: 10 });
    expect(listed.map((m) => m.message)).toEqual([
      wire('native', 1, { url: 'u', list: [1, { deep: true }] }),
      wire('dotted', 2, { 'a.b': [[1], [2]] }),
    ]);
    expect((await store.messages.findByMsgId(c, 'dotted'))?.message.content).toEqual({ 'a.b': [[1], [2]] });
  });

  it('gives distinct seqs to concurrent appends from several processes to one conversation', async () => {
    // Three stores = three connections, as three message-service processes would have. On
    // FerretDB their seq counter updates race (its findAndModify is not atomic): the unique
    // (conversationId, seq) index and the retry keep every seq distinct.
    const c = conv(`${p}a`, `${p}b`);
    const others = await Promise.all(
      [1, 2].map(() => MongoStore.connect(urlFor(SPECIFIC_DB), { logger: silent, autoIndex: false })),
    );
    try {
      const stores = [store, ...others];
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          stores[i % 3]!.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, `k${i}`) }),
        ),
      );
      expect(new Set(results.map((r) => r.stored.seq)).size).toBe(60);
      expect(results.every((r) => !r.duplicate)).toBe(true);
      const repeats = await Promise.all(
        stores.map((s) => s.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, 'k0') })),
      );
      expect(repeats.every((r) => r.duplicate && r.stored.seq === results[0]?.stored.seq)).toBe(true);
    } finally {
      await Promise.all(others.map((s) => s.close()));
    }
    const all = await store.messages.range(c, { limit: 1000 });
    expect(all).toHaveLength(60);
    const last = all[all.length - 1]?.seq ?? Infinity;
    const next = await store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, 'after') });
    expect(next.stored.seq).toBeGreaterThan(last);
  });

  it('within one process, hands out seqs in completion order with no gaps between new messages', async () => {
    const c = conv(`${p}a`, `${p}b`);
    const ids = Array.from({ length: 20 }, (_, i) => `q${i}`);
    const results = await Promise.all(
      ids.map((id) => store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, id) })),
    );
    expect(results.map((r) => r.stored.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.conversations.maxSeq(c)).toBe(20);
  });

  it('stores concurrent repeats once; each repeat may burn a seq (insert-first), never reuse one', async () => {
    const c = conv(`${p}a`, `${p}b`);
    const ids = Array.from({ length: 40 }, (_, i) => `q${i % 20}`);
    const results = await Promise.all(
      ids.map((id) => store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, id) })),
    );
    const fresh = results.filter((r) => !r.duplicate).map((r) => r.stored.seq);
    expect(fresh).toHaveLength(20);
    expect(new Set(fresh).size).toBe(20);
    expect(fresh).toEqual([...fresh].sort((a, b) => a - b));
    for (const r of results)
      expect(r.stored.seq).toBe(
        results.find((x) => x.stored.message.msgId === r.stored.message.msgId && !x.duplicate)?.stored.seq,
      );
    expect(await store.conversations.maxSeq(c)).toBeLessThanOrEqual(40);
  });

  it('gathers concurrent appends to many conversations into shared inserts, each with its own outcome (new, repeat, repeat of a stored one)', async () => {
    const convs = Array.from({ length: 60 }, (_, i) => conv(`${p}a${i}`, `${p}b${i}`));
    const first = await store.messages.append({
      conversationId: convs[0] as string,
      message: msg(`${p}a0`, `${p}b0`, 'early'),
    });
    const inputs = convs.flatMap((c, i) => [
      { conversationId: c, message: msg(`${p}a${i}`, `${p}b${i}`, 'one') },
      { conversationId: c, message: msg(`${p}a${i}`, `${p}b${i}`, i % 3 === 0 ? 'one' : 'two') },
    ]);
    inputs.push({ conversationId: convs[0] as string, message: msg(`${p}a0`, `${p}b0`, 'early') });
    const results = await Promise.all(inputs.map((x) => store.messages.append(x)));
    expect(results.at(-1)).toMatchObject({ duplicate: true, stored: { seq: first.stored.seq } });
    for (const [i, c] of convs.entries()) {
      const stored = await store.messages.range(c, { limit: 10 });
      expect(stored.map((m) => m.message.msgId).sort()).toEqual(
        i === 0 ? ['early', 'one'] : i % 3 === 0 ? ['one'] : ['one', 'two'],
      );
      expect(new Set(stored.map((m) => m.seq)).size).toBe(stored.length);
    }
    expect(results.filter((r) => r.duplicate)).toHaveLength(21);
  });

  it('after a crash between a batch insert and its counter advance, the redelivered message moves the counter up to its stored copy before it is answered', async () => {
    const c = conv(`${p}a`, `${p}b`);
    const m = (id: string): { conversationId: string; message: ImMessage & { sendTime: number } } => ({
      conversationId: c,
      message: msg(`${p}a`, `${p}b`, id),
    });
    // The first owner of the partition: one batch fully written (seq 1, counter 1), then one
    // whose counter advance fails after its insert landed (seqs 2 and 3 stored, counter still 1).
    const first = await MongoStore.connect(urlFor(SPECIFIC_DB), { logger: silent });
    const counters = (
      first.messages as unknown as { batches: { conversations: { bulkWrite: (...a: unknown[]) => Promise<unknown> } } }
    ).batches.conversations;
    try {
      expect((await first.messages.appendBatch([m('x1')])).map((r) => r.stored.seq)).toEqual([1]);
      const real = counters.bulkWrite.bind(counters);
      counters.bulkWrite = async () => {
        await new Promise((r) => setTimeout(r, 200)); // the insert lands first
        throw Object.assign(new Error('connection 7 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' });
      };
      await expect(first.messages.appendBatch([m('x2'), m('x3')])).rejects.toThrow('closed');
      counters.bulkWrite = real;
    } finally {
      await first.close();
    }
    expect((await store.messages.range(c, { limit: 10 })).map((x) => [x.message.msgId, x.seq])).toEqual([
      ['x1', 1],
      ['x2', 2],
      ['x3', 3],
    ]);
    expect(await store.conversations.maxSeq(c)).toBe(1);
    // The next owner gets x3 again (not committed): numbered 2 from the counter, it is the copy at 3.
    const next = await MongoStore.connect(urlFor(SPECIFIC_DB), { logger: silent });
    try {
      const [again] = await next.messages.appendBatch([m('x3')]);
      expect([again?.duplicate, again?.stored.seq]).toEqual([true, 3]);
      expect(await store.conversations.maxSeq(c)).toBe(3);
      // x2 was never delivered either; a new message comes after both.
      const [x4] = await next.messages.appendBatch([m('x4')]);
      expect([x4?.duplicate, x4?.stored.seq]).toEqual([false, 4]);
      expect(await store.conversations.maxSeq(c)).toBe(4);
    } finally {
      await next.close();
    }
  });

  it('takes a batch-inserted document for written only when the inserted count of the server says so: otherwise it reads the batch back and stores a missing one under a new seq', async () => {
    // Fault injection at the driver: the first batch insert silently loses one document (what a
    // server answering {n: 1} for 2 documents and no write error would do); the count is the
    // server's own answer for what it really got.
    const driver = (
      store.messages as unknown as {
        collection: { insertMany: (docs: { msgId: string }[], o: object) => Promise<unknown> };
      }
    ).collection;
    const real = driver.insertMany.bind(driver);
    let dropped: string | undefined;
    driver.insertMany = async (docs, options) => {
      if (dropped !== undefined || docs.length < 2) return real(docs, options);
      dropped = docs[docs.length - 1]?.msgId;
      return real(docs.slice(0, -1), options);
    };
    try {
      // Appends to different conversations run side by side, so their inserts share one batch.
      const ids = Array.from({ length: 12 }, (_, i) => `lost${i}`);
      const convOf = (id: string): string => conv(`${p}a`, `${p}${id}`);
      const results = await Promise.all(
        ids.map((id) => store.messages.append({ conversationId: convOf(id), message: msg(`${p}a`, `${p}${id}`, id) })),
      );
      expect(ids).toContain(dropped);
      for (const [i, id] of ids.entries()) {
        const stored = await store.messages.range(convOf(id), { limit: 10 });
        expect(stored.map((m) => m.message.msgId)).toEqual([id]);
        expect(results[i]?.stored.seq).toBe(stored[0]?.seq);
      }
      // The lost one's first seq is burned: a gap, never a repeat.
      expect(results.find((r) => r.stored.message.msgId === dropped)?.stored.seq).toBe(2);
    } finally {
      driver.insertMany = real;
    }
  });

  it('answers concurrent blacklist checks from one shared read, each for its own pair', async () => {
    await store.relations.block(`${p}x`, `${p}y`);
    await store.relations.block(`${p}y`, `${p}z`);
    const pairs: [string, string][] = [
      [`${p}x`, `${p}y`],
      [`${p}y`, `${p}x`],
      [`${p}y`, `${p}z`],
      [`${p}x`, `${p}z`],
      [`${p}x`, `${p}y`],
    ];
    expect(await Promise.all(pairs.map(([a, b]) => store.relations.isBlocked(a, b)))).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it('never moves a read mark or cursor back under concurrent writes from one process', async () => {
    const c = conv(`${p}a`, `${p}b`);
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    await Promise.all(
      values.flatMap((v) => [
        store.conversations.setReadSeq(`${p}a`, c, v),
        store.cursors.advance(`${p}a`, 'd1', c, v),
      ]),
    );
    expect((await store.conversations.readSeqs(`${p}a`, [c])).get(c)).toBe(20);
    expect((await store.cursors.get(`${p}a`, 'd1', [c])).get(c)).toBe(20);
  });

  it('writes 400 cursors at once in commands of at most 8 updates, at most 48 update statements in flight, and FerretDB v1 keeps answering (one command of 300 matched updates hung it for good)', async () => {
    const cursors = (seq: number) =>
      Array.from({ length: 400 }, (_, i) => ({ userId: `${p}u${i}`, deviceId: 'd', conversationId: `${p}c`, seq }));
    const sizes: number[] = [];
    const running = new Map<number, number>();
    let inFlight = 0;
    let peak = 0;
    const started = (e: { commandName: string; requestId: number; command: { updates?: unknown[] } }): void => {
      if (e.commandName !== 'update') return;
      const n = e.command.updates?.length ?? 0;
      sizes.push(n);
      running.set(e.requestId, n);
      inFlight += n;
      peak = Math.max(peak, inFlight);
    };
    const ended = (e: { requestId: number }): void => {
      inFlight -= running.get(e.requestId) ?? 0;
      running.delete(e.requestId);
    };
    const client = store.connection.getClient();
    client.on('commandStarted', started);
    client.on('commandSucceeded', ended);
    client.on('commandFailed', ended);
    try {
      await store.cursors.advanceMany(cursors(1)); // inserts
      await store.cursors.advanceMany(cursors(2)); // every statement matches a document
    } finally {
      client.off('commandStarted', started);
      client.off('commandSucceeded', ended);
      client.off('commandFailed', ended);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(800);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
    // Side by side (faster on FerretDB), but never more than the process budget at once.
    expect(peak).toBeGreaterThan(8);
    expect(peak).toBeLessThanOrEqual(48);
    expect((await store.cursors.get(`${p}u399`, 'd', [`${p}c`])).get(`${p}c`)).toBe(2);
  });

  it('finishes a group whose creation stopped after the group document, on the retry', async () => {
    const groupId = `${p}g`;
    await collection('groups').insertOne({
      _id: groupId as never,
      name: 'Half',
      ownerId: `${p}a`,
      createdAt: 1,
      pendingMembers: [
        { userId: `${p}a`, role: 'owner' },
        { userId: `${p}b`, role: 'member' },
      ],
    });
    expect(
      await store.groups.create({ groupId, name: 'Retry', ownerId: `${p}a`, createdAt: 2 }, [
        { userId: `${p}z`, role: 'member' },
      ]),
    ).toBe(false);
    expect((await store.groups.members(groupId)).map((m) => m.userId)).toEqual([`${p}a`, `${p}b`]);
    expect(await store.groups.get(groupId)).toEqual({
      groupId,
      name: 'Half',
      ownerId: `${p}a`,
      createdAt: 1,
      dismissed: false,
      muted: false,
      joinPolicy: 'approval',
    });
    expect(await collection('groups').findOne({ _id: groupId as never })).not.toHaveProperty('pendingMembers');
  });

  it('keeps messages, seqs, cursors, groups and relations across a reconnect', async () => {
    const c = conv(`${p}a`, `${p}b`);
    await store.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, 'm1') });
    await store.cursors.advance(`${p}b`, 'd', c, 1);
    await store.conversations.setReadSeq(`${p}b`, c, 1);
    await store.groups.create({ groupId: `${p}g`, name: 'G', ownerId: `${p}a`, createdAt: 1 }, [
      { userId: `${p}a`, role: 'owner' },
    ]);
    await store.relations.block(`${p}b`, `${p}c`);
    const again = await MongoStore.connect(urlFor(SPECIFIC_DB), { logger: silent, autoIndex: false });
    try {
      expect(
        (await again.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, 'm2') })).stored.seq,
      ).toBe(2);
      expect((await again.messages.append({ conversationId: c, message: msg(`${p}a`, `${p}b`, 'm1') })).duplicate).toBe(
        true,
      );
      expect((await again.cursors.get(`${p}b`, 'd', [c])).get(c)).toBe(1);
      expect((await again.conversations.readSeqs(`${p}b`, [c])).get(c)).toBe(1);
      expect(await again.groups.member(`${p}g`, `${p}a`)).toMatchObject({ role: 'owner' });
      expect(await again.relations.isBlocked(`${p}b`, `${p}c`)).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('with autoIndex false, refuses to start on a database that lacks the indexes', async () => {
    await expect(MongoStore.connect(urlFor(EMPTY_DB), { logger: silent, autoIndex: false })).rejects.toThrow(
      /lacks the index/,
    );
  });

  it('answers ping false once closed', async () => {
    const other = await MongoStore.connect(urlFor(SPECIFIC_DB), { logger: silent });
    expect(await other.ping()).toBe(true);
    await other.close();
    expect(await other.ping()).toBe(false);
  });
});
