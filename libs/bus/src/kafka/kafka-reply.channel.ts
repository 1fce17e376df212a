import type { Logger } from '@im/common';
import type { Admin, Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { CORRELATION_HEADER, decodeReply, headerString } from './kafka-record.codec';
import { PendingReplies } from './kafka-pending.replies';
import type { KafkaTopicRegistry } from './kafka-topic.registry';
import { JOIN_ATTEMPTS, joinWithRetries } from './kafka-join';

export interface ReplyChannelConfig {
  /** Physical reply topic shared by every instance. */
  readonly topic: string;
  /** This bus's id: the key of the replies meant for it. */
  readonly instanceId: string;
  readonly fetchMaxWaitMs: number;
  readonly logger: Logger | undefined;
}

/**
 * The requester's side of request/reply. Handlers write replies to one shared topic, keyed by
 * the requesting instance's id and tagged with the request's correlation id. Each instance
 * reads that topic with a group of its own (`replies-<instanceId>`) from the latest offset and
 * keeps the replies with its key. The consumer starts on the first `request`; `ready()`
 * resolves only after its first fetch, i.e. once it has joined, been assigned every partition
 * and fixed its start offsets, so a reply to a request sent afterwards cannot be skipped.
 */
export class KafkaReplyChannel {
  private readonly pending = new PendingReplies();
  private consumer: Promise<Consumer> | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly topics: KafkaTopicRegistry,
    private readonly config: ReplyChannelConfig,
  ) {}

  async ready(): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (!this.consumer) {
      const starting = this.start();
      this.consumer = starting;
      starting.catch(() => {
        if (this.consumer === starting) this.consumer = undefined; // the next request tries again
      });
    }
    await this.consumer;
  }

  /** Registers a request before it is sent; see PendingReplies.add. */
  expect(correlationId: string, timeoutMs: number, topic: string): Promise<unknown> {
    return this.pending.add(correlationId, timeoutMs, topic);
  }

  cancel(correlationId: string): void {
    this.pending.cancel(correlationId);
  }

  /** Rejects open requests, leaves and deletes the reply group. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.rejectAll(new Error('bus closed before the reply arrived'));
    const consumer = await this.consumer?.catch(() => undefined);
    if (!consumer) return;
    await consumer.disconnect();
    await this.admin.deleteGroups([this.groupId()]).catch(() => undefined);
  }

  private groupId(): string {
    return `replies-${this.config.instanceId}`;
  }

  /** Like every consumer here, retries a join refused while the broker's coordinator loads or moves. */
  private async start(): Promise<Consumer> {
    await this.topics.ensure([this.config.topic]);
    return joinWithRetries(() => this.startOnce(), {
      maxAttempts: JOIN_ATTEMPTS,
      group: this.groupId(),
      logger: this.config.logger,
    });
  }

  private async startOnce(): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId(),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.config.fetchMaxWaitMs,
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.config.topic], fromBeginning: false });
      const fetched = firstFetch(consumer);
      await consumer.run({ eachMessage: async (p) => this.onReply(p) });
      await fetched;
      return consumer;
    } catch (e) {
      await consumer.disconnect().catch(() => undefined);
      throw e;
    }
  }

  private onReply({ message }: EachMessagePayload): Promise<void> {
    if (message.key?.toString('utf8') !== this.config.instanceId) return Promise.resolve();
    const correlationId = headerString(message.headers, CORRELATION_HEADER);
    const reply = decodeReply(message.value);
    if (correlationId && reply) this.pending.settle(correlationId, reply);
    else this.config.logger?.warn({ topic: this.config.topic, correlationId }, 'malformed reply ignored');
    return Promise.resolve();
  }
}

/**
 * Resolves after the consumer's first fetch: kafkajs resolves a new group's start offset
 * ("latest") in that fetch, not when it joins. Rejects if the consumer crashes first.
 */
function firstFetch(consumer: Consumer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const offFetch = consumer.on(consumer.events.FETCH, () => {
      offFetch();
      offCrash();
      resolve();
    });
    const offCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
      offFetch();
      offCrash();
      reject(payload.error);
    });
  });
}
