import { backendRequests } from '@im/common';
import type { Logger } from '@im/common';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Subscription } from '../bus.port';
import { JOIN_ATTEMPTS, joinWithRetries, sleep } from './kafka-join';
import type { KafkaRecordProcessor, PartitionControl } from './kafka-record.processor';

export interface ConsumerRunnerConfig {
  /** Physical topic. */
  readonly topic: string;
  readonly group: string;
  readonly processor: KafkaRecordProcessor;
  readonly partitionsConsumedConcurrently: number;
  /** Keys of one partition handled at the same time (records of one key stay in order). */
  readonly keysConcurrentlyPerPartition: number;
  readonly fetchMaxWaitMs: number;
  readonly sessionTimeoutMs: number;
  readonly logger: Logger | undefined;
  /** Told, per fetched batch, how many records of the partition remain behind it (consumer lag). */
  readonly onLag?: ((group: string, topic: string, partition: number, lag: number) => void) | undefined;
  /** Told of every record handled (offset resolved or not), for a records-consumed rate. */
  readonly onConsumed?: ((group: string, topic: string) => void) | undefined;
}

/** Records of a fetched batch handed to a batch handler at once at most. */
const BATCH_CHUNK = 500;

/** How often resolved offsets are committed while a batch is still being worked through. */
const COMMIT_INTERVAL_MS = 1000;

/**
 * One kafkajs consumer for one subscription (group = the subscription's group).
 *
 * Commit strategy: `eachBatch` with `eachBatchAutoResolve: false`. A record's offset is
 * resolved only after it was handled, replied to or dead-lettered; resolved offsets are
 * committed every second mid-batch (`commitOffsetsIfNecessary`) and by kafkajs at the end of
 * each batch and when the consumer stops. So a commit never passes unfinished work, and a crash
 * re-delivers at most the records handled since the last commit (at-least-once). `eachBatch`
 * rather than `eachMessage` because it exposes `isRunning()` and `isStale()`: a record whose
 * retries are still pending is abandoned unresolved when the subscription closes or the
 * partition is revoked, instead of being finished (and committed) by a member that no longer
 * owns it.
 *
 * Concurrency: partitions side by side, and within a fetched batch the records of up to
 * `keysConcurrentlyPerPartition` different keys side by side; the records of one key always one
 * at a time, in offset order (the order the Bus promises). Offsets are resolved only up to the
 * longest prefix of the batch that is finished, so a commit never passes a record still being
 * handled. A handler that waits on a store (the message service on MongoDB) is thereby no
 * longer limited to one round trip at a time per partition.
 */
export class KafkaConsumerRunner implements Subscription {
  private closing: Promise<void> | undefined;
  /** The consumer of now: replaced when kafkajs stops one for good (`replaceConsumer`). */
  private consumer: Consumer | undefined;

  private constructor(
    private readonly kafka: Kafka,
    private readonly config: ConsumerRunnerConfig,
  ) {}

  /**
   * Resolves once the consumer has joined its group and been assigned partitions. A broker that
   * is still loading its group coordinator ("The coordinator is loading", right after a start)
   * refuses the join with a retriable error: start again with a fresh consumer, a few times.
   */
  static async start(kafka: Kafka, config: ConsumerRunnerConfig): Promise<KafkaConsumerRunner> {
    const runner = new KafkaConsumerRunner(kafka, config);
    await runner.join(JOIN_ATTEMPTS);
    return runner;
  }

  close(): Promise<void> {
    this.closing ??= this.consumer?.disconnect() ?? Promise.resolve();
    return this.closing;
  }

  /** A new consumer joins the group (`joinWithRetries`: `maxAttempts` while the join fails for a reason that passes). */
  private join(maxAttempts: number): Promise<void> {
    const { config } = this;
    return joinWithRetries(
      async () => {
        const consumer = this.kafka.consumer({
          groupId: config.group,
          allowAutoTopicCreation: false,
          maxWaitTimeInMs: config.fetchMaxWaitMs,
          sessionTimeout: config.sessionTimeoutMs,
          heartbeatInterval: Math.max(1000, Math.floor(config.sessionTimeoutMs / 3)),
        });
        consumer.on(consumer.events.REQUEST, () => void backendRequests.kafka++);
        this.consumer = consumer;
        try {
          await this.run(consumer);
        } catch (e) {
          await consumer.disconnect().catch(() => undefined);
          throw e;
        }
      },
      { maxAttempts, group: config.group, logger: config.logger },
    );
  }

