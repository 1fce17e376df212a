import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { retriableJoinError } from './kafka-join';

const notCoordinator = (): KafkaJSProtocolError =>
  new KafkaJSProtocolError({
    type: 'NOT_COORDINATOR',
    code: 16,
    retriable: true,
    message: 'This is not the correct coordinator for this group',
  } as unknown as Error);

describe('retriableJoinError', () => {
  it('takes a join refused because the coordinator moved as one to try again', () => {
    expect(retriableJoinError(notCoordinator())).toBe(true);
  });

  it('looks through the error kafkajs throws once its own retries are used up (a slow machine at start)', () => {
    const exceeded = new KafkaJSNumberOfRetriesExceeded(notCoordinator(), { retryCount: 5, retryTime: 378 });
    expect(exceeded.retriable).toBe(false);
    expect(retriableJoinError(exceeded)).toBe(true);
  });

  it('does not retry an error that will not pass', () => {
    expect(retriableJoinError(new KafkaJSNonRetriableError('Topic authorization failed'))).toBe(false);
    expect(retriableJoinError(new Error('boom'))).toBe(false);
  });
});
