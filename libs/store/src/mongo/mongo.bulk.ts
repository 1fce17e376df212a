/**
 * At most this many update statements go to the server in one command. FerretDB v1 (1.24)
 * keeps a PostgreSQL connection checked out for every single-document statement of an `update`
 * command that matched a document, until the whole command ends (the statement's query
 * iterator is closed only when the command returns), and each statement needs one more
 * connection for its write. A command with as many such statements as FerretDB's pool holds
 * (`pool_max_conns`: 50 by default, 300 in test/infra), or that many over the commands running
 * at once, leaves every connection held by a statement waiting for another one: FerretDB then
 * answers nothing, to any client, until it is restarted (docs/reliability.md, "FerretDB v1
 * hung"). On MongoDB a smaller command only costs a round trip more per chunk.
 */
export const MAX_UPDATES_PER_COMMAND = 16;

/** The counts of an unordered bulk write that callers read. */
export interface BulkCounts {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
}

/**
 * An unordered bulk write of update statements, `MAX_UPDATES_PER_COMMAND` at a time, one
 * command after the other. Like one unordered command, every chunk is tried even when an
 * earlier one failed; the first failure is thrown at the end (its write errors' indexes are
 * relative to its chunk). Resolves with the summed counts.
 */
export async function bulkUpdateInChunks<Op>(
  ops: readonly Op[],
  write: (chunk: Op[]) => Promise<BulkCounts>,
): Promise<BulkCounts> {
  const sum: BulkCounts = { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
  let failure: { error: unknown } | undefined;
  for (let i = 0; i < ops.length; i += MAX_UPDATES_PER_COMMAND) {
    try {
      const r = await write(ops.slice(i, i + MAX_UPDATES_PER_COMMAND));
      sum.matchedCount += r.matchedCount;
      sum.modifiedCount += r.modifiedCount;
      sum.upsertedCount += r.upsertedCount;
    } catch (error: unknown) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
  return sum;
}
