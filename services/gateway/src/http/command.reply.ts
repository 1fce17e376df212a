import type { Bus, CommandReply, OpenTopics, RequestTopic } from '@im/bus';
import { AppError } from '@im/common';
import { ErrorCodes } from '@im/protocol';
import type { ErrorName } from '@im/protocol';

/** Unwraps a service's command reply, turning a refusal into the registry error it names. */
export function unwrapReply<T>(reply: CommandReply<T>): T {
  if (reply.ok) return reply.value;
  const name: ErrorName = reply.error in ErrorCodes ? (reply.error as ErrorName) : 'IM_ERR_INTERNAL';
  throw new AppError(name, reply.reason);
}

/**
 * Sends a command to its owning service and waits for the reply. A bus that cannot deliver it or
 * bring the reply back in time is `IM_ERR_UNAVAILABLE` (retry), not an internal error.
 */
export async function requestCommand<T>(bus: Bus, topic: RequestTopic, key: string, command: unknown): Promise<T> {
  let reply: CommandReply<T>;
  try {
    reply = (await (bus as unknown as Bus<OpenTopics>).request(topic, key, command)) as CommandReply<T>;
  } catch (e) {
    throw new AppError('IM_ERR_UNAVAILABLE', 'the service did not answer in time; retry', e);
  }
  return unwrapReply(reply);
}
