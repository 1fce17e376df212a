import type { ImMessage } from '@im/protocol';
import { requestTopic } from './topic-contract';

/** Who sent a call signal: the token's user, name and avatar, and the device. */
export interface CallSenderRef {
  readonly claims: { readonly sub: string; readonly name?: string; readonly avatar?: string };
  readonly deviceId: string;
}

/** What the gateways ask of the call service (docs/calls-and-chatrooms.md). Replies: `CommandReply<CallCommandOutcome>`. */
export type CallCommand =
  /**
   * A validated client message of a call type (42-45, 150-160, 163-165); content untouched.
   * `at`: when the gateway sent it; one older than the request timeout is refused unhandled
   * (its sender was already told to retry).
   */
  | { readonly kind: 'signal'; readonly sender: CallSenderRef; readonly message: ImMessage; readonly at: number }
  /**
   * A device connected (a ringing callee's new device rings too; a dropped party is back).
   * `at`: when the gateway sent it, after the device could receive; only a device that connected
   * after the call began is rung again (absent in commands from older gateways: then it rings).
   */
  | { readonly kind: 'device-connected'; readonly userId: string; readonly deviceId: string; readonly at?: number }
  /** A device's socket closed; `groups`: the group calls it joined through that gateway. */
  | {
      readonly kind: 'device-disconnected';
      readonly userId: string;
      readonly deviceId: string;
      readonly groups: readonly string[];
    }
  /** A gateway died without closing its sockets: these users' call devices there are gone. */
  | { readonly kind: 'users-lost'; readonly gatewayId: string; readonly userIds: readonly string[] };

/** `left`: a disconnected device was handled (false when the same device is already back). */
export interface CallCommandOutcome {
  readonly done: true;
  readonly left?: boolean;
}

/**
 * The key of a call command on `im.calls.commands`: a multi-party signal's group (one group's call
 * changes in order), a dead gateway's id, else the user (a 1:1 call has no id on the wire and a
 * user is in one call at a time).
 */
export function callCommandKey(command: CallCommand): string {
  switch (command.kind) {
    case 'signal':
      return command.message.fromType === 2 ? `group:${command.message.destId}` : command.sender.claims.sub;
    case 'users-lost':
      return `gateway:${command.gatewayId}`;
    default:
      return command.userId;
  }
}

/** Call commands (docs/calls-and-chatrooms.md). Producer: gateway. Consumer: call service (request/reply). */
export const CALL_COMMANDS = requestTopic<CallCommand, CallCommandOutcome>()('im.calls.commands', callCommandKey, {
  key: 'group:<groupId> for a multi-party signal, gateway:<id> for a dead gateway, else the user id',
  producers: ['gateway'],
  consumer: 'call-service',
  description:
    'Call signals from clients, call devices connecting and disconnecting, the users of a gateway that died (docs/calls-and-chatrooms.md).',
  payloadType: 'CallCommand',
});
