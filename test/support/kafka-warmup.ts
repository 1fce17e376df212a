import { Kafka, logLevel } from 'kafkajs';

/**
 * A freshly formatted broker answers metadata before its group coordinator has loaded
 * (`__consumer_offsets` is created on the first group request), so the first consumer join of a
 * run can be refused with "The coordinator is loading". One throwaway group join here, retried
 * until it works, lets every test start against a broker that is fully up.
 */
export async function warmUpKafka(brokers: string[], timeoutMs = 60_000): Promise<void> {
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
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.run({ eachMessage: async () => undefined });
      await joined;
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`Kafka at ${brokers.join(',')} never accepted a consumer group join: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 300 * Math.min(attempt, 5)));
    } finally {
      // A client left connected keeps retrying and holds jest's main process open.
      await consumer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }
}
