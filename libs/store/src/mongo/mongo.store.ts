import { setTimeout as sleep } from 'node:timers/promises';
import { backendRequests } from '@im/common';
import type { Logger } from '@im/common';
import mongoose from 'mongoose';
import type { ConnectOptions, Connection } from 'mongoose';
import type { Store } from '../store.port';
import { MongoConversationRepository } from './conversation.mongo-repository';
import { MongoCursorRepository } from './cursor.mongo-repository';
import { MongoFriendRequestRepository } from './friend-request.mongo-repository';
import { MongoGroupRepository } from './group.mongo-repository';
import { MongoMessageRepository } from './message.mongo-repository';
import {
  MongoCollectionRepository,
  MongoLedgerRepository,
  MongoRedPacketRepository,
  MongoTransferRepository,
} from './money.mongo-repository';
import { ensureIndexes, verifyIndexes } from './mongo.indexes';
import { buildModels } from './mongo.models';
import type { MongoModels } from './mongo.models';
import { MongoRelationRepository } from './relation.mongo-repository';
import { MongoPushDeviceRepository } from './push-device.mongo-repository';
import { MongoRequestIdRepository } from './request-id.mongo-repository';
import { MongoUserRepository } from './user.mongo-repository';

export interface MongoStoreOptions {
  readonly logger?: Logger;
  /** Build the indexes at connect (default). `false`: build none, but still refuse to start unless they all exist. */
  readonly autoIndex?: boolean;
}

/** How long `ping()` waits before answering false (the driver alone would wait for server selection, 30 s). */
const PING_TIMEOUT_MS = 2_000;

/**
 * Connections per process unless the URL says otherwise (`?maxPoolSize=`): the driver's default
 * of 100 lets a cluster of eight processes put 800 operations on the server at once, more than
 * FerretDB's PostgreSQL pool (300 here), and the batch path needs few. It did not prevent the
 * FerretDB hang of docs/reliability.md ("Known problem"), whose cause is not found.
 */
const DEFAULT_MAX_POOL_SIZE = 20;

const CONNECTION_OPTIONS: ConnectOptions = {
  /** Filters with `$` keys are wrapped in `$eq` unless built with `mongoose.trusted()`. */
  sanitizeFilter: true,
  /** Indexes are built by `connect` itself, awaited, and a failure fails the connect. */
  autoIndex: false,
  autoCreate: false,
  /** Fail at once when the server is unreachable instead of queueing operations. */
  bufferCommands: false,
  /** An `undefined` field is left out, as JSON (and the embedded store) does; never stored as null. */
  ignoreUndefined: true,
  /**
   * No operation waits for ever: an answer that has not come after 30 s (a connection that died
   * without closing) fails as a network timeout, and a checkout of a pooled connection waits at
   * most 10 s. Both are transient errors (`isTransientError`), which the callers retry.
   */
  socketTimeoutMS: 30_000,
  waitQueueTimeoutMS: 10_000,
  /**
   * A new connection's TCP connect and handshake, and every check of the driver's server
   * monitor, fail after 10 s instead of the driver's 30 s. While a check hangs no other runs, and
   * a server marked unknown (after any network error of an operation) is not used again until a
   * check answers: twice in CI (row 5, the store away for 5 s) the message service's operations
   * all failed with the same stale error for a minute and more after the store was back, which
   * is what a hung check looks like (docs/reliability.md, "Failures in CI").
   */
  connectTimeoutMS: 10_000,
};

function watch(connection: Connection, logger: Logger | undefined): void {
  connection.on('error', (error: unknown) => logger?.error({ err: error }, 'mongo connection error'));
  connection.on('disconnected', () => logger?.warn('mongo disconnected'));
  connection.on('reconnected', () => logger?.info('mongo reconnected'));
}

/**
 * What the driver's server monitoring sees, in the log: when the server is marked unknown (no
 * operation can be sent until a heartbeat finds it again) and when it is known again, and the
 * first failed heartbeat of a run of them. Operations failing with "Server selection timed out"
 * for longer than an outage lasted show here as a server never known again.
 */
