import { AppError } from '@im/common';
import type { Clock, Logger, TokenClaims } from '@im/common';
import { MessageType, serverMessage } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { ChatroomStore } from '@im/realtime';
import type { ImServer, ImSocket } from '../socket/socket.events';

export interface ChatroomSettings {
  readonly chatroomHistory: number;
  readonly chatroomMaxMembers: number;
  readonly chatroomRatePerSec: number;
}

/** The Socket.IO room of a chatroom; the adapter shares it between gateways. */
export const chatroomRoom = (roomId: string): string => `chatroom:${roomId}`;

/**
 * Chatrooms (100 enter, 101 leave, 102 message on the `chatroom` event). A socket that enters
 * joins the Socket.IO room `chatroom:<id>`, so a broadcast reaches every member on every gateway
 * through the adapter. Counting, the size limit, history and the per-user rate limit live in the
 * ChatroomStore, shared by all gateways in cluster mode. Nothing is stored beyond the history window.
 */
export class ChatroomService {
  /** socket id → the rooms it is in (this gateway's sockets only). */
  private readonly memberships = new Map<string, Set<string>>();

  constructor(
    private readonly io: ImServer,
    private readonly store: ChatroomStore,
    private readonly settings: ChatroomSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Counts one chatroom uplink of the user against the per-user limit (all gateways together). */
  async checkRate(userId: string): Promise<void> {
    if ((await this.store.hit(`chatroom:${userId}`, 1000)) > this.settings.chatroomRatePerSec) {
      throw new AppError(
        'IM_ERR_RATE_LIMITED',
        `at most ${this.settings.chatroomRatePerSec} chatroom messages per second`,
      );
    }
  }

  /** Enters: the recent history goes to this socket first, then everyone in the room gets 100 with the count. */
  async enter(socket: ImSocket, claims: TokenClaims, m: ImMessage): Promise<{ members: number }> {
    const roomId = m.destId;
    const { entered, members } = await this.store.enter(roomId, socket.id, this.settings.chatroomMaxMembers);
    if (!entered)
      throw new AppError('IM_ERR_FORBIDDEN', `the chatroom is full (${this.settings.chatroomMaxMembers} members)`);
    if (!socket.connected) {
      await this.store.leave(roomId, socket.id);
      return { members };
    }
    if (this.isIn(socket.id, roomId)) return { members };
    const history = await this.store.recent(roomId, this.settings.chatroomHistory);
    for (const old of history) socket.emit('chatroom', old);
    // No await between the history and the join: a broadcast cannot slip in between on this gateway.
    void socket.join(chatroomRoom(roomId));
    this.roomsOf(socket.id).add(roomId);
    this.io
      .to(chatroomRoom(roomId))
      .except(socket.id)
      .emit('chatroom', this.stamp(claims, m, { members }));
    return { members };
  }

  async leave(socket: ImSocket, claims: TokenClaims, m: ImMessage): Promise<{ members: number }> {
    if (!this.isIn(socket.id, m.destId)) throw new AppError('IM_ERR_NOT_FOUND', 'you are not in this chatroom');
    return this.leaveRoom(socket.id, claims, m);
  }

  async say(socket: ImSocket, claims: TokenClaims, m: ImMessage): Promise<{ members: number }> {
    if (!this.isIn(socket.id, m.destId))
      throw new AppError('IM_ERR_FORBIDDEN', 'enter the chatroom (100) before sending to it');
    const message = this.stamp(claims, m, m.content);
    await this.store.remember(m.destId, message, this.settings.chatroomHistory);
    this.io.to(chatroomRoom(m.destId)).except(socket.id).emit('chatroom', message);
    return { members: await this.store.members(m.destId) };
  }

  /** A socket that disconnects leaves all its rooms; the others get 101. Never throws. */
  async disconnected(socketId: string, claims: TokenClaims): Promise<void> {
    const rooms = [...(this.memberships.get(socketId) ?? [])];
    this.memberships.delete(socketId);
    for (const roomId of rooms) {
      const notice = serverMessage({
        msgId: `101-${socketId}-${roomId}`,
        messageType: MessageType.CHATROOM_LEAVE,
        from: { id: claims.sub, type: 'PERSON' },
        destId: roomId,
        content: '',
        at: this.clock.now(),
      });
      await this.leaveRoom(socketId, claims, notice).catch((err: unknown) =>
        this.logger.warn({ err, roomId }, 'chatroom leave after disconnect failed'),
      );
    }
  }

  /** This gateway's memberships, for the periodic refresh. */
  all(): { roomId: string; memberId: string }[] {
    return [...this.memberships].flatMap(([memberId, rooms]) => [...rooms].map((roomId) => ({ roomId, memberId })));
  }

  private async leaveRoom(socketId: string, claims: TokenClaims, m: ImMessage): Promise<{ members: number }> {
    const rooms = this.memberships.get(socketId);
    rooms?.delete(m.destId);
    if (rooms?.size === 0) this.memberships.delete(socketId);
    void this.io.sockets.sockets.get(socketId)?.leave(chatroomRoom(m.destId));
    const { members } = await this.store.leave(m.destId, socketId);
    this.io.to(chatroomRoom(m.destId)).emit('chatroom', this.stamp(claims, m, { members }));
    return { members };
  }

  private isIn(socketId: string, roomId: string): boolean {
    return this.memberships.get(socketId)?.has(roomId) === true;
  }

  private roomsOf(socketId: string): Set<string> {
    let rooms = this.memberships.get(socketId);
    if (!rooms) {
      rooms = new Set();
      this.memberships.set(socketId, rooms);
    }
    return rooms;
  }

  /** The downlink form: the sender's name and avatar from the token, the server's time. */
  private stamp(claims: TokenClaims, m: ImMessage, content: unknown): ImMessage {
    return {
      ...m,
      fromName: claims.name ?? m.fromName,
      imageIconUrl: claims.avatar ?? m.imageIconUrl,
      content,
      sendTime: this.clock.now(),
    };
  }
}
