import { KeyedLanes } from '@im/common';
import type { Clock, Logger } from '@im/common';
import type { ImMessage } from '@im/protocol';
import type { DeviceSession, Presence } from '@im/realtime';
import type { Store } from '@im/store';
import type { CallDeviceEvents } from '../call/call.forwarder';
import type { ChatroomController } from '../chatroom/chatroom.controller';
import type { ChatroomService } from '../chatroom/chatroom.service';
import type { GatewaySettings } from '../gateway.config';
import type { Ack, AckAnswer, ChatController } from './chat.controller';
import { CursorWriter } from './cursor-writer';
import { DeviceChannel } from './device-channel';
import { SharedDownlink } from './shared-downlink';
import type { DeliveryPath } from './device-channel';
import type { DeliveryRouter } from './delivery.router';
import { kickSession, sessionsToReplace } from './presence.notifier';
import type { PresenceNotifier } from './presence.notifier';
import type { AccessGate } from '../security/access-gate';
import type { UserDirectory } from '../users/user-directory';
import { TokenBucket } from './rate-limiter';
import { connectionDeviceId, devTypeDeviceId, identify, readDevType } from './socket-auth';
import type { SocketIdentity } from './socket-auth';
import type { ImServer, ImSocket } from './socket.events';

export interface SocketGatewayDeps {
  readonly io: ImServer;
  readonly store: Store;
  readonly presence: Presence;
  readonly router: DeliveryRouter;
  readonly controller: ChatController;
  /** Friends' online / offline notices (5 / 6); absent = none. */
  readonly notifier?: PresenceNotifier;
  /** The `chatroom` event (100-102); absent = not served. */
  readonly chatrooms?: { readonly controller: ChatroomController; readonly service: ChatroomService };
  /** Told when a device connects or disconnects (the call service's grace period); absent = no calls. */
  readonly calls?: CallDeviceEvents;
  readonly settings: GatewaySettings;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Told of every downlink sent, and of each acknowledged one (metrics). */
  readonly observeDownlink?: { sent(message: ImMessage): void; acked(message: ImMessage, path: DeliveryPath): void };
  /** Banned users and revoked tokens are refused at the handshake; absent = no such check. */
  readonly access?: AccessGate;
  /** Creates a user's profile from the token claims at first connect; absent = none. */
  readonly users?: UserDirectory;
}

/** Socket.IO wiring: authentication, one device channel per socket, the `chat` event. */
export class SocketGateway {
  private readonly channels = new Map<string, DeviceChannel>();
  private readonly sessionsById = new Map<string, DeviceSession>();
  /** Per user: a user's presence add/remove and the 5/6 decisions run one at a time here. */
  private readonly presenceLanes = new KeyedLanes();
  /** Sockets admitted on this gateway per user, from the handshake until the transport closes. */
  private readonly admitted = new Map<string, Map<string, DeviceSession>>();

  /** The device cursors of every socket here, written in bulk. */
  readonly cursors: CursorWriter;
  /** Acknowledged downlinks, each message encoded once for all its sockets. */
  private readonly downlink: SharedDownlink;

  constructor(private readonly d: SocketGatewayDeps) {
    this.cursors = new CursorWriter(d.store.cursors, d.logger, d.settings.cursorFlushMs);
    this.downlink = new SharedDownlink(d.io.of('/'), d.settings.ackTimeoutMs);
    d.io.use((socket, next) => {
      void this.admit(socket).then(
        (refusal) => next(refusal),
        (err: unknown) => {
          d.logger.warn({ err, address: socket.handshake.address }, 'connection refused: a check failed');
          next(new Error('temporarily unavailable: retry'));
        },
      );
    });
    d.io.on('connection', (socket) => void this.onConnection(socket));
  }

