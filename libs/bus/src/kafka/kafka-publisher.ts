import { backendRequests } from '@im/common';
import { Partitioners } from 'kafkajs';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { BatcherOptions } from './kafka-producer.batcher';
import { KafkaProducerBatcher } from './kafka-producer.batcher';
import type { KafkaTopicRegistry } from './kafka-topic.registry';

/** One record on its way to Kafka (`topic` is the physical topic). */
export interface Outgoing {
  readonly topic: string;
  readonly message: Message;
}

function byTopic(items: readonly Outgoing[]): TopicMessages[] {
  const groups = new Map<string, Message[]>();
  for (const { topic, message } of items) {
    const list = groups.get(topic);
    if (list) list.push(message);
    else groups.set(topic, [message]);
  }
  return [...groups].map(([topic, messages]) => ({ topic, messages }));
}

function sizeOf(message: Message): number {
  const len = (x: Buffer | string | null | undefined): number => (x == null ? 0 : Buffer.byteLength(x));
  return len(message.key) + len(message.value);
}

/**
 * The producer side of a KafkaBus: batches records (see KafkaProducerBatcher), creates their
 * topics on first use and writes with acks=-1, so `send` resolves only once every in-sync
 * replica has the record. The default (Java-compatible murmur2) partitioner sends one key to
 * one partition, which is what keeps a key's records in order.
 */
export class KafkaPublisher {
  private readonly batcher: KafkaProducerBatcher<Outgoing>;
  private connected = false;
  /** False after a failed produce request until one succeeds: readiness, not a guarantee. */
  private lastSendOk = true;

  private constructor(
    private readonly producer: Producer,
    private readonly topics: KafkaTopicRegistry,
    batching: BatcherOptions,
  ) {
    this.batcher = new KafkaProducerBatcher((items) => this.sendBatch(items), batching);
    producer.on(producer.events.CONNECT, () => (this.connected = true));
    producer.on(producer.events.REQUEST, () => void backendRequests.kafka++);
    producer.on(producer.events.DISCONNECT, () => (this.connected = false));
  }

  static async connect(kafka: Kafka, topics: KafkaTopicRegistry, batching: BatcherOptions): Promise<KafkaPublisher> {
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    const publisher = new KafkaPublisher(producer, topics, batching);
    await producer.connect();
    return publisher;
  }

  send(record: Outgoing): Promise<void> {
    return this.batcher.add(record, sizeOf(record.message));
  }

  isHealthy(): boolean {
    return this.connected && this.lastSendOk;
  }

  /** Sends what is queued, then disconnects. */
  async close(): Promise<void> {
    await this.batcher.flush();
    await this.producer.disconnect();
  }

  private async sendBatch(items: readonly Outgoing[]): Promise<void> {
    try {
      await this.topics.ensure(items.map((i) => i.topic));
      await this.producer.sendBatch({ acks: -1, topicMessages: byTopic(items) });
      this.lastSendOk = true;
    } catch (e) {
      this.lastSendOk = false;
      throw e;
    }
  }
}
