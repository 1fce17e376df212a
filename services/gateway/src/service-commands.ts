import { contractOf } from '@im/bus';
import type { Bus, CommandReply, CommandTopic, RecordOf, ReplyOf } from '@im/bus';
import { AppError } from '@im/common';
import type { Logger } from '@im/common';
import { ErrorCodes } from '@im/protocol';
import type { ErrorName } from '@im/protocol';

/** What a command on topic `K` answers when it succeeds (the value of its `CommandReply`). */
export type CommandValueOf<K extends CommandTopic> = ReplyOf<K> extends CommandReply<infer T> ? T : never;

/** Unwraps a service's command reply, turning a refusal into the registry error it names. */
function unwrapReply<T>(reply: CommandReply<T>): T {
  if (reply.ok) return reply.value;
  const name: ErrorName = reply.error in ErrorCodes ? (reply.error as ErrorName) : 'IM_ERR_INTERNAL';
  throw new AppError(name, reply.reason);
}

/**
 * The gateway's one way to send a command to the service that owns it (group, friend, wallet,
 * call) and wait for its answer. The key is the topic contract's key function, so a command stays
 * in order with the others of its group, user, packet or call. A refusal becomes the registry error
 * it names (the HTTP error or the socket ack code); a bus that cannot deliver the command or bring
 * the reply back in time is `IM_ERR_UNAVAILABLE`: the command may still be carried out, and every
 * command is idempotent, so the client retries the same request and learns the outcome.
 */
export class ServiceCommands {
  constructor(
    private readonly bus: Bus,
    private readonly logger?: Logger,
  ) {}

  /**
   * `T` narrows the answer to what this command's kind replies (e.g. `{ groupId: string }` for a
   * group `create`); it must be one of the topic's reply values.
   */
  async request<K extends CommandTopic, T extends CommandValueOf<K> = CommandValueOf<K>>(
    topic: K,
    command: RecordOf<K>,
  ): Promise<T> {
    const contract = contractOf(topic);
    const key = contract.key(command);
    let reply: ReplyOf<K>;
    try {
      reply = await this.bus.request(topic, key, command);
    } catch (err: unknown) {
      this.logger?.warn({ err, topic, kind: command.kind }, 'command unanswered');
      const service = contract.doc.consumer.replace('-', ' ');
      throw new AppError('IM_ERR_UNAVAILABLE', `the ${service} did not answer in time; retry the same request`, err);
    }
    return unwrapReply(reply as CommandReply<CommandValueOf<K>>) as T;
  }
}