  /** Authenticates a handshake: undefined admits it, an Error (sent to the client) refuses it. */
  private async admit(socket: ImSocket): Promise<Error | undefined> {
    const d = this.d;
    const result = identify(socket, d.settings.jwtSecret, d.clock.now());
    if (!result.ok) {
      d.logger.info({ reason: result.reason, address: socket.handshake.address }, 'connection refused');
      return new Error(`unauthorized: ${result.reason}`);
    }
    const denied = await d.access?.refusal(result.identity.claims);
    if (denied !== undefined) {
      d.logger.info(
        { reason: denied, userId: result.identity.claims.sub, address: socket.handshake.address },
        'connection refused',
      );
      return new Error(`unauthorized: ${denied}`);
    }
    await d.users?.ensure(result.identity.claims);
    const refusal = await this.checkConnectionLimit(socket, result.identity);
    if (refusal) return refusal;
    socket.data.identity = result.identity;
    return undefined;
  }

  /**
   * The per-user connection limit: the user's sessions on other gateways (presence) plus the
   * sockets admitted here, less those this login replaces (per-devtype / single), must stay below
   * `maxConnectionsPerUser`. Exact per gateway; across gateways handshakes in flight at the same
   * moment may overshoot by the number of gateways.
   */
  private async checkConnectionLimit(socket: ImSocket, identity: SocketIdentity): Promise<Error | undefined> {
    const d = this.d;
    const userId = identity.claims.sub;
    const elsewhere = (await d.presence.sessionsOf(userId)).filter((s) => s.gatewayId !== d.settings.gatewayId);
    // No await from here on: the count and the admission happen together.
    const here = this.admitted.get(userId) ?? new Map<string, DeviceSession>();
    const mine: DeviceSession = {
      userId,
      deviceId: identity.deviceId,
      socketId: socket.id,
      gatewayId: d.settings.gatewayId,
      ...(identity.devType !== undefined ? { devType: identity.devType } : {}),
      connectedAt: d.clock.now(),
    };
    const all = [...elsewhere, ...here.values()];
    const remaining = all.length - sessionsToReplace(d.settings.multiDevice, mine, all).length;
    if (remaining >= d.settings.maxConnectionsPerUser) {
      d.logger.info(
        { reason: 'connection limit', userId, sessions: all.length, address: socket.handshake.address },
        'connection refused',
      );
      return new Error(`too many connections for this user (limit ${d.settings.maxConnectionsPerUser})`);
    }
    here.set(socket.id, mine);
    this.admitted.set(userId, here);
    // The transport's close fires whether or not the socket ever reached `connection`.
    socket.conn.once('close', () => {
      here.delete(socket.id);
      if (here.size === 0 && this.admitted.get(userId) === here) this.admitted.delete(userId);
    });
    return undefined;
  }

  /** The channel of a connected socket (tests and the disconnect path use it). */
  channelOf(socketId: string): DeviceChannel | undefined {
    return this.channels.get(socketId);
  }

  /** The sessions this gateway holds, for the periodic presence refresh. */
  sessions(): DeviceSession[] {
    return [...this.sessionsById.values()];
  }

  get connectionCount(): number {
    return this.channels.size;
  }

  disconnect(channel: DeviceChannel, reason: string): void {
    for (const [socketId, ch] of this.channels) {
      if (ch !== channel) continue;
      const socket = this.d.io.sockets.sockets.get(socketId);
      socket?.emit('kicked', { reason });
      socket?.disconnect(true);
    }
  }

