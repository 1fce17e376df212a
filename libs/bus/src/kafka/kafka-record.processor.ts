import type { Logger } from '@im/common';
import type { KafkaMessage } from 'kafkajs';
import type { BusBatchHandler, BusHandler, BusRecord, DeadLetter } from '../bus.port';
import {
  CORRELATION_HEADER,
  decodeValue,
  encodeReply,
  encodeValue,
  errorMessage,
  replyRouteOf,
} from './kafka-record.codec';
import type { ReplyEnvelope, ReplyRoute } from './kafka-record.codec';
import type { KafkaPublisher } from './kafka-publisher';
import { KafkaTopicNames } from './kafka-topic.names';

export interface RecordProcessorConfig {
  /** Logical topic, as the handler and dead letters see it. */
  readonly topic: string;
  readonly group: string;
  readonly handler: BusHandler;
  /** Takes whole fetched batches while they succeed (`subscribeBatch`); absent: one record at a time. */
  readonly batchHandler?: BusBatchHandler | undefined;
  readonly publisher: KafkaPublisher;
  readonly names: KafkaTopicNames;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly logger: Logger | undefined;
  readonly onDeadLetter?: ((letter: DeadLetter) => void) | undefined;
  /** Errors that mean "a dependency is down", retried until it is back instead of dead-lettered. */
  readonly isTransient: (e: unknown) => boolean;
}

/** Longest wait between two attempts of a record whose failures are transient. */
const MAX_TRANSIENT_DELAY_MS = 5_000;

/** What the consumer lets a record's processing see of its partition. */
export interface PartitionControl {
  /** Tells the group coordinator this member is alive; rejects when the group rebalances. */
  heartbeat(): Promise<void>;
  /** False once the consumer stops or the partition is no longer this member's. */
  isActive(): boolean;
}

