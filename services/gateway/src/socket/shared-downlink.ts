import type { ImMessage } from '@im/protocol';
import type { Namespace, Socket } from 'socket.io';

/** What Socket.IO's own broadcast with acknowledgements uses (socket.io 4.8, socket.io-adapter 2.5); none of it is typed public. */
interface WriteOptions {
  preEncoded: true;
}
interface NamespaceInternals {
  _ids: number;
  readonly adapter: { _encode(packet: object, opts: WriteOptions): unknown[] };
}
type AckMap = Map<number, (...args: unknown[]) => void>;
interface SocketInternals {
  readonly acks: AckMap;
  readonly client: { writeToEngine(encoded: unknown[], opts: WriteOptions): void };
}

/** One message encoded for every socket it goes to, and the acknowledgements it waits for. */
interface Encoded {
  readonly id: number;
  readonly packets: unknown[];
  readonly opts: WriteOptions;
  /** Per socket sent to: its acknowledgement map, the callback, when it was sent. */
  readonly waiting: [AckMap, (...args: unknown[]) => void, number][];
}

/** Socket.IO's packet type of an event. */
const EVENT = 2;

/**
 * Sends `chat` downlinks that wait for the device's acknowledgement, encoding each message once
 * for all the sockets it goes to: the packet carries one acknowledgement id for all of them (ids
 * come from the namespace's counter, so no socket has it twice), is encoded and framed once by
 * the adapter (`wsPreEncodedFrame`), and each socket's acknowledgement is still its own. This is
 * what `io.timeout(t).to(ids).emit(…, ack)` does, except that the acknowledgement says which
 * socket sent it, which the device channels need for their cursors. A group message's copies
 * reach the device channels of one gateway in one turn of the event loop, as the same object.
 */
export class SharedDownlink {
  private readonly encoded = new WeakMap<ImMessage, Encoded>();
  private readonly nsp: NamespaceInternals;

  constructor(
    nsp: Namespace,
    private readonly ackTimeoutMs: number,
  ) {
    this.nsp = nsp as unknown as NamespaceInternals;
  }

  /** Sends `message` to `socket`; `onAck` runs if that socket acknowledges it within the timeout. */
  emit(socket: Socket, message: ImMessage, onAck: () => void): void {
    if (!socket.connected) return;
    const s = socket as unknown as SocketInternals;
    const known = this.encoded.get(message);
    // The same object twice to one socket (never expected) gets an id of its own, so neither acknowledgement is lost.
    const e = known && !s.acks.has(known.id) ? known : this.encode(message);
    const ack = (): void => onAck();
    s.acks.set(e.id, ack);
    e.waiting.push([s.acks, ack, Date.now()]);
    s.client.writeToEngine(e.packets, e.opts);
  }

  private encode(message: ImMessage): Encoded {
    const id = this.nsp._ids++;
    const opts: WriteOptions = { preEncoded: true };
    const packets = this.nsp.adapter._encode({ type: EVENT, data: ['chat', message], nsp: '/', id }, opts);
    const e: Encoded = { id, packets, opts, waiting: [] };
    this.encoded.set(message, e);
    // One timer per message, not per socket: the message takes more sockets until `ackTimeoutMs`
    // after its first send (a later send encodes it again), and each socket's acknowledgement is
    // given up `ackTimeoutMs` after its own send, as with `socket.timeout(t).emit`.
    const expire = (): void => {
      this.encoded.delete(message);
      const now = Date.now();
      const left = e.waiting.filter(([acks, ack, at]) => {
        if (now - at < this.ackTimeoutMs) return true;
        if (acks.get(id) === ack) acks.delete(id);
        return false;
      });
      e.waiting.splice(0, e.waiting.length, ...left);
      const last = left[left.length - 1];
      if (last) setTimeout(expire, last[2] + this.ackTimeoutMs - now).unref();
    };
    setTimeout(expire, this.ackTimeoutMs).unref();
    return e;
  }
}
