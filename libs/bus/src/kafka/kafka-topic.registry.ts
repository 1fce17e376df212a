import type { Admin } from 'kafkajs';

export interface TopicSpec {
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** True when kafkajs reports that every topic of a createTopics call already existed. */
function onlyAlreadyExists(e: unknown): boolean {
  const errors = (e as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.every((x) => (x as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS');
}

/** How long a creation keeps retrying retriable errors (a restarted broker electing leaders). */
const CREATE_BUDGET_MS = 90_000;

const RETRIABLE_TYPES = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_CONTROLLER',
  'REQUEST_TIMED_OUT',
]);

/**
 * True when `e`, or an error it wraps, is one Kafka may stop returning by itself. kafkajs wraps
 * the last error of its own retries in a non-retriable KafkaJSNumberOfRetriesExceeded (seen: a
 * broker restarted with many partitions answered "no leader ... in the middle of a leadership
 * election" for longer than kafkajs retries), so the cause chain decides.
 */
export function retriableTopicError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 6; depth++) {
    const err = cur as {
      retriable?: unknown;
      type?: unknown;
      name?: unknown;
      cause?: unknown;
      originalError?: unknown;
    };
    if (err.retriable === true || (typeof err.type === 'string' && RETRIABLE_TYPES.has(err.type))) return true;
    if (err.name === 'KafkaJSConnectionError' || err.name === 'KafkaJSRequestTimeoutError') return true;
    cur = err.cause ?? err.originalError;
  }
  return false;
}

/**
 * Creates Kafka topics on first use, once per process: concurrent callers of one topic share
 * the same admin call, and a failed creation is forgotten so that the next use tries again.
 */
export class KafkaTopicRegistry {
  private readonly known = new Map<string, Promise<void>>();

  constructor(
    private readonly admin: Admin,
    private readonly spec: TopicSpec,
    private readonly budgetMs = CREATE_BUDGET_MS,
  ) {}

  /** Resolves once every topic exists (created here or by anyone before). */
  async ensure(topics: readonly string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.known.has(t));
    if (missing.length > 0) this.remember(missing, this.create(missing));
    await Promise.all(topics.map((t) => this.known.get(t)));
  }

  private remember(topics: readonly string[], creation: Promise<void>): void {
    for (const t of topics) this.known.set(t, creation);
    creation.catch(() => {
      for (const t of topics) if (this.known.get(t) === creation) this.known.delete(t);
    });
  }

  /**
   * A broker that has just started (or just created the topic) can answer the leader wait with
   * a retriable error such as "This server does not host this topic-partition": try again.
   */
  private async create(topics: readonly string[]): Promise<void> {
    const { partitions: numPartitions, replicationFactor } = this.spec;
    const deadline = Date.now() + this.budgetMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor })),
        });
        return;
      } catch (e) {
        if (onlyAlreadyExists(e)) return;
        if (Date.now() >= deadline || !retriableTopicError(e)) throw e;
        await new Promise((r) => setTimeout(r, Math.min(150 * attempt, 2_000)));
      }
    }
  }
}