type Attempted =
  | { readonly kind: 'handled'; readonly reply: unknown }
  | { readonly kind: 'failed'; readonly error: string; readonly attempts: number }
  | { readonly kind: 'abandoned' };

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Keeps heartbeating while a slow handler runs, so the member keeps its partitions. */
async function withHeartbeats<T>(work: () => Promise<T>, control: PartitionControl): Promise<T> {
  const timer = setInterval(() => void control.heartbeat().catch(() => undefined), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * Takes one record of a subscription all the way: decode, handle with retries, then reply
 * (for a `request`) or dead-letter. Throws only when Kafka itself fails (writing the dead
 * letter or the reply), so that the record stays uncommitted and is delivered again.
 */
export class KafkaRecordProcessor {
  constructor(private readonly config: RecordProcessorConfig) {}

  get batched(): boolean {
    return this.config.batchHandler !== undefined;
  }

  /**
   * Hands records of one partition to the batch handler at once: 'done' when it resolved (every
   * record is handled), 'abandoned' when the partition was lost while a dependency was down,
   * 'one-by-one' when the batch must go record by record instead (a record that does not decode
   * or expects a reply, or an error that is not transient: the record path retries and
   * dead-letters each record on its own).
   */
  async processBatch(
    messages: readonly KafkaMessage[],
    control: PartitionControl,
  ): Promise<'done' | 'abandoned' | 'one-by-one'> {
    const { batchHandler, topic, retryDelayMs, logger, group } = this.config;
    if (!batchHandler) return 'one-by-one';
    const records: BusRecord[] = [];
    for (const message of messages) {
      const decoded = decodeValue(message.value);
      if (!decoded.ok || replyRouteOf(message.headers)) return 'one-by-one';
      records.push({ topic, key: message.key?.toString('utf8') ?? '', value: decoded.value });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await withHeartbeats(() => batchHandler(records), control);
        return 'done';
      } catch (e) {
        if (!this.config.isTransient(e)) {
          logger?.warn(
            { topic, group, records: records.length, err: errorMessage(e) },
            'batch failed; handling its records one by one',
          );
          return 'one-by-one';
        }
        if (attempt <= 3 || attempt % 20 === 0)
          logger?.warn(
            { topic, group, records: records.length, attempt, err: errorMessage(e) },
            'a dependency is unavailable; retrying the batch until it is back',
          );
        await delay(Math.min(MAX_TRANSIENT_DELAY_MS, retryDelayMs * 2 ** Math.min(attempt - 1, 12)));
        await control.heartbeat();
        if (!control.isActive()) return 'abandoned';
      }
    }
  }

  /** True once the record is done with; false when it was abandoned and must not be committed. */
  async process(message: KafkaMessage, control: PartitionControl): Promise<boolean> {
    const key = message.key?.toString('utf8') ?? '';
    const route = replyRouteOf(message.headers);
    const decoded = decodeValue(message.value);
    if (!decoded.ok) {
      await this.fail({ key, value: decoded.raw, error: decoded.error, attempts: 0 }, route);
      return true;
    }
    const outcome = await this.attempt({ topic: this.config.topic, key, value: decoded.value }, control);
    if (outcome.kind === 'abandoned') return false;
    if (outcome.kind === 'handled') {
      if (route) await this.reply(route, { ok: true, value: outcome.reply });
      return true;
    }
    await this.fail({ key, value: decoded.value, error: outcome.error, attempts: outcome.attempts }, route);
    return true;
  }

  /**
   * Handles with retries: an error of the work itself is retried `maxAttempts` times, then the
   * record is dead-lettered; a transient error (the store or Redis unreachable) is retried with
   * a growing delay (at most 5 s) for as long as this member owns the partition, so an outage
   * pauses the partition instead of dead-lettering acknowledged messages, and nothing behind
   * the record is committed meanwhile.
   */
  private async attempt(record: BusRecord, control: PartitionControl): Promise<Attempted> {
    const { handler, maxAttempts, retryDelayMs, logger, topic, group } = this.config;
    let workFailures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return { kind: 'handled', reply: await withHeartbeats(() => handler(record), control) };
      } catch (e) {
        const transient = this.config.isTransient(e);
        if (!transient) workFailures++;
        if (!transient && workFailures >= maxAttempts)
          return { kind: 'failed', error: errorMessage(e), attempts: attempt };
        if (transient && (attempt <= 3 || attempt % 20 === 0)) {
          logger?.warn(
            { topic, group, key: record.key, attempt, err: errorMessage(e) },
            'a dependency is unavailable; retrying the record until it is back',
          );
        }
        if (!transient)
          logger?.warn(
            { topic, group, key: record.key, attempt: workFailures, of: maxAttempts, err: errorMessage(e) },
            'handling the record failed; retrying',
          );
        const wait = transient
          ? Math.min(MAX_TRANSIENT_DELAY_MS, retryDelayMs * 2 ** Math.min(attempt - 1, 12))
          : retryDelayMs * 2 ** (workFailures - 1);
        await delay(wait);
        await control.heartbeat();
        if (!control.isActive()) return { kind: 'abandoned' };
      }
    }
  }

  private async fail(
    failure: { key: string; value: unknown; error: string; attempts: number },
    route: ReplyRoute | undefined,
  ): Promise<void> {
    const { topic, group, names, publisher, logger } = this.config;
    logger?.error({ topic, key: failure.key, group, err: failure.error }, 'record dead-lettered');
    if (!KafkaTopicNames.isDeadLetter(topic)) {
      const letter: DeadLetter = { topic, group, ...failure, failedAt: Date.now() };
      this.config.onDeadLetter?.(letter);
      await publisher.send({
        topic: names.deadLetter(topic),
        message: { key: failure.key, value: encodeValue(letter) },
      });
    }
    if (route) await this.reply(route, { ok: false, error: failure.error });
  }

  private async reply(route: ReplyRoute, envelope: ReplyEnvelope): Promise<void> {
    await this.config.publisher.send({
      topic: this.config.names.replies(),
      message: {
        key: route.replyTo,
        value: encodeReply(envelope),
        headers: { [CORRELATION_HEADER]: route.correlationId },
      },
    });
  }
}
