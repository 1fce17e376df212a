import Database from 'better-sqlite3';
import { backendRequests } from '@im/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SQLITE_MIGRATIONS } from './sqlite.schema';

export type Db = Database.Database;

/**
 * Opens (creating when missing) the embedded database file. WAL with synchronous=FULL: a
 * message acknowledged to its sender survives a crash of the process or the machine (the group
 * commit of `SqliteWriteBatcher` keeps that with its own sync, off the event loop).
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { verbose: () => void backendRequests.store++ });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Savepoints (a batch inside the group commit) journal each page they change: in memory, not
  // in a temporary file (that file took half the system time of appending messages).
  db.pragma('temp_store = MEMORY');
  migrate(db);
  cachePreparedStatements(db);
  return db;
}

/**
 * `db.prepare(sql)` returns the same statement for the same SQL text: the repositories prepare
 * their statements inline, and compiling one per call cost ~2 % of the embedded server's CPU on
 * the hot path (the blacklist check of every message). Statements are only used synchronously
 * (`get`, `all`, `run`), never kept iterating, so one per SQL text is safe. At most 500 are kept.
 */
function cachePreparedStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      // SQL built with a variable number of placeholders must not grow the cache for ever.
      if (cache.size < 500) cache.set(sql, statement);
    }
    return statement;
  }) as Db['prepare'];
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < SQLITE_MIGRATIONS.length; v++) {
    const sql = SQLITE_MIGRATIONS[v] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
