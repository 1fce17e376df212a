import type { Admin } from 'kafkajs';
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { KafkaTopicRegistry, retriableTopicError } from './kafka-topic.registry';

/** kafkajs' own error for a broker still electing leaders, wrapped as its retries give up. */
function electionGaveUp(): Error {
  const cause = new KafkaJSProtocolError({
    message: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
    type: 'LEADER_NOT_AVAILABLE',
    code: 5,
    retriable: true,
  } as never);
  return new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 15, retryTime: 1000 });
}

function adminFailing(failures: Error[]): { admin: Admin; calls: () => number } {
  let calls = 0;
  const admin = {
    createTopics: async () => {
      calls++;
      const next = failures.shift();
      if (next) throw next;
      return true;
    },
  } as unknown as Admin;
  return { admin, calls: () => calls };
}

describe('KafkaTopicRegistry', () => {
  it('keeps creating through a leader election that outlasted kafkajs retries', async () => {
    const { admin, calls } = adminFailing([electionGaveUp(), electionGaveUp()]);
    await new KafkaTopicRegistry(admin, { partitions: 1, replicationFactor: 1 }).ensure(['t']);
    expect(calls()).toBe(3);
  });

  it('gives up at once on an error retrying cannot fix, and tries again on the next use', async () => {
    const bad = new KafkaJSProtocolError({
      message: 'Replication-factor is invalid',
      type: 'INVALID_REPLICATION_FACTOR',
      code: 38,
      retriable: false,
    } as never);
    const { admin, calls } = adminFailing([bad]);
    const registry = new KafkaTopicRegistry(admin, { partitions: 1, replicationFactor: 3 });
    await expect(registry.ensure(['t'])).rejects.toThrow(/Replication-factor/);
    expect(calls()).toBe(1);
    await registry.ensure(['t']);
    expect(calls()).toBe(2);
  });

  it('stops retrying when its time budget is spent', async () => {
    const { admin, calls } = adminFailing(Array.from({ length: 50 }, electionGaveUp));
    await expect(
      new KafkaTopicRegistry(admin, { partitions: 1, replicationFactor: 1 }, 0).ensure(['t']),
    ).rejects.toThrow(/leadership election/);
    expect(calls()).toBe(1);
  });

  it('reads retriability through the cause chain', () => {
    expect(retriableTopicError(electionGaveUp())).toBe(true);
    expect(retriableTopicError(new Error('boom'))).toBe(false);
    expect(
      retriableTopicError(
        Object.assign(new Error('outer'), { cause: Object.assign(new Error('inner'), { type: 'NOT_CONTROLLER' }) }),
      ),
    ).toBe(true);
  });
});
