import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Db } from './sqlite.database';

interface Job {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit, with the disk sync off the event loop.
 *
 * - Writes queued in one turn of the event loop run in one transaction, so one sync covers
 *   them all. If one write of a batch fails, the batch is rolled back and each write runs
 *   alone, so only the bad one fails.
 * - The database runs with `synchronous=FULL` (every commit syncs the WAL before it returns),
 *   except these transactions: they commit with `synchronous=NORMAL` (no sync; the commit is
 *   in the WAL, which survives a crash of the process), then the WAL file is `fdatasync`ed in
 *   libuv's thread pool, and only then do the callers' promises resolve. So an
 *   acknowledgement still means "on disk", as with FULL, but the event loop serves other
 *   sockets during the sync (it took 1.5 of the 2 ms of a commit on this machine). One sync
 *   runs at a time; commits made during it share the next one.
 * - What NORMAL changes: a reader in this process may see a batch before its sync finished
 *   (a history read, say); if the machine (not the process) lost power in that window, that
 *   batch would be gone, and it was never acknowledged. Checkpoints stay safe: in WAL mode
 *   with NORMAL, SQLite syncs the WAL before a checkpoint and the database file after it.
 * - An in-memory database (tests) has no WAL file: its writes resolve at commit.
 */
export class SqliteWriteBatcher {
  private queue: Job[] = [];
  private walFd: number | undefined;
  private syncing: Promise<void> | undefined;
  private nextSync: Promise<void> | undefined;

  /** `syncFile`: `fs.fdatasync` (a test passes its own to see when the callers are answered). */
  constructor(
    private readonly db: Db,
    private readonly syncFile: typeof fdatasync = fdatasync,
  ) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Waits for the syncs under way, then closes the WAL file (the database is closed by its owner). */
  async close(): Promise<void> {
    await (this.nextSync ?? this.syncing)?.catch(() => undefined);
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (!this.db.open) {
      for (const job of batch) job.reject(new Error('the database is closed'));
      return;
    }
    const wal = this.walFile();
    let results: unknown[];
    if (wal !== undefined) this.db.pragma('synchronous = NORMAL');
    try {
      results = this.db.transaction(() => batch.map((job) => job.work()))();
    } catch {
      if (wal !== undefined) this.db.pragma('synchronous = FULL');
      for (const job of batch) this.runAlone(job);
      return;
    }
    if (wal === undefined) {
      batch.forEach((job, i) => job.resolve(results[i]));
      return;
    }
    this.db.pragma('synchronous = FULL');
    this.syncWal(wal).then(
      () => batch.forEach((job, i) => job.resolve(results[i])),
      (err: unknown) => batch.forEach((job) => job.reject(err)),
    );
  }

  /** Runs alone with FULL: its commit is synced before it returns. */
  private runAlone(job: Job): void {
    try {
      job.resolve(this.db.transaction(job.work)());
    } catch (e) {
      job.reject(e);
    }
  }

  /** The WAL file's descriptor, opened at first use; undefined for an in-memory database. */
  private walFile(): number | undefined {
    if (this.walFd === undefined && !this.db.memory) {
      try {
        this.walFd = openSync(`${this.db.name}-wal`, 'r');
      } catch {
        return undefined; // no WAL file yet: this batch commits with FULL
      }
    }
    return this.walFd;
  }

  /** A sync of the WAL that starts after this call: the running one if none is, else the next. */
  private syncWal(fd: number): Promise<void> {
    if (this.syncing === undefined) {
      this.syncing = this.fdatasync(fd);
      return this.syncing;
    }
    this.nextSync ??= this.syncing
      .catch(() => undefined)
      .then(() => {
        this.nextSync = undefined;
        this.syncing = this.fdatasync(fd);
        return this.syncing;
      });
    return this.nextSync;
  }

  private fdatasync(fd: number): Promise<void> {
    const done: Promise<void> = new Promise<void>((resolve, reject) =>
      this.syncFile(fd, (err) => (err ? reject(err) : resolve())),
    ).finally(() => {
      if (this.syncing === done) this.syncing = undefined;
    });
    return done;
  }
}