  private async onConnection(socket: ImSocket): Promise<void> {
    const { identity } = socket.data;
    const log = this.d.logger.child({ userId: identity.claims.sub, deviceId: identity.deviceId, socketId: socket.id });
    const emit = (message: ImMessage, onAck?: () => void, path: DeliveryPath = 'live'): void => {
      this.d.observeDownlink?.sent(message);
      if (!onAck) {
        socket.emit('chat', message);
        return;
      }
      this.downlink.emit(socket, message, () => {
        this.d.observeDownlink?.acked(message, path);
        onAck();
      });
    };
    const channel = new DeviceChannel({
      userId: identity.claims.sub,
      deviceId: identity.deviceId,
      store: this.d.store,
      cursors: this.cursors,
      logger: log,
      emit,
      syncMaxPerConversation: this.d.settings.syncMaxPerConversation,
      clock: this.d.clock,
    });
    this.channels.set(socket.id, channel);
    const bucket = new TokenBucket(this.d.settings.rateLimitPerSec, this.d.settings.rateLimitBurst, this.d.clock);
    const registered = this.register(socket, channel, identity);
    const ctx = {
      // The identity of an unsettled device changes at type 1 (settle).
      get identity(): SocketIdentity {
        return socket.data.identity;
      },
      channel,
      bucket,
      emit,
      reportError: (a: AckAnswer) => socket.emit('im_error', a),
      start: async (devType: number | undefined): Promise<void> => {
        await registered;
        await this.settle(socket, channel, devType);
        channel.start();
        // Who is online now, after the sync: the 5s the device missed while it was away.
        for (const notice of (await this.d.notifier?.onlineFriendsNotices(channel.userId)) ?? [])
          channel.pushLive(notice);
      },
    };
    socket.on('chat', (payload: unknown, ack?: unknown) => {
      void this.d.controller.onChat(ctx, payload, typeof ack === 'function' ? (ack as Ack) : undefined);
    });
    const chatrooms = this.d.chatrooms;
    if (chatrooms) {
      socket.on('chatroom', (payload: unknown, ack?: unknown) => {
        void chatrooms.controller.onChatroom(
          { identity, socket, bucket },
          payload,
          typeof ack === 'function' ? (ack as Ack) : undefined,
        );
      });
    }
    socket.on(
      'disconnect',
      (reason: string) =>
        void registered.catch(() => undefined).then(() => this.onDisconnect(socket, channel, log, reason)),
    );
    try {
      await registered;
      // A revocation that landed between the handshake check and joining the user's room would
      // have missed this socket: look again now that the room reaches it.
      const denied = await this.d.access?.refusal(identity.claims);
      if (denied !== undefined) {
        log.info({ reason: denied }, 'connection closed: revoked or banned during the handshake');
        socket.emit('kicked', { reason: denied === 'user banned' ? 'user banned' : 'sessions revoked' });
        socket.disconnect(true);
        return;
      }
    } catch (e) {
      log.error({ err: e }, 'could not register the connection; closing it');
      socket.disconnect(true);
      return;
    }
    if (socket.connected) socket.emit('ready', { userId: identity.claims.sub, serverTime: this.d.clock.now() });
    // One line per connection and one per disconnection at info (the ids are the logger's bindings; never the token).
    log.info(
      { address: socket.handshake.address, devType: identity.devType, protocol: socket.conn.protocol },
      'connected',
    );
  }

  private async register(socket: ImSocket, channel: DeviceChannel, identity: SocketIdentity): Promise<void> {
    // Rooms are shared across gateways by the Socket.IO adapter: `user:` for per-user operations
    // (disconnect everywhere), more (chatrooms) as features arrive.
    await socket.join(
      identity.settled
        ? [`user:${identity.claims.sub}`, `device:${identity.claims.sub}:${identity.deviceId}`]
        : [`user:${identity.claims.sub}`],
    );
    await this.d.router.add(channel);
    const session = this.sessionFor(socket, identity);
    this.sessionsById.set(socket.id, session);
    await this.presenceLanes.run(session.userId, async () => {
      const { firstForUser } = await this.addSession(session);
      if (firstForUser) await this.d.notifier?.online(session.userId);
    });
    // Not awaited: a slow or absent call service must not hold up the socket's `ready`.
    if (identity.settled) this.tellCallsConnected(session);
  }

