// How the MongoDB-compatible store answers the operation shapes the message path uses, one by one
// (32 at a time) against gathered into one command, on a collection of a given size.
//   node test/bench/dist/store-ops.js [mongoUrl] [--n 200] [--pre 0,20000,50000]
// Default URL: the test servers' FerretDB (`bash test/infra/infra.sh up all` first). It works in a
// database of its own (im_store_ops_<pid>) and drops it at the end.
import mongoose from 'mongoose';

interface Args {
  readonly url: string;
  readonly n: number;
  readonly pre: readonly number[];
}

function parseArgs(argv: readonly string[]): Args {
  let url = process.env.IM_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27027/im_test';
  let n = 200;
  let pre = [0, 20_000];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--n') n = Number(argv[++i]);
    else if (a === '--pre') pre = String(argv[++i]).split(',').map(Number);
    else url = a;
  }
  if (!Number.isInteger(n) || n < 8 || pre.some((p) => !Number.isInteger(p) || p < 0))
    throw new Error('usage: store-ops [mongoUrl] [--n <count ≥ 8>] [--pre <sizes,...>]');
  return { url, n, pre };
}

async function pool(n: number, fn: (k: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function timed(n: number, fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return Math.round((n / ms) * 1000);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const url = new URL(args.url);
  url.pathname = `/im_store_ops_${process.pid}`;
  const conn = await mongoose.createConnection(url.toString(), { maxPoolSize: 64 }).asPromise();
  const db = conn.db;
  if (db === undefined) throw new Error('not connected');
  const rows: string[] = [
    '| documents in the collection | operation | one by one (32 at a time) ops/s | gathered into one command ops/s |',
    '|---:|---|---:|---:|',
  ];
  try {
    for (const pre of args.pre) {
      await db.dropDatabase();
      const counters = db.collection<{ _id: string; seq: number }>('counters');
      const messages = db.collection<{ _id: string; conversationId: string; seq: number; content: string }>('messages');
      await messages.createIndex({ conversationId: 1, seq: 1 }, { unique: true });
      for (let b = 0; b < pre; b += 1000) {
        await counters.insertMany(
          Array.from({ length: Math.min(1000, pre - b) }, (_, i) => ({ _id: `pre-${b + i}`, seq: 1 })),
        );
      }
      const ids = Array.from({ length: args.n }, (_, k) => `pre-${(k * 7) % Math.max(pre, 1)}`);
      const doc = (k: number, tag: string) => ({
        _id: `${tag}-${k}`,
        conversationId: `c-${tag}-${k}`,
        seq: 1,
        content: 'x'.repeat(100),
      });
      const readOne = await timed(args.n, () => pool(args.n, (k) => counters.findOne({ _id: ids[k] as string })));
      const readIn = await timed(args.n, () => counters.find({ _id: { $in: ids } }).toArray());
      rows.push(`| ${pre} | read by _id (findOne / one \`$in\`) | ${readOne} | ${readIn} |`);
      const incOne = await timed(args.n, () =>
        pool(args.n, (k) =>
          counters.findOneAndUpdate({ _id: `n-${k}` }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }),
        ),
      );
      rows.push(`| ${pre} | counter \`$inc\` with the new value (findOneAndUpdate) | ${incOne} | – |`);
      const insOne = await timed(args.n, () => pool(args.n, (k) => messages.insertOne(doc(k, 'one'))));
      const insMany = await timed(args.n, () =>
        messages.insertMany(
          Array.from({ length: args.n }, (_, k) => doc(k, 'many')),
          { ordered: false },
        ),
      );
      rows.push(`| ${pre} | insert (insertOne / one unordered insertMany) | ${insOne} | ${insMany} |`);
    }
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await conn.close();
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`store-ops: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