function watchMonitoring(client: ReturnType<Connection['getClient']>, logger: Logger | undefined): void {
  let heartbeatsFailing = false;
  client.on('serverDescriptionChanged', (e) => {
    const was = e.previousDescription.type;
    const now = e.newDescription.type;
    if (now === 'Unknown' && was !== 'Unknown')
      logger?.warn({ address: e.address, err: e.newDescription.error?.message }, 'mongo server marked unknown');
    else if (was === 'Unknown' && now !== 'Unknown')
      logger?.warn({ address: e.address, type: now }, 'mongo server known again');
  });
  client.on('serverHeartbeatFailed', (e) => {
    if (heartbeatsFailing) return;
    heartbeatsFailing = true;
    logger?.warn({ address: e.connectionId, err: e.failure.message, durationMS: e.duration }, 'mongo heartbeat failed');
  });
  client.on('serverHeartbeatSucceeded', (e) => {
    if (!heartbeatsFailing) return;
    heartbeatsFailing = false;
    logger?.warn({ address: e.connectionId, durationMS: e.duration }, 'mongo heartbeat answered again');
  });
}

/**
 * The cluster store: MongoDB through mongoose, on its own connection. Runs on MongoDB 7 and on
 * FerretDB v1 alike: no multi-document transactions, every change is single-document atomic,
 * and the unique indexes (built or checked at connect) keep the port's promises.
 */
export class MongoStore implements Store {
  readonly messages: MongoMessageRepository;
  readonly conversations: MongoConversationRepository;
  readonly cursors: MongoCursorRepository;
  readonly groups: MongoGroupRepository;
  readonly relations: MongoRelationRepository;
  readonly friendRequests: MongoFriendRequestRepository;
  readonly ledger: MongoLedgerRepository;
  readonly redPackets: MongoRedPacketRepository;
  readonly transfers: MongoTransferRepository;
  readonly collections: MongoCollectionRepository;
  readonly requestIds: MongoRequestIdRepository;
  readonly pushDevices: MongoPushDeviceRepository;
  readonly users: MongoUserRepository;

  private constructor(
    /** For diagnostics and tests; the repositories are the way to change data. */
    readonly connection: Connection,
    models: MongoModels,
    logger: Logger | undefined,
  ) {
    this.messages = new MongoMessageRepository(models.messages, models.conversations, logger);
    this.conversations = new MongoConversationRepository(models.conversations, models.readStates);
    this.cursors = new MongoCursorRepository(models.cursors);
    this.groups = new MongoGroupRepository(models.groups, models.groupMembers, models.groupExpiryClaims);
    this.relations = new MongoRelationRepository(models.blocks, models.friendships);
    this.friendRequests = new MongoFriendRequestRepository(models.friendRequests);
    this.ledger = new MongoLedgerRepository(models.ledgerEntries, models.ledgerHeads, models.moneyOps);
    this.redPackets = new MongoRedPacketRepository(models.redPackets, models.redPacketClaims);
    this.transfers = new MongoTransferRepository(models.transfers);
    this.collections = new MongoCollectionRepository(models.collections, models.collectionSeats);
    this.requestIds = new MongoRequestIdRepository(models.requestIds);
    this.pushDevices = new MongoPushDeviceRepository(models.pushDevices, models.pushMutedUsers);
    this.users = new MongoUserRepository(models.users, models.userBans);
  }

  static async connect(url: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
    const logger = options.logger?.child({ component: 'mongo-store' });
    const pool = /[?&]maxPoolSize=/i.test(url) ? {} : { maxPoolSize: DEFAULT_MAX_POOL_SIZE };
    const connection = mongoose.createConnection(url, { ...CONNECTION_OPTIONS, ...pool, monitorCommands: true });
    watch(connection, logger);
    try {
      await connection.asPromise();
      connection.getClient().on('commandStarted', () => void backendRequests.store++);
      watchMonitoring(connection.getClient(), logger);
      const models = buildModels(connection);
      await (options.autoIndex === false ? verifyIndexes(models) : ensureIndexes(models));
      logger?.info({ db: connection.name, autoIndex: options.autoIndex !== false }, 'mongo store ready');
      return new MongoStore(connection, models, logger);
    } catch (error: unknown) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  async ping(): Promise<boolean> {
    const db = this.connection.db;
    if (db === undefined) return false;
    const abort = new AbortController();
    const answer = db.command({ ping: 1 }).then(
      (r) => r.ok === 1,
      () => false,
    );
    const timeout = sleep(PING_TIMEOUT_MS, false, { signal: abort.signal }).catch(() => false);
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      abort.abort();
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
