import type { Store } from '../store.port';
import { SqliteConversationRepository } from './conversation.sqlite-repository';
import { SqliteCursorRepository } from './cursor.sqlite-repository';
import { SqliteFriendRequestRepository } from './friend-request.sqlite-repository';
import { SqliteGroupRepository } from './group.sqlite-repository';
import {
  SqliteCollectionRepository,
  SqliteLedgerRepository,
  SqliteRedPacketRepository,
  SqliteTransferRepository,
} from './money.sqlite-repository';
import { SqliteMessageRepository } from './message.sqlite-repository';
import { SqlitePushDeviceRepository } from './push-device.sqlite-repository';
import { SqliteRelationRepository } from './relation.sqlite-repository';
import { SqliteRequestIdRepository } from './request-id.sqlite-repository';
import { SqliteUserRepository } from './user.sqlite-repository';
import { openDatabase } from './sqlite.database';
import type { Db } from './sqlite.database';
import { SqliteWriteBatcher } from './sqlite.write-batcher';

/** The embedded store: one SQLite file (better-sqlite3), nothing to install. */
export class SqliteStore implements Store {
  readonly messages: SqliteMessageRepository;
  readonly conversations: SqliteConversationRepository;
  readonly cursors: SqliteCursorRepository;
  readonly groups: SqliteGroupRepository;
  readonly relations: SqliteRelationRepository;
  readonly friendRequests: SqliteFriendRequestRepository;
  readonly ledger: SqliteLedgerRepository;
  readonly redPackets: SqliteRedPacketRepository;
  readonly transfers: SqliteTransferRepository;
  readonly collections: SqliteCollectionRepository;
  readonly requestIds: SqliteRequestIdRepository;
  readonly pushDevices: SqlitePushDeviceRepository;
  readonly users: SqliteUserRepository;
  private readonly db: Db;
  private readonly writes: SqliteWriteBatcher;

  constructor(file: string) {
    this.db = openDatabase(file);
    const writes = (this.writes = new SqliteWriteBatcher(this.db));
    this.messages = new SqliteMessageRepository(this.db, writes);
    this.conversations = new SqliteConversationRepository(this.db);
    this.cursors = new SqliteCursorRepository(this.db, writes);
    this.groups = new SqliteGroupRepository(this.db);
    this.relations = new SqliteRelationRepository(this.db);
    this.friendRequests = new SqliteFriendRequestRepository(this.db);
    this.ledger = new SqliteLedgerRepository(this.db);
    this.redPackets = new SqliteRedPacketRepository(this.db);
    this.transfers = new SqliteTransferRepository(this.db);
    this.collections = new SqliteCollectionRepository(this.db);
    this.requestIds = new SqliteRequestIdRepository(this.db);
    this.pushDevices = new SqlitePushDeviceRepository(this.db);
    this.users = new SqliteUserRepository(this.db);
  }

  async ping(): Promise<boolean> {
    return this.db.open;
  }

  async close(): Promise<void> {
    // Let writes queued in this turn commit before the file closes.
    await new Promise((r) => setImmediate(r));
    await this.writes.close();
    if (this.db.open) this.db.close();
  }
}
