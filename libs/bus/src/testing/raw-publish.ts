import type { Bus, OpenTopics } from '../bus.port';

/**
 * The one escape hatch from the typed bus, for tests that must put on a topic what no typed
 * producer can: a malformed or fuzzed record, a foreign system's loosely built event. The record
 * still goes through the bus's own `publish` (namespace, batching, durability); only the compile-time
 * check of its value against the topic's contract is skipped.
 */
export function publishRaw(bus: Bus, topic: string, key: string, value: unknown): Promise<void> {
  return (bus as unknown as Bus<OpenTopics>).publish(topic, key, value);
}
