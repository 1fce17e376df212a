import type { CommandReply } from '@im/bus';
import { AppError } from '@im/common';
import { ErrorCodes } from '@im/protocol';
import type { ErrorName } from '@im/protocol';

/** Unwraps a service's command reply, turning a refusal into the registry error it names. */
export function unwrapReply<T>(reply: CommandReply<T>): T {
  if (reply.ok) return reply.value;
  const name: ErrorName = reply.error in ErrorCodes ? (reply.error as ErrorName) : 'IM_ERR_INTERNAL';
  throw new AppError(name, reply.reason);
}
