import type { ImMessage } from '@im/protocol';
import type { Server, Socket } from 'socket.io';
import type { AckAnswer } from './chat.controller';
import type { SocketIdentity } from './socket-auth';

/**
 * The Socket.IO events between a client and the gateway, as socket.io's typed-events maps (the
 * AsyncAPI document, `GET /asyncapi.json`, describes the same for client authors). A wrong
 * event name or payload at an `emit` or `on` is a compile error.
 */

/**
 * What a client emits. The payload is unchecked input (the controllers parse it); `ack` is the
 * client's acknowledgement callback when it sent one, so it is checked to be a function too.
 */
export interface ClientToServerEvents {
  /** A message of a conversation, a call signal or a session message (type 1, 3, ...). */
  chat: (payload: unknown, ack?: unknown) => void;
  /** A chatroom message: enter (100), leave (101) or say. */
  chatroom: (payload: unknown, ack?: unknown) => void;
}

/** What the gateway emits to a client. */
export interface ServerToClientEvents {
  /**
   * A message for the device; with `ack` (a stored message, sent with a timeout) the device confirms
   * it received it. (Two tuples rather than an optional `ack`, so that `socket.timeout(ms).emit`
   * types the callback with its timeout error, as socket.io's `DecorateAcknowledgements` does.)
   */
  chat: (...args: [message: ImMessage] | [message: ImMessage, ack: () => void]) => void;
  /** A chatroom message (live only, never stored). */
  chatroom: (message: ImMessage) => void;
  /** The refusal of an uplink sent without an acknowledgement callback. */
  im_error: (answer: AckAnswer) => void;
  /** The socket is being closed: `sessions revoked`, `user banned`, `logged in on another device`, ... */
  kicked: (notice: { readonly reason: string }) => void;
  /** The connection is registered: messages may be sent now. */
  ready: (hello: { readonly userId: string; readonly serverTime: number }) => void;
}

/** The gateways send each other nothing through Socket.IO (the bus and Redis carry what they share). */
export type InterServerEvents = Record<string, never>;

/** What the gateway keeps on each socket: who it is, set at the handshake and settled at type 1. */
export interface SocketData {
  identity: SocketIdentity;
}

/** The gateway's Socket.IO server. */
export type ImServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** One client's socket on the gateway. */
export type ImSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
