import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { Bus, BusBatchHandler, BusHandler, RequestOptions, Subscription, TopicTypeMap } from '../bus.port';
import type { ImTopics } from '../contracts/topic-map';
import type { KafkaBusOptions, ResolvedKafkaBusOptions } from './kafka-bus.options';
import { resolveKafkaBusOptions } from './kafka-bus.options';
import { createKafkaClient } from './kafka-client.factory';
import { KafkaConsumerRunner } from './kafka-consumer.runner';
import { KafkaPublisher } from './kafka-publisher';
import { encodeValue, errorMessage, requestHeaders } from './kafka-record.codec';
import { KafkaRecordProcessor } from './kafka-record.processor';
import { KafkaReplyChannel } from './kafka-reply.channel';
import { KafkaTopicNames } from './kafka-topic.names';
import { KafkaTopicRegistry } from './kafka-topic.registry';

interface KafkaBusParts {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: KafkaTopicRegistry;
  readonly publisher: KafkaPublisher;
  readonly options: ResolvedKafkaBusOptions;
}

/**
 * The cluster Bus on Kafka (kafkajs). Topics (`<topic>` and `<topic>.dlq`, plus the shared
 * reply topic) are created on first use. See KafkaPublisher for publish, KafkaConsumerRunner
 * for subscriptions and commits, KafkaReplyChannel for request/reply.
 */
export class KafkaBus<M extends TopicTypeMap = ImTopics> implements Bus<M> {
  private readonly names: KafkaTopicNames;
  private readonly replies: KafkaReplyChannel;
  private readonly subscriptions = new Set<KafkaConsumerRunner>();
  private closing: Promise<void> | undefined;
  /** Stays true while closing subscriptions finish their records, which may publish. */
  private publishing = true;

  private constructor(private readonly parts: KafkaBusParts) {
    const { kafka, admin, topics, options } = parts;
    this.names = new KafkaTopicNames(options.namespace);
    this.replies = new KafkaReplyChannel(kafka, admin, topics, {
      topic: this.names.replies(),
      instanceId: options.instanceId,
      fetchMaxWaitMs: options.fetchMaxWaitMs,
      logger: options.logger,
    });
  }

  /** Connects the admin client and the producer; rejects, naming the brokers, if Kafka cannot be reached. */
  static async connect<M extends TopicTypeMap = ImTopics>(options: KafkaBusOptions): Promise<KafkaBus<M>> {
    const resolved = resolveKafkaBusOptions(options);
    const kafka = createKafkaClient(options);
    const admin = kafka.admin();
    const topics = new KafkaTopicRegistry(admin, {
      partitions: resolved.topicPartitions,
      replicationFactor: resolved.replicationFactor,
    });
    try {
      await admin.connect();
      const publisher = await KafkaPublisher.connect(kafka, topics, {
        lingerMs: resolved.lingerMs,
        maxRecords: resolved.maxBatchRecords,
        maxBytes: resolved.maxBatchBytes,
      });
      return new KafkaBus<M>({ kafka, admin, topics, publisher, options: resolved });
    } catch (e) {
      await admin.disconnect().catch(() => undefined);
      throw new Error(`cannot reach Kafka at ${resolved.brokers.join(',')}: ${errorMessage(e)}`);
    }
  }

  /** Readiness: connected, not closed, and the last produce request succeeded. */
  isConnected(): boolean {
    return this.closing === undefined && this.parts.publisher.isHealthy();
  }

  get instanceId(): string {
    return this.parts.options.instanceId;
  }

  readonly publish: Bus<M>['publish'] = async (topic, key, value) => {
    if (!this.publishing) throw new Error('bus is closed');
    await this.parts.publisher.send({ topic: this.names.physical(topic), message: { key, value: encodeValue(value) } });
  };

