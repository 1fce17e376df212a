/** MongoDB's duplicate-key error code (a unique index refused a write). */
export const DUPLICATE_KEY = 11000;
/** MongoDB's NamespaceNotFound (e.g. listIndexes on a collection that does not exist yet). */
export const NAMESPACE_NOT_FOUND = 26;

/** The server's error code, if the error carries one. */
export function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

function writeErrorsOf(error: unknown): unknown[] | undefined {
  if (typeof error !== 'object' || error === null || !('writeErrors' in error)) return undefined;
  const { writeErrors } = error;
  if (Array.isArray(writeErrors)) return writeErrors as unknown[];
  return writeErrors === undefined ? undefined : [writeErrors];
}

/**
 * Per document of an unordered bulk insert that threw: its write error (by the `index` the
 * server reports), or undefined when it was written. Undefined overall when the error is not a
 * bulk write error (a network error, say: nothing is known about any document).
 */
export function writeErrorsByIndex(error: unknown): Map<number, unknown> | undefined {
  const writeErrors = writeErrorsOf(error);
  if (writeErrors === undefined) return undefined;
  const byIndex = new Map<number, unknown>();
  for (const w of writeErrors) {
    const index = typeof w === 'object' && w !== null && 'index' in w ? w.index : undefined;
    if (typeof index !== 'number') return undefined;
    byIndex.set(index, w);
  }
  return byIndex;
}

/**
 * True for E11000. FerretDB v1 reports neither `keyPattern` nor `keyValue` nor the index name,
 * so callers must not rely on knowing which unique index refused the write: they re-read.
 */
export function isDuplicateKey(error: unknown): boolean {
  return errorCode(error) === DUPLICATE_KEY;
}

/** True when a bulk write failed only because some documents already existed. */
export function onlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = writeErrorsOf(error);
  if (writeErrors === undefined || writeErrors.length === 0) return isDuplicateKey(error);
  return writeErrors.every(isDuplicateKey);
}

/**
 * Runs an upsert, and runs it once more if it lost an insert race: two upserts of a missing
 * document can both try to insert, and one gets E11000 (MongoDB retries this itself only in
 * some cases; FerretDB never). The second run finds the document and updates it.
 */
export async function retryUpsertRace<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error: unknown) {
    if (!onlyDuplicateKeys(error)) throw error;
    return upsert();
  }
}
