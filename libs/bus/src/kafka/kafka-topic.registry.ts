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

const MAX_CREATE_ATTEMPTS = 8;

function retriable(e: unknown): boolean {
  const err = e as { retriable?: unknown; type?: unknown; message?: unknown };
  return err.retriable === true || err.type === 'UNKNOWN_TOPIC_OR_PARTITION' || err.type === 'LEADER_NOT_AVAILABLE';
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
    for (let attempt = 1; ; attempt++) {
      try {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor })),
        });
        return;
      } catch (e) {
        if (onlyAlreadyExists(e)) return;
        if (attempt >= MAX_CREATE_ATTEMPTS || !retriable(e)) throw e;
        await new Promise((r) => setTimeout(r, 150 * attempt));
      }
    }
  }
}
