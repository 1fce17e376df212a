import { Topics } from '@im/bus';
import type { Bus, CallCommand, CallCommandOutcome } from '@im/bus';
import { AppError } from '@im/common';
import type { Clock, Logger, TokenClaims } from '@im/common';
import { MessageType } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import { ServiceCommands } from '../service-commands';
import type { UserDirectory } from '../users/user-directory';

export interface CallSender {
  readonly claims: TokenClaims;
  readonly deviceId: string;
}

/** The call signals the chat controller hands over: the registry's `call-signal` types. */
export interface CallSignals {
  signal(sender: CallSender, m: ImMessage): Promise<void>;
}

/** What the socket gateway tells about call devices. */
export interface CallDeviceEvents {
  /** `connectedAt` (default now): when the device's connection opened, for one whose device settled later (type 1). */
  deviceConnected(userId: string, deviceId: string, connectedAt?: number): Promise<void>;
  deviceDisconnected(userId: string, deviceId: string): Promise<void>;
  /** A gateway died (its liveness lease lapsed) holding these users; resolves once the call service knows. */
  gatewayLost(gatewayId: string, userIds: readonly string[]): Promise<void>;
}

/**
 * The gateway's side of calls: validated, authenticated call signals go to the call service as
 * requests on `im.calls.commands` (the reply is the sender's acknowledgement or the refusal),
 * and so do the connects and disconnects of devices. It also remembers the group calls each of
 * its devices joined, since only this gateway sees that device's socket close.
 */
export class CallForwarder implements CallSignals, CallDeviceEvents {
  /** `userId/deviceId` → the groups whose call that device joined through this gateway. */
  private readonly local = new Map<string, Set<string>>();
  private readonly commands: ServiceCommands;

  constructor(
    bus: Bus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The caller's name and avatar on the signals come from the directory, never from the client. */
    private readonly users?: UserDirectory,
  ) {
    this.commands = new ServiceCommands(bus, logger);
  }

  async signal(sender: CallSender, m: ImMessage): Promise<void> {
    if (m.fromId !== sender.claims.sub) throw new AppError('IM_ERR_SPOOFED_SENDER');
    const { sub } = sender.claims;
    const face = this.users ? await this.users.senderFace(sender.claims) : undefined;
    const { name, avatar } = face ? { name: face.fromName, avatar: face.imageIconUrl } : sender.claims;
    const claims = { sub, ...(name !== undefined ? { name } : {}), ...(avatar !== undefined ? { avatar } : {}) };
    await this.request({
      kind: 'signal',
      sender: { claims, deviceId: sender.deviceId },
      message: m,
      at: this.clock.now(),
    });
    if (m.messageType === MessageType.MULTI_CALL_AUDIO_INVITE || m.messageType === MessageType.MULTI_CALL_VIDEO_INVITE)
      this.remember(sub, sender.deviceId, m.destId);
    if (m.messageType === MessageType.MULTI_CALL_ENDED_BY_INITIATOR) this.forget(sub, sender.deviceId, m.destId);
  }

  async deviceConnected(userId: string, deviceId: string, connectedAt?: number): Promise<void> {
    await this.request({ kind: 'device-connected', userId, deviceId, at: connectedAt ?? this.clock.now() });
  }

  /** Never throws: logs a failure (the call then ends by its other party's hangup). */
  async deviceDisconnected(userId: string, deviceId: string): Promise<void> {
    const key = `${userId}/${deviceId}`;
    const groups = [...(this.local.get(key) ?? [])];
    try {
      const outcome = await this.request({ kind: 'device-disconnected', userId, deviceId, groups });
      if (outcome.left === true) this.local.delete(key);
    } catch (err) {
      this.logger.warn({ err, userId }, 'could not tell the call service about a disconnected device');
    }
  }

  async gatewayLost(gatewayId: string, userIds: readonly string[]): Promise<void> {
    await this.request({ kind: 'users-lost', gatewayId, userIds });
  }

  private request(command: CallCommand): Promise<CallCommandOutcome> {
    return this.commands.request(Topics.CALL_COMMANDS, command);
  }

  private remember(userId: string, deviceId: string, groupId: string): void {
    const key = `${userId}/${deviceId}`;
    const set = this.local.get(key) ?? new Set<string>();
    set.add(groupId);
    this.local.set(key, set);
  }

  private forget(userId: string, deviceId: string, groupId: string): void {
    const set = this.local.get(`${userId}/${deviceId}`);
    set?.delete(groupId);
    if (set?.size === 0) this.local.delete(`${userId}/${deviceId}`);
  }
}
