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
export const MAX_UPDATES_PER_COMMAND = 8;

/** The counts of an unordered bulk write that callers read. */
export interface BulkCounts {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
}

/**
 * Update statements of bulk commands in flight at once in this process, all callers together.
 * Commands run side by side because FerretDB runs the statements of one command one after
 * another, each its own PostgreSQL transaction: 100 counter updates as one command took
 * 330–1,090 ms on this machine, as ten commands at once 70–125 ms. The budget keeps what one
 * process can hold of FerretDB's pool (see above) well under the 300 of test/infra; with
 * FerretDB's default of 50, lower it or raise `pool_max_conns` (docs/reliability.md).
 */
export const MAX_UPDATE_STATEMENTS_IN_FLIGHT = 48;

/** Counts statements in flight; `acquire` waits until `n` more fit, in call order. */
class StatementBudget {
  private inFlight = 0;
  private readonly waiting: { n: number; go: () => void }[] = [];

  constructor(private readonly max: number) {}

  async acquire(n: number): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight + n <= this.max) {
      this.inFlight += n;
      return;
    }
    await new Promise<void>((go) => this.waiting.push({ n, go }));
  }

  release(n: number): void {
    this.inFlight -= n;
    while (this.waiting.length > 0 && this.inFlight + this.waiting[0]!.n <= this.max) {
      const next = this.waiting.shift()!;
      this.inFlight += next.n;
      next.go();
    }
  }
}

const budget = new StatementBudget(MAX_UPDATE_STATEMENTS_IN_FLIGHT);

/**
 * An unordered bulk write of update statements, `MAX_UPDATES_PER_COMMAND` per command, the
 * commands started in order and run side by side within the process's statement budget. Like
 * one unordered command, every chunk is tried even when another failed; the first failure (in
 * chunk order) is thrown once all have settled (its write errors' indexes are relative to its
 * chunk). Resolves with the summed counts.
 */
export async function bulkUpdateInChunks<Op>(
  ops: readonly Op[],
  write: (chunk: Op[]) => Promise<BulkCounts>,
): Promise<BulkCounts> {
  const runs: Promise<BulkCounts>[] = [];
  for (let i = 0; i < ops.length; i += MAX_UPDATES_PER_COMMAND) {
    const chunk = ops.slice(i, i + MAX_UPDATES_PER_COMMAND);
    await budget.acquire(chunk.length);
    const run = (async () => {
      try {
        return await write(chunk);
      } finally {
        budget.release(chunk.length);
      }
    })();
    run.catch(() => undefined); // settled below, in chunk order
    runs.push(run);
  }
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const sum: BulkCounts = { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
  for (const r of settled) {
    if (r.status !== 'fulfilled') continue;
    sum.matchedCount += r.value.matchedCount;
    sum.modifiedCount += r.value.modifiedCount;
    sum.upsertedCount += r.value.upsertedCount;
  }
  return sum;
}
