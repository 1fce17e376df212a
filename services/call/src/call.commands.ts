import { Topics } from '@im/bus';
import type { Bus, CallCommand, CallCommandOutcome, CommandReply, Subscription } from '@im/bus';
import { toImError } from '@im/common';
import type { Clock, Logger } from '@im/common';
import type { CallService } from './call.service';
import type { CallLifecycle } from './call.lifecycle';
import type { MultiCallService } from './multi-call.service';

export const CALL_SERVICE_GROUP = 'call-service';

/** How long a signal may wait on the bus: the gateway's request timeout, after which its sender was told to retry. */
export const SIGNAL_MAX_AGE_MS = 10_000;

const done = (left?: boolean): CommandReply<CallCommandOutcome> => ({
  ok: true,
  value: left === undefined ? { done: true } : { done: true, left },
});

/**
 * The call service's entry point: every command of `im.calls.commands`, answered with a reply
 * (the sender's acknowledgement or a registry error: not a party, busy, no such call...). Never
 * throws: a signal is not retried by the bus (a retry of a half-applied signal would answer a
 * different error), an unexpected failure is logged and answered as internal.
 */
export class CallCommands {
  constructor(
    private readonly oneToOne: CallService,
    private readonly multi: MultiCallService,
    private readonly lifecycle: CallLifecycle,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async handle(command: CallCommand): Promise<CommandReply<CallCommandOutcome>> {
    try {
      switch (command.kind) {
        case 'signal': {
          if (this.clock.now() - command.at > SIGNAL_MAX_AGE_MS)
            return { ok: false, error: 'IM_ERR_UNAVAILABLE', reason: 'the signal waited too long; retry' };
          const { sender, message } = command;
          await (this.multi.handles(message)
            ? this.multi.signal(sender, message)
            : this.oneToOne.signal(sender, message));
          return done();
        }
        case 'device-connected':
          await this.lifecycle.deviceConnected(command.userId, command.deviceId, command.at);
          return done();
        case 'device-disconnected':
          return done(await this.lifecycle.deviceDisconnected(command.userId, command.deviceId, command.groups));
        case 'users-lost':
          this.logger.info(
            { gatewayId: command.gatewayId, users: command.userIds.length },
            'gateway lost: checking its users’ calls',
          );
          await this.lifecycle.usersLost(command.userIds);
          return done();
        default:
          return { ok: false, error: 'IM_ERR_BAD_REQUEST', reason: 'unknown call command' };
      }
    } catch (e) {
      const { error, known } = toImError(e);
      if (!known) this.logger.error({ err: e, kind: command.kind }, 'call command failed');
      return { ok: false, error: error.name, reason: error.reason };
    }
  }
}

export function subscribeCallService(bus: Bus, commands: CallCommands): Promise<Subscription> {
  return bus.subscribe(Topics.CALL_COMMANDS, CALL_SERVICE_GROUP, (record) => commands.handle(record.value));
}