  private sessionFor(socket: ImSocket, identity: SocketIdentity): DeviceSession {
    return {
      userId: identity.claims.sub,
      deviceId: identity.deviceId,
      socketId: socket.id,
      gatewayId: this.d.settings.gatewayId,
      ...(identity.devType !== undefined ? { devType: identity.devType } : {}),
      ...(identity.ownDevice ? { ownDevice: true as const } : {}),
      connectedAt: this.d.clock.now(),
    };
  }

  /**
   * Records the session in presence and closes the sessions it replaces under the multi-device
   * policy (inside the user's presence lane). A replaced session of another device is logged out
   * there: its push token goes too, so the old phone gets no pushes meant for the new one.
   */
  private async addSession(session: DeviceSession): Promise<{ firstForUser: boolean }> {
    const added = await this.d.presence.add(session);
    if (this.d.settings.multiDevice !== 'many') {
      const replaced = sessionsToReplace(
        this.d.settings.multiDevice,
        session,
        await this.d.presence.sessionsOf(session.userId),
      );
      for (const old of replaced) {
        kickSession(this.d.io, old, this.d.clock.now());
        if (old.deviceId !== session.deviceId) await this.d.store.pushDevices.remove(old.userId, old.deviceId);
      }
    }
    return added;
  }

  private tellCallsConnected(session: DeviceSession, connectedAt?: number): void {
    void this.d.calls
      ?.deviceConnected(session.userId, session.deviceId, connectedAt)
      .catch((err: unknown) => this.d.logger.warn({ err }, 'call reconnect check failed'));
  }

  /**
   * Type 1 of a connection whose handshake named no device: the body's `devType` makes it that
   * device type's device (`devtype-<n>`), else the connection is its own device. Its session is
   * recorded again with the settled device and the multi-device policy applied as at a connect.
   * Only the first type 1 settles; later ones change nothing.
   */
  private async settle(socket: ImSocket, channel: DeviceChannel, rawDevType: number | undefined): Promise<void> {
    const { data } = socket;
    if (data.identity.settled) return;
    const connectedAt = this.sessionsById.get(socket.id)?.connectedAt;
    const devType = readDevType(rawDevType);
    const identity: SocketIdentity =
      devType !== undefined
        ? { claims: data.identity.claims, deviceId: devTypeDeviceId(devType), devType, settled: true }
        : {
            claims: data.identity.claims,
            deviceId: connectionDeviceId(socket.id),
            devType: undefined,
            settled: true,
            ownDevice: true,
          };
    data.identity = identity;
    channel.setDevice(identity.deviceId);
    await socket.join(`device:${identity.claims.sub}:${identity.deviceId}`);
    if (!socket.connected || !this.sessionsById.has(socket.id)) return;
    const session = this.sessionFor(socket, identity);
    this.sessionsById.set(socket.id, session);
    await this.presenceLanes.run(session.userId, () => this.addSession(session));
    // The channel got every offer made from its registration on (queued until type 1), so a call
    // begun in the millisecond of registration or later already rang it: it is not rung again.
    this.tellCallsConnected(session, connectedAt === undefined ? undefined : connectedAt - 1);
  }

  private async onDisconnect(socket: ImSocket, channel: DeviceChannel, log: Logger, reason: string): Promise<void> {
    this.channels.delete(socket.id);
    this.sessionsById.delete(socket.id);
    const { identity } = socket.data;
    try {
      await this.d.chatrooms?.service.disconnected(socket.id, identity.claims);
      await channel.close();
      await this.d.router.remove(channel);
      await this.presenceLanes.run(channel.userId, async () => {
        const { lastForUser } = await this.d.presence.remove({ userId: channel.userId, socketId: socket.id });
        if (lastForUser) await this.d.notifier?.offline(channel.userId);
      });
      await this.d.calls?.deviceDisconnected(channel.userId, channel.deviceId);
    } catch (e) {
      log.warn({ err: e }, 'cleanup after disconnect failed');
    }
    log.info({ reason }, 'disconnected');
  }
}
