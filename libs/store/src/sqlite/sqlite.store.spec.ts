import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushDeviceContract } from '../testing/push-device.contract';
import { storeContract } from '../testing/store.contract';
import { userContract } from '../testing/user.contract';
import { backendRequests } from '@im/common';
import { SqliteCheckpointer } from './sqlite.checkpointer';
import { openDatabase } from './sqlite.database';
import { SqliteMessageRepository } from './message.sqlite-repository';
import { SqliteStore } from './sqlite.store';
import { SqliteWriteBatcher } from './sqlite.write-batcher';

const dir = mkdtempSync(join(tmpdir(), 'im-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SqliteStore', () => Promise.resolve(new SqliteStore(join(dir, 'contract.db'))));
pushDeviceContract('SqliteStore', () => Promise.resolve(new SqliteStore(join(dir, 'push.db'))));

describe(SqliteStore.name, () => {
  it('keeps messages, seqs and cursors across a reopen of the file', async () => {
    const file = join(dir, 'reopen.db');
    const s1 = new SqliteStore(file);
    const message = {
      msgId: 'm1',
      fromId: 'a',
      destId: 'b',
      fromType: 1 as const,
      fromName: 'a',
      imageIconUrl: '',
      content: 'hi',
      messageType: 2 as const,
      sendTime: 1,
    };
    await s1.messages.append({ conversationId: 'p:a:b', message });
    await s1.cursors.advance('b', 'd', 'p:a:b', 1);
    await s1.close();
    const s2 = new SqliteStore(file);
    const r = await s2.messages.append({ conversationId: 'p:a:b', message: { ...message, msgId: 'm2' } });
    expect(r.stored.seq).toBe(2);
    expect((await s2.cursors.get('b', 'd', ['p:a:b'])).get('p:a:b')).toBe(1);
    await s2.close();
  });

  it('answers the msgId lookups of one turn of the event loop with one statement, each with its own message', async () => {
    const store = new SqliteStore(join(dir, 'lookups.db'));
    const message = (msgId: string, destId: string) => ({
      msgId,
      fromId: 'a',
      destId,
      fromType: 1 as const,
      fromName: 'a',
      imageIconUrl: '',
      content: `to ${destId}`,
      messageType: 2 as const,
      sendTime: 1,
    });
    await store.messages.append({ conversationId: 'p:a:b', message: message('same', 'b') });
    await store.messages.append({ conversationId: 'p:a:c', message: message('same', 'c') });
    await store.messages.append({ conversationId: 'p:a:c', message: message('other', 'c') });
    const before = backendRequests.store;
    const found = await Promise.all([
      store.messages.findByMsgId('p:a:b', 'same'),
      store.messages.findByMsgId('p:a:c', 'same'),
      store.messages.findByMsgId('p:a:c', 'other'),
      store.messages.findByMsgId('p:a:b', 'other'),
      store.messages.findByMsgId('p:a:c', 'same'),
    ]);
    expect(backendRequests.store - before).toBe(1);
    expect(found.map((m) => m && `${m.conversationId} ${m.seq} ${String(m.message.content)}`)).toEqual([
      'p:a:b 1 to b',
      'p:a:c 1 to c',
      'p:a:c 2 to c',
      undefined,
      'p:a:c 1 to c',
    ]);
    expect((await store.messages.findByMsgId('p:a:c', 'other'))?.seq).toBe(2);
    await store.close();
  });
});
describe(SqliteCheckpointer.name, () => {
  const message = (i: number) => ({
    msgId: `m${i}`,
    fromId: 'a',
    destId: 'b',
    fromType: 1 as const,
    fromName: 'a',
    imageIconUrl: '',
    content: `message ${i} `.repeat(20),
    messageType: 2 as const,
    sendTime: i,
  });
  /** About 2,000 messages of ~300 bytes over 20 conversations: over a thousand WAL pages. */
  async function writeManyPages(repo: SqliteMessageRepository): Promise<void> {
    for (let round = 0; round < 10; round++) {
      await repo.appendBatch(
        Array.from({ length: 200 }, (_, i) => ({
          conversationId: `p:a:b${i % 20}`,
          message: message(round * 200 + i),
        })),
      );
    }
  }
  function open(name: string, everyMs: number) {
    const file = join(dir, name);
    const db = openDatabase(file);
    const writes = new SqliteWriteBatcher(db);
    const checkpointer = new SqliteCheckpointer(db, { everyMs });
    const repo = new SqliteMessageRepository(db, writes);
    const close = async () => {
      await writes.close();
      await checkpointer.close();
      db.close();
    };
    return { file, repo, close };
  }

  it("keeps checkpoints out of the event loop's commits: past 1,000 WAL pages the database file has not grown", async () => {
    const { file, repo, close } = open('no-checkpoint-at-commit.db', 60_000);
    const before = statSync(file).size;
    await writeManyPages(repo);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1000 * 4096);
    // SQLite's own checkpoint (every 1,000 pages, at a commit) would have copied them by now.
    expect(statSync(file).size).toBe(before);
    await close();
  });

  it('copies the WAL into the database file from its own thread', async () => {
    const { file, repo, close } = open('checkpoint-thread.db', 50);
    await writeManyPages(repo);
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < 400_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(400_000);
    const [first] = await repo.range('p:a:b7', { afterSeq: 0, limit: 1, from: 'oldest' });
    expect(first?.message.msgId).toBe('m7');
    await close();
  });
});

userContract('SqliteStore', () => Promise.resolve(new SqliteStore(join(dir, 'users.db'))));
