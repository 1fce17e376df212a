import { isTransientError } from '@im/common';
import type { DeadLetter } from '../bus.port';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@im/common';
import type { KafkaConfig } from 'kafkajs';

export interface KafkaBusOptions {
  readonly brokers: string[];
  readonly clientId: string;
  /** kafkajs logs reach it at warn and above; without one the bus is silent. */
  readonly logger?: Logger;
  /** Told of every record this bus dead-letters (metrics, alerts). */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
  /**
   * Which handler errors mean "a dependency is down": such a record is retried (at most 5 s
   * apart) until it is handled or the partition is given up, never dead-lettered. Default
   * `isTransientError` of @im/common (MongoDB driver network errors, refused connections,
   * `IM_ERR_UNAVAILABLE`).
   */
  readonly isTransient?: (e: unknown) => boolean;
  /** Told, per fetched batch, the consumer lag of a group on one partition (metrics). */
  readonly onLag?: (group: string, topic: string, partition: number, lag: number) => void;
  /** Told of every record a subscription has handled (for a records-consumed rate). */
  readonly onConsumed?: (group: string, topic: string) => void;
  /** Partitions of a topic this bus creates; default 4. */
  readonly topicPartitions?: number;
  /** Replication factor of a topic this bus creates; default 1. */
  readonly replicationFactor?: number;
  /** Prefix of every physical topic name (`<namespace>.<topic>`); default none. */
  readonly namespace?: string;
  /** Handler attempts before a record is dead-lettered; default 3. */
  readonly maxAttempts?: number;
  /** First pause between attempts, doubled after each; default 100 ms. */
  readonly retryDelayMs?: number;
  /** How long a publish waits for others to share its produce request; default 2 ms. */
  readonly lingerMs?: number;
  /** Most records in one produce request; default 1000. */
  readonly maxBatchRecords?: number;
  /** Most value bytes in one produce request; default 512 KiB. */
  readonly maxBatchBytes?: number;
  /** Partitions one subscription handles at the same time; default topicPartitions. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Keys of one partition whose records are handled at the same time; default 16. Records of
   * one key are always handled one after another, in order. 1 = the whole partition in order.
   */
  readonly keysConcurrentlyPerPartition?: number;
  /** Longest a fetch waits for new records (also bounds how long a close waits); default 500 ms. */
  readonly fetchMaxWaitMs?: number;
  /**
   * How long the group waits for a silent member before giving its partitions to others; default
   * 10 000 ms (the broker's minimum is 6 000). Lower means faster recovery after a crash, higher
   * tolerates longer pauses. Heartbeats go at a third of it.
   */
  readonly sessionTimeoutMs?: number;
  /** Identifies this process in request/reply; default a random UUID. */
  readonly instanceId?: string;
  readonly ssl?: KafkaConfig['ssl'];
  readonly sasl?: KafkaConfig['sasl'];
  readonly connectionTimeout?: number;
  readonly requestTimeout?: number;
  /** kafkajs retry of every request (connects included): it bounds how long a publish can fail. */
  readonly retry?: KafkaConfig['retry'];
  readonly socketFactory?: KafkaConfig['socketFactory'];
}

export interface ResolvedKafkaBusOptions {
  readonly brokers: string[];
  readonly clientId: string;
  readonly logger: Logger | undefined;
  readonly onDeadLetter: ((letter: DeadLetter) => void) | undefined;
  readonly isTransient: (e: unknown) => boolean;
  readonly onLag: ((group: string, topic: string, partition: number, lag: number) => void) | undefined;
  readonly onConsumed: ((group: string, topic: string) => void) | undefined;
  readonly topicPartitions: number;
  readonly replicationFactor: number;
  readonly namespace: string;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly lingerMs: number;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  readonly partitionsConsumedConcurrently: number;
  readonly keysConcurrentlyPerPartition: number;
  readonly fetchMaxWaitMs: number;
  readonly sessionTimeoutMs: number;
  readonly instanceId: string;
}

export function resolveKafkaBusOptions(o: KafkaBusOptions): ResolvedKafkaBusOptions {
  const topicPartitions = o.topicPartitions ?? 4;
  return {
    brokers: o.brokers,
    clientId: o.clientId,
    logger: o.logger,
    onDeadLetter: o.onDeadLetter,
    isTransient: o.isTransient ?? isTransientError,
    onLag: o.onLag,
    onConsumed: o.onConsumed,
    topicPartitions,
    replicationFactor: o.replicationFactor ?? 1,
    namespace: o.namespace ?? '',
    maxAttempts: Math.max(1, o.maxAttempts ?? 3),
    retryDelayMs: o.retryDelayMs ?? 100,
    lingerMs: o.lingerMs ?? 2,
    maxBatchRecords: o.maxBatchRecords ?? 1000,
    maxBatchBytes: o.maxBatchBytes ?? 512 * 1024,
    partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? topicPartitions,
    keysConcurrentlyPerPartition: Math.max(1, o.keysConcurrentlyPerPartition ?? 16),
    fetchMaxWaitMs: o.fetchMaxWaitMs ?? 500,
    sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
    instanceId: o.instanceId ?? randomUUID(),
  };
}
