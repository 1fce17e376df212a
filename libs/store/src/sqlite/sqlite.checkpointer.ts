import { Worker } from 'node:worker_threads';
import type { Db } from './sqlite.database';

/** How often the thread checkpoints, unless told otherwise. */
const CHECKPOINT_EVERY_MS = 1000;
/**
 * The event loop's connection checkpoints only past this many WAL pages (~200 MB): a safety net
 * for a thread that stopped or cannot keep up, never the normal path.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 50_000;
/** After a checkpoint the WAL file is cut back to this size when it grew past it. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** A process warning: the process logs it (`logProcessWarnings`). */
const warn = (message: string): void => process.emitWarning(message, 'SqliteCheckpointWarning');

/** The thread: its own connection, a PASSIVE checkpoint every `everyMs`, closed on 'close'. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_size_limit = ' + workerData.walSizeLimit);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message || e) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointerOptions {
  /** Between two checkpoints; default 1 s. */
  readonly everyMs?: number;
  /** Told of a failed checkpoint, or of the thread's end (the fallback then checkpoints on the event loop); default a process warning. */
  readonly onError?: (message: string) => void;
}

/**
 * WAL checkpoints in a thread of their own. A checkpoint copies the pages of the WAL into the
 * database file and syncs it. SQLite's automatic one runs inside a commit, on the committing
 * connection, every 1,000 pages: at the bench's peak (about two WAL pages per message) that is
 * tens of times a second, on the event loop, and a page changed by many commits is copied once
 * per checkpoint. The thread runs
 * a PASSIVE checkpoint (it never blocks the event loop's readers or writer) every second.
 * Durability is unchanged: commits are synced in the WAL before anyone is answered
 * (`SqliteWriteBatcher`); a checkpoint only moves synced pages.
 */
export class SqliteCheckpointer {
  private readonly thread: Worker;
  private readonly exited: Promise<unknown>;

  constructor(db: Db, options: CheckpointerOptions = {}) {
    const onError = options.onError ?? warn;
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    this.thread = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        file: db.name,
        driver: require.resolve('better-sqlite3'),
        everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
        walSizeLimit: WAL_SIZE_LIMIT_BYTES,
      },
    });
    this.thread.unref();
    this.exited = new Promise((r) => this.thread.once('exit', r));
    this.thread.on('message', (m: { error: string }) => onError(`WAL checkpoint failed: ${m.error}`));
    this.thread.on('error', (e) => onError(`the WAL checkpoint thread failed: ${e.message}`));
  }

  /** Stops the thread (the event loop's connection checkpoints when it closes). */
  async close(): Promise<void> {
    this.thread.postMessage('close');
    await this.exited;
  }
}
