import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

export interface BareServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The baseline: plain Socket.IO with no authentication, no validation and no storage.
 * A socket joins the room of its `auth.userId` and every room in `auth.rooms`.
 * `chat` with fromType 2 is broadcast to the room `destId` (except the sender);
 * anything else is forwarded to the receiver's room. Either way the sender gets an ack,
 * and the receivers' acks are awaited like the real gateway's (they are just ignored).
 */
export async function startBareRelay(): Promise<BareServer> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false });
  io.on('connection', (socket) => {
    const auth = (socket.handshake.auth ?? {}) as { userId?: string; rooms?: string[] };
    const userId = String(auth.userId ?? socket.id);
    void socket.join(userId);
    for (const r of auth.rooms ?? []) void socket.join(String(r));
    socket.emit('ready', { userId, serverTime: Date.now() });
    socket.on(
      'chat',
      (
        msg: { msgId?: string; destId?: string; fromType?: number; messageType?: number },
        ack?: (a: unknown) => void,
      ) => {
        if (msg && msg.messageType !== 1 && typeof msg.destId === 'string') {
          if (msg.fromType === 2) socket.to(msg.destId).emit('chat', msg);
          else io.to(msg.destId).emit('chat', msg);
        }
        if (typeof ack === 'function') ack({ code: 0, msgId: msg?.msgId, serverTime: Date.now() });
      },
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        void io.close(() => resolve());
      }),
  };
}
