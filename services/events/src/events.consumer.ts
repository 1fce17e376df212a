import { deadLetterTopic, readBusinessEvent, Topics } from '@im/bus';
import type { Bus, DeadLetter, Subscription } from '@im/bus';
import type { Logger } from '@im/common';
import type { EventOutcome, EventService } from './event.service';

export const EVENTS_SERVICE_GROUP = 'events-service';

export interface EventsConsumerOptions {
  /** Most user ids in `target.users`. */
  readonly maxUsers: number;
  /** Counts a dead letter (the process metrics). */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
}

/**
 * Transport: `im.events.in` → the service. An event that fails its schema, or names a group that
 * does not exist, is written to `im.events.in.dlq` at once with the reason (retrying cannot fix
 * it) and nothing is delivered; a failure of the store or Redis is thrown, so the bus retries,
 * then dead-letters.
 */
export function subscribeEventService(
  bus: Bus,
  service: EventService,
  options: EventsConsumerOptions,
  logger: Logger,
): Promise<Subscription> {
  const deadLetter = async (key: string, value: unknown, reason: string): Promise<EventOutcome> => {
    const letter: DeadLetter = {
      topic: Topics.EVENTS_IN,
      key,
      value,
      group: EVENTS_SERVICE_GROUP,
      error: reason,
      attempts: 1,
      failedAt: Date.now(),
    };
    logger.warn({ key, reason }, 'business event refused');
    await bus.publish(deadLetterTopic(Topics.EVENTS_IN), key, letter);
    options.onDeadLetter?.(letter);
    return { ok: false, reason };
  };
  return bus.subscribe(Topics.EVENTS_IN, EVENTS_SERVICE_GROUP, async (record) => {
    const checked = readBusinessEvent(record.value, options.maxUsers);
    if (!checked.ok) return deadLetter(record.key, record.value, checked.reason);
    const outcome = await service.handle(checked.event);
    return outcome.ok ? outcome : deadLetter(record.key, record.value, outcome.reason);
  });
}
