// Run by kafka-warmup.ts as its own process: `node kafka-warmup-child.cjs <brokers> <timeoutMs>`.
// A freshly formatted broker answers metadata before its group coordinator has loaded, so the
// first consumer join can be refused ("The coordinator is loading"). This joins one throwaway
// group, retrying until it works, then exits. It is a separate process because a kafkajs
// consumer whose join failed may reconnect in the background after disconnect(): in jest's
// main process such a socket kept `npm test` from ever exiting once the run was over.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const brokers = (process.argv[2] || '').split(',').filter(Boolean);
  const timeoutMs = Number(process.argv[3] || 60000);
  if (brokers.length === 0) throw new Error('usage: kafka-warmup-child.cjs <brokers> [timeoutMs]');
  const kafka = new Kafka({ clientId: 'im-test-warmup', brokers, logLevel: logLevel.NOTHING });
  const deadline = Date.now() + timeoutMs;
  const topic = 'im-test-warmup';
  for (let attempt = 1; ; attempt++) {
    const consumer = kafka.consumer({ groupId: 'im-test-warmup' });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }).catch(() => undefined);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.run({ eachMessage: async () => undefined });
      await joined;
      return attempt;
    } catch (e) {
      if (Date.now() > deadline) {
        throw new Error(`Kafka at ${brokers.join(',')} never accepted a consumer group join: ${String(e)}`);
      }
      await new Promise((r) => setTimeout(r, 300 * Math.min(attempt, 5)));
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }
}

main().then(
  (attempts) => {
    process.stdout.write(`warm after ${attempts} attempt(s)\n`);
    process.exit(0);
  },
  (e) => {
    process.stderr.write(`${e && e.message ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