  /**
   * kafkajs restarts a crashed consumer itself only when the error was retriable; after any other
   * (an error thrown from `eachBatch`, a broker's non-retriable answer) the consumer is stopped for
   * good while the process lives on, and the subscription would consume nothing again. Then a new
   * consumer joins in its place, retried until it joins or the subscription closes; the records
   * after the last commit are delivered again (at-least-once, as after a crash of the process).
   */
  private replaceConsumer(): void {
    const { config } = this;
    void (async () => {
      for (let attempt = 1; !this.closing; attempt++) {
        await sleep(Math.min(5_000, 500 * attempt));
        if (this.closing) return;
        try {
          await this.join(1);
          if (this.closing) await this.consumer?.disconnect();
          else
            config.logger?.warn(
              { topic: config.topic, group: config.group, attempt },
              'a new Kafka consumer took over',
            );
          return;
        } catch (err) {
          config.logger?.error(
            { topic: config.topic, group: config.group, attempt, err: (err as Error).message },
            'a new Kafka consumer could not join; trying again',
          );
        }
      }
    })();
  }

  private async run(consumer: Consumer): Promise<void> {
    const { config } = this;
    let starting = true;
    let startupCrash: Error | undefined;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (starting) startupCrash ??= payload.error;
      config.logger?.error(
        { topic: config.topic, group: config.group, err: payload.error.message, restart: payload.restart },
        'Kafka consumer crashed',
      );
      if (!starting && !payload.restart && this.consumer === consumer && !this.closing) this.replaceConsumer();
    });
    await consumer.connect();
    // A group without committed offsets starts at the beginning: nothing published before a
    // service first subscribed is lost.
    await consumer.subscribe({ topics: [config.topic], fromBeginning: true });
    // kafkajs resolves `run` after the join and sync, or after a crash while joining.
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: COMMIT_INTERVAL_MS,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    starting = false;
    if (startupCrash) throw startupCrash;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, commitOffsetsIfNecessary, resolveOffset } = payload;
    const control = { heartbeat, isActive: () => payload.isRunning() && !payload.isStale() };
    this.config.onLag?.(this.config.group, batch.topic, batch.partition, Number(batch.offsetLag()));
    const { processor } = this.config;
    if (!processor.batched) {
      await this.runLanes(batch.messages, payload, control);
      return;
    }
    for (let start = 0; start < batch.messages.length; start += BATCH_CHUNK) {
      if (!control.isActive()) return;
      const chunk = batch.messages.slice(start, start + BATCH_CHUNK);
      const outcome = await processor.processBatch(chunk, control);
      if (outcome === 'abandoned') return;
      if (outcome === 'one-by-one') {
        // A chunk left unfinished (the partition was lost) ends the batch: nothing after it may be resolved.
        if (!(await this.runLanes(chunk, payload, control))) return;
      } else {
        resolveOffset(chunk[chunk.length - 1]!.offset);
        for (let i = 0; i < chunk.length; i++) this.config.onConsumed?.(this.config.group, batch.topic);
      }
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /**
   * The records of `messages` one by one: keys side by side, each key's records in offset order.
   * True when every record was done with.
   */
  private async runLanes(
    messages: readonly EachBatchPayload['batch']['messages'][number][],
    payload: EachBatchPayload,
    control: PartitionControl,
  ): Promise<boolean> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary } = payload;
    // Lanes: the batch's record indexes per key, in offset order; lanes in order of first record.
    const lanes = new Map<string, number[]>();
    messages.forEach((m, i) => {
      const key = m.key?.toString('utf8') ?? '';
      const lane = lanes.get(key);
      if (lane) lane.push(i);
      else lanes.set(key, [i]);
    });
    const queue = [...lanes.values()];
    const done = new Array<boolean>(messages.length).fill(false);
    let resolvedUpTo = -1;
    let stop = false;
    let failure: unknown;
    const work = async (): Promise<void> => {
      for (let lane = queue.shift(); lane !== undefined && !stop; lane = queue.shift()) {
        for (const i of lane) {
          if (stop || !control.isActive()) {
            stop = true;
            return;
          }
          if (!(await this.config.processor.process(messages[i]!, control))) {
            stop = true;
            return;
          }
          done[i] = true;
          this.config.onConsumed?.(this.config.group, batch.topic);
          let advanced = false;
          while (resolvedUpTo + 1 < messages.length && done[resolvedUpTo + 1]) {
            resolvedUpTo++;
            advanced = true;
          }
          if (advanced) resolveOffset(messages[resolvedUpTo]!.offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      }
    };
    // A failing heartbeat or commit (a rebalance) stops every lane; it is rethrown only after all
    // of them have returned, so nothing of this batch still runs once kafkajs moves on.
    const guarded = (): Promise<void> =>
      work().catch((e: unknown) => {
        stop = true;
        failure ??= e;
      });
    await Promise.all(
      Array.from({ length: Math.min(this.config.keysConcurrentlyPerPartition, queue.length) }, guarded),
    );
    if (failure !== undefined) throw failure;
    return !stop && done.every(Boolean);
  }
}
