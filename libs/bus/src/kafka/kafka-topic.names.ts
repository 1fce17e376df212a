import { deadLetterTopic } from '../bus.port';

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/** Maps the bus's logical topic names to Kafka topics (optionally namespaced). */
export class KafkaTopicNames {
  constructor(private readonly namespace: string) {}

  /** The Kafka topic of a logical topic; throws on a name Kafka would refuse. */
  physical(topic: string): string {
    const name = this.namespace ? `${this.namespace}.${topic}` : topic;
    if (!LEGAL_TOPIC.test(name))
      throw new Error(`invalid Kafka topic name "${name}" (allowed: 1-249 of [a-zA-Z0-9._-])`);
    return name;
  }

  /** The Kafka topic of `<topic>.dlq`. */
  deadLetter(topic: string): string {
    return this.physical(deadLetterTopic(topic));
  }

  /** The Kafka topics a subscription or publish on `topic` needs: itself and its dead-letter topic. */
  withDeadLetter(topic: string): string[] {
    return KafkaTopicNames.isDeadLetter(topic)
      ? [this.physical(topic)]
      : [this.physical(topic), this.deadLetter(topic)];
  }

  /** The Kafka consumer group of a logical group: namespaced like topics, so installations sharing a broker never join each other's groups. */
  group(name: string): string {
    return this.namespace ? `${this.namespace}.${name}` : name;
  }

  /** Where every handler sends its replies to `request`. */
  replies(): string {
    return this.physical('im.replies');
  }

  static isDeadLetter(topic: string): boolean {
    return topic.endsWith('.dlq');
  }
}