  /**
   * Records of `topic` that consumer group `group` has not committed yet, summed over the
   * partitions (a partition the group never committed counts from its low watermark): how far the
   * consuming service is behind. Two admin requests; rejects when Kafka cannot answer.
   */
  async backlog(topic: string, group: string): Promise<number> {
    this.assertOpen();
    const { admin } = this.parts;
    const physical = this.names.physical(topic);
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(physical),
      admin.fetchOffsets({ groupId: this.names.group(group), topics: [physical] }),
    ]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((total, p) => {
      const at = done.get(p.partition) ?? -1;
      const from = at >= 0 ? at : Number(p.low);
      return total + Math.max(0, Number(p.high) - from);
    }, 0);
  }

  /**
   * Starts the reply consumer now instead of on the first `request`, so a process that sends
   * requests (a gateway) pays the group join at start-up, before it reports ready.
   */
  async prepareRequests(): Promise<void> {
    this.assertOpen();
    await this.replies.ready();
  }

  /** The timeout covers everything: starting the reply consumer, publishing, the handler. */
  readonly request = this.requestRecord.bind(this) as Bus<M>['request'];

  private async requestRecord(topic: string, key: string, value: unknown, options?: RequestOptions): Promise<unknown> {
    this.assertOpen();
    const record = { topic: this.names.physical(topic), message: { key, value: encodeValue(value) } };
    const correlationId = randomUUID();
    const reply = this.replies.expect(correlationId, options?.timeoutMs ?? 10_000, topic);
    try {
      await Promise.race([this.replies.ready(), reply]);
      const headers = requestHeaders({ replyTo: this.instanceId, correlationId });
      await this.parts.publisher.send({ ...record, message: { ...record.message, headers } });
    } catch (e) {
      this.replies.cancel(correlationId);
      throw e;
    }
    return await reply;
  }

  readonly subscribe: Bus<M>['subscribe'] = (topic, group, handler) =>
    this.start(topic, group, handler as BusHandler, undefined);

  /** Each fetched batch of a partition (in chunks of at most 500 records) goes to `handlers.batch` at once. */
  readonly subscribeBatch: Bus<M>['subscribeBatch'] = (topic, group, handlers) =>
    this.start(topic, group, handlers.record as BusHandler, handlers.batch as BusBatchHandler);

  private async start(
    topic: string,
    group: string,
    handler: BusHandler,
    batchHandler: BusBatchHandler | undefined,
  ): Promise<Subscription> {
    this.assertOpen();
    const { kafka, topics, publisher, options } = this.parts;
    await topics.ensure(this.names.withDeadLetter(topic));
    const processor = new KafkaRecordProcessor({
      topic,
      group,
      handler,
      batchHandler,
      publisher,
      names: this.names,
      maxAttempts: options.maxAttempts,
      retryDelayMs: options.retryDelayMs,
      logger: options.logger,
      onDeadLetter: options.onDeadLetter,
      isTransient: options.isTransient,
    });
    const runner = await KafkaConsumerRunner.start(kafka, {
      topic: this.names.physical(topic),
      group: this.names.group(group),
      processor,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      keysConcurrentlyPerPartition: options.keysConcurrentlyPerPartition,
      fetchMaxWaitMs: options.fetchMaxWaitMs,
      sessionTimeoutMs: options.sessionTimeoutMs,
      onLag: options.onLag,
      onConsumed: options.onConsumed,
      logger: options.logger,
    });
    return this.track(runner);
  }

  /** Stops every subscription (finishing the records in hand), sends what is queued, disconnects. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private track(runner: KafkaConsumerRunner): Subscription {
    if (this.closing) {
      void runner.close();
      throw new Error('bus is closed');
    }
    this.subscriptions.add(runner);
    return {
      close: async () => {
        this.subscriptions.delete(runner);
        await runner.close();
      },
    };
  }

  private async shutdown(): Promise<void> {
    const { publisher, admin } = this.parts;
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    this.publishing = false;
    await this.replies.close().catch(() => undefined);
    await publisher.close().catch(() => undefined);
    await admin.disconnect();
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('bus is closed');
  }
}
