import type { mongo } from 'mongoose';
import type { MoneyRecordRepository } from '../money.port';
import { isDuplicateKey } from './mongo.errors';
import { assertId } from './mongo.ids';

/** Runs an insert; false when a unique key refused it. */
export async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error: unknown) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** The fields every money record document has: its id, its state, and when it was made. */
export interface MoneyRecordDoc<S extends string> {
  _id: string;
  state: S;
  createdAt: number;
}

/** How a kind of money record is kept: the name of its id (in errors), the ids a new one must carry, its document and back, the states it is still in play in. */
export interface MongoMoneyRecordKind<R, D> {
  readonly idName: string;
  /** Each id of a new record with its name: all are checked before the insert. */
  readonly ids: (record: R) => readonly (readonly [value: string, name: string])[];
  readonly toDoc: (record: R) => D;
  readonly toRecord: (doc: D) => R;
  readonly activeStates: readonly string[];
}

/**
 * Red packets, transfers and collections on MongoDB / FerretDB v1: one document per record, `_id`
 * its id. The record is inserted once (a unique `_id`); afterwards only its state changes.
 */
export class MongoMoneyRecords<R, S extends string, D extends MoneyRecordDoc<S>> implements MoneyRecordRepository<
  R,
  S
> {
  constructor(
    protected readonly docs: mongo.Collection<D>,
    protected readonly kind: MongoMoneyRecordKind<R, D>,
  ) {}

  async create(record: R): Promise<boolean> {
    for (const [value, name] of this.kind.ids(record)) assertId(value, name);
    return insertOnce(() => this.docs.insertOne(this.kind.toDoc(record) as mongo.OptionalUnlessRequiredId<D>));
  }

  async get(id: string): Promise<R | undefined> {
    assertId(id, this.kind.idName);
    const doc = await this.docs.findOne(this.byId(id));
    return doc === null ? undefined : this.kind.toRecord(doc as D);
  }

  async setState(id: string, state: S): Promise<void> {
    assertId(id, this.kind.idName);
    await this.docs.updateOne(this.byId(id), { $set: { state } } as mongo.UpdateFilter<D>);
  }

  async active(limit: number): Promise<R[]> {
    return this.find({ state: { $in: [...this.kind.activeStates] } } as mongo.Filter<D>, limit);
  }

  protected byId(id: string): mongo.Filter<D> {
    return { _id: id } as mongo.Filter<D>;
  }

  /** The records matching `filter`, oldest first, at most `limit` when given. */
  protected async find(filter: mongo.Filter<D>, limit?: number): Promise<R[]> {
    const sorted = this.docs.find(filter).sort({ createdAt: 1 });
    const docs = await (limit === undefined ? sorted : sorted.limit(limit)).toArray();
    return docs.map((doc) => this.kind.toRecord(doc as D));
  }
}
