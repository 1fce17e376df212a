import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';

/**
 * Deletes the Kafka topics of a run's namespace (`<namespace>.*`) and its database (named in
 * `mongoUrl`). Left behind, every run's partitions and schemas pile up on the developer's servers
 * (16,000 partitions once killed a 512 MB test broker). Bounded (20 s) and best effort: a failure
 * is printed with `label`, never thrown. Used by the cluster bench and the test cluster harness.
 */
export async function dropRunData(namespace: string, brokers: string, mongoUrl: string, label: string): Promise<void> {
  const admin = new Kafka({
    clientId: `${namespace}-cleanup`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
  const topics = (async () => {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
  })();
  const database = (async () => {
    const conn = await mongoose.createConnection(mongoUrl, { serverSelectionTimeoutMS: 5_000 }).asPromise();
    try {
      await conn.dropDatabase();
    } finally {
      await conn.close();
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 20_000)));
  const outcome = await Promise.race([Promise.allSettled([topics, database]), deadline]);
  clearTimeout(timer);
  await admin.disconnect().catch(() => undefined);
  const failed =
    outcome === 'timeout'
      ? ['timed out']
      : outcome.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
  if (failed.length > 0)
    process.stderr.write(`${label} could not drop ${namespace}'s topics or database: ${failed.join('; ')}\n`);
}
