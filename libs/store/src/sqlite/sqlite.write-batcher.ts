import type { Db } from './sqlite.database';

interface Job {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit. With `synchronous=FULL` every commit is an fsync; writes queued in one turn of
 * the event loop run in one transaction instead, so one fsync covers them all. Each caller's
 * promise resolves only after that commit, so an acknowledgement still means "on disk". If one
 * write of a batch fails, the batch is rolled back and each write runs alone, so only the bad
 * one fails.
 */
export class SqliteWriteBatcher {
  private queue: Job[] = [];

  constructor(private readonly db: Db) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (!this.db.open) {
      for (const job of batch) job.reject(new Error('the database is closed'));
      return;
    }
    let results: unknown[];
    try {
      results = this.db.transaction(() => batch.map((job) => job.work()))();
    } catch {
      for (const job of batch) this.runAlone(job);
      return;
    }
    batch.forEach((job, i) => job.resolve(results[i]));
  }

  private runAlone(job: Job): void {
    try {
      job.resolve(this.db.transaction(job.work)());
    } catch (e) {
      job.reject(e);
    }
  }
}
