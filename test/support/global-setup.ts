/**
 * Runs once per `jest` run. Starts the real servers (Redis, Kafka, FerretDB, S3) the cluster tests
 * use, once for the whole run, and publishes their endpoints through environment variables
 * that the test workers inherit. `IM_TEST_NO_INFRA=1` skips this for a quick unit-only run;
 * cluster tests then fail loudly, naming the missing server.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.IM_TEST_NO_INFRA === '1') return;
  const { startInfra } = await import('./infra');
  const endpoints = await startInfra();
  process.env.IM_TEST_REDIS_URL = endpoints.redisUrl;
  process.env.IM_TEST_KAFKA_BROKERS = endpoints.kafkaBrokers.join(',');
  process.env.IM_TEST_MONGO_URL = endpoints.mongoUrl;
  process.env.IM_TEST_S3_ENDPOINT = endpoints.s3.endpoint;
  process.env.IM_TEST_S3_ACCESS_KEY_ID = endpoints.s3.accessKeyId;
  process.env.IM_TEST_S3_SECRET_ACCESS_KEY = endpoints.s3.secretAccessKey;
  const { warmUpKafka } = await import('./kafka-warmup');
  await warmUpKafka(endpoints.kafkaBrokers);
}
