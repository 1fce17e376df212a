import type { Store } from '../store.port';
import { SqliteConversationRepository } from './conversation.sqlite-repository';
import { SqliteCursorRepository } from './cursor.sqlite-repository';
import { SqliteGroupRepository } from './group.sqlite-repository';
import { SqliteMessageRepository } from './message.sqlite-repository';
import { SqliteRelationRepository } from './relation.sqlite-repository';
import { openDatabase } from './sqlite.database';
import type { Db } from './sqlite.database';

/** The embedded store: one SQLite file (better-sqlite3), nothing to install. */
export class SqliteStore implements Store {
  readonly messages: SqliteMessageRepository;
  readonly conversations: SqliteConversationRepository;
  readonly cursors: SqliteCursorRepository;
  readonly groups: SqliteGroupRepository;
  readonly relations: SqliteRelationRepository;
  private readonly db: Db;

  constructor(file: string) {
    this.db = openDatabase(file);
    this.messages = new SqliteMessageRepository(this.db);
    this.conversations = new SqliteConversationRepository(this.db);
    this.cursors = new SqliteCursorRepository(this.db);
    this.groups = new SqliteGroupRepository(this.db);
    this.relations = new SqliteRelationRepository(this.db);
  }

  async ping(): Promise<boolean> {
    return this.db.open;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    return ;
  }
}
