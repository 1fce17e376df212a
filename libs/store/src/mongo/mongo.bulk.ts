/**
 * Updates per `bulkWrite` command when a batch's updates are sent in chunks. FerretDB v1 runs
 * the statements of one `bulkWrite` one after another, each its own PostgreSQL transaction, so
 * 100 counter updates in one command took 330–1,090 ms on this machine, where 10 commands of
 * 10 sent at once took 70–125 ms (`docs/benchmarks.md`, "Chunked bulk writes"). MongoDB takes
 * each chunk in one round trip either way, so the chunks cost it a few commands, not 10×.
 */
export const BULK_CHUNK = 10;

/** What a chunked bulk write did, summed over its chunks. */
export interface ChunkedBulkResult {
  readonly matched: number;
  readonly upserted: number;
  /** Chunks refused with write errors (e.g. duplicate keys): their counts are not in the sums. */
  readonly failedChunks: readonly unknown[];
}

/**
 * `bulkWrite` (an unordered one) per `BULK_CHUNK` operations, all sent at once (the driver's pool
 * bounds how many run together). A chunk refused with write errors is reported in
 * `failedChunks`; any other error (the network, say) is thrown once every chunk has settled,
 * so no chunk is still running when the caller moves on.
 */
export async function chunkedBulkWrite<Op>(
  ops: readonly Op[],
  bulkWrite: (chunk: Op[]) => Promise<{ readonly matchedCount: number; readonly upsertedCount: number }>,
  chunk = BULK_CHUNK,
): Promise<ChunkedBulkResult> {
  const chunks: Op[][] = [];
  for (let i = 0; i < ops.length; i += chunk) chunks.push(ops.slice(i, i + chunk));
  const settled = await Promise.allSettled(chunks.map(bulkWrite));
  let matched = 0;
  let upserted = 0;
  const failedChunks: unknown[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') {
      matched += s.value.matchedCount;
      upserted += s.value.upsertedCount;
    } else if (hasWriteErrors(s.reason)) failedChunks.push(s.reason);
    else throw s.reason;
  }
  return { matched, upserted, failedChunks };
}

function hasWriteErrors(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'writeErrors' in error;
}
