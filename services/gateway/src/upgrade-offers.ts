import { ServerResponse } from 'node:http';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers as plain HTTP/1.1 the requests that offer an upgrade (`Upgrade: h2c`, or any upgrade
 * to a path that is not Engine.IO's): RFC 9110 §7.8 lets a server ignore the offer. Node hands
 * every request with an `Upgrade` header to the `upgrade` listeners (Engine.IO's among them, which
 * must be told `destroyUpgrade: false`), so such a request is passed to the ordinary `request`
 * handler (Fastify) here, on a connection closed after the answer.
 */
export function answerUpgradeOffersAsHttp(server: HttpServer, enginePath: string): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === enginePath || path.startsWith(`${enginePath}/`)) return; // Engine.IO's own
    if (head.length > 0) socket.unshift(head);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    res.on('finish', () => {
      res.detachSocket(socket as never);
      socket.end();
    });
    socket.on('error', () => socket.destroy());
    server.emit('request', req, res);
  });
}
