import type { Model } from 'mongoose';
import { errorCode, NAMESPACE_NOT_FOUND } from './mongo.errors';
import type { MongoModels } from './mongo.models';

interface IndexSpec {
  readonly key: string;
  readonly unique: boolean;
}

/** A key pattern compared by its fields and directions, in order. */
const keyOf = (fields: Record<string, unknown>): string => JSON.stringify(Object.entries(fields));

function declared(model: Model<never>): IndexSpec[] {
  return model.schema.indexes().map(([fields, opts]) => ({ key: keyOf(fields), unique: opts?.unique === true }));
}

async function existing(model: Model<never>): Promise<IndexSpec[]> {
  try {
    const rows = (await model.collection.indexes()) as { key: Record<string, unknown>; unique?: boolean }[];
    return rows.map((r) => ({ key: keyOf(r.key), unique: r.unique === true }));
  } catch (error: unknown) {
    if (errorCode(error) === NAMESPACE_NOT_FOUND) return []; // no collection yet, so no index
    throw error;
  }
}

const allModels = (models: MongoModels): Model<never>[] => Object.values(models) as Model<never>[];

async function build(model: Model<never>): Promise<void> {
  try {
    await model.createIndexes();
  } catch (error: unknown) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`MongoStore: cannot build the indexes of collection "${model.collection.collectionName}": ${why}`, {
      cause: error,
    });
  }
}

/**
 * Fails unless every declared index exists with the declared uniqueness: the unique indexes are
 * what keeps seqs and idempotency keys from repeating, so running without them is not an option.
 */
export async function verifyIndexes(models: MongoModels): Promise<void> {
  for (const model of allModels(models)) {
    const wanted = declared(model);
    if (wanted.length === 0) continue;
    const have = await existing(model);
    const missing = wanted.filter((d) => !have.some((h) => h.key === d.key && h.unique === d.unique));
    if (missing.length > 0) {
      const list = missing.map((m) => `${m.key}${m.unique ? ' unique' : ''}`).join(', ');
      throw new Error(`MongoStore: collection "${model.collection.collectionName}" lacks the index(es) ${list}`);
    }
  }
}

/** Creates the declared indexes (never drops any: a rolling deploy may run two versions), then checks them. */
export async function ensureIndexes(models: MongoModels): Promise<void> {
  await Promise.all(allModels(models).map(build));
  await verifyIndexes(models);
}
