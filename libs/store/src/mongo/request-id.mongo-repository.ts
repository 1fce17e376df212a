import type { Model, mongo } from 'mongoose';
import type { RequestIdRepository } from '../store.port';
import { isDuplicateKey } from './mongo.errors';
import { assertId } from './mongo.ids';
import { driverCollection } from './mongo.models';
import type { RequestIdDoc } from './mongo.models';

/**
 * Request ids on MongoDB / FerretDB v1: the key is the `_id`, so a claim is one insert that the
 * `_id` index lets through once, and a retry's read is a point read (pushed down on FerretDB).
 */
export class MongoRequestIdRepository implements RequestIdRepository {
  private readonly ids: mongo.Collection<RequestIdDoc>;

  constructor(model: Model<RequestIdDoc>) {
    this.ids = driverCollection(model);
  }

  async claim(key: string, id: string, at: number): Promise<string> {
    assertId(key, 'key');
    assertId(id, 'id');
    try {
      await this.ids.insertOne({ _id: key, id, at });
      return id;
    } catch (error: unknown) {
      if (!isDuplicateKey(error)) throw error;
    }
    const first = await this.ids.findOne({ _id: key });
    if (first === null) throw new Error(`request id of ${key} refused as a duplicate but not found`);
    return first.id;
  }
}
