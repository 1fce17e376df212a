import { fdatasync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './sqlite.database';
import type { Db } from './sqlite.database';
import { SqliteWriteBatcher } from './sqlite.write-batcher';

describe('SqliteWriteBatcher', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'im-batcher-'));
    db = openDatabase(join(dir, 'im.db'));
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a batch only after the WAL sync it started, and shares one sync between the commits made during it', async () => {
    const pending: (() => void)[] = [];
    const syncs: number[] = [];
    const recordingSync = ((fd: number, done: (err: NodeJS.ErrnoException | null) => void) => {
      syncs.push(fd);
      pending.push(() => fdatasync(fd, done));
    }) as typeof fdatasync;
    const writes = new SqliteWriteBatcher(db, recordingSync);
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    let answered = 0;
    const first = [writes.run(() => insert.run('a')), writes.run(() => insert.run('b'))].map((p) =>
      p.then(() => answered++),
    );
    await new Promise((r) => setImmediate(r));
    // Committed (a reader sees it), synced not yet: nobody is answered.
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2 });
    expect(syncs).toHaveLength(1);
    expect(answered).toBe(0);
    // Two more batches while the first sync runs: one sync after it covers both.
    const later = [writes.run(() => insert.run('c'))];
    await new Promise((r) => setImmediate(r));
    later.push(writes.run(() => insert.run('d')));
    await new Promise((r) => setImmediate(r));
    expect(syncs).toHaveLength(1);
    pending.shift()!();
    await Promise.all(first);
    expect(answered).toBe(2);
    await new Promise((r) => setImmediate(r));
    expect(syncs).toHaveLength(2);
    pending.shift()!();
    await Promise.all(later);
    // Writes outside the batcher still commit with FULL.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await writes.close();
  });

  it('runs each write of a failed batch alone, so only the bad one fails', async () => {
    const writes = new SqliteWriteBatcher(db);
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    const results = await Promise.allSettled([
      writes.run(() => insert.run('x')),
      writes.run(() => insert.run('x')),
      writes.run(() => insert.run('y')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT k FROM t ORDER BY k').all()).toEqual([{ k: 'x' }, { k: 'y' }]);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await writes.close();
  });
});
