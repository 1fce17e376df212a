import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ImMessage } from '@im/protocol';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import type { Socket as ClientSocket } from 'socket.io-client';
import { SharedDownlink } from './shared-downlink';

const message: ImMessage = {
  msgId: 'm1',
  fromId: 'a',
  destId: 'g1',
  fromType: 2,
  fromName: '',
  imageIconUrl: '',
  content: 'hello',
  messageType: 1,
};

describe(SharedDownlink.name, () => {
  let io: Server;
  let clients: ClientSocket[];
  let sockets: Socket[];
  let encodes: number;

  beforeEach(async () => {
    const http = createServer();
    io = new Server(http);
    const adapter = io.of('/').adapter as unknown as { _encode: (...args: unknown[]) => unknown };
    const encode = adapter._encode.bind(adapter);
    encodes = 0;
    adapter._encode = (...args: unknown[]) => {
      encodes += 1;
      return encode(...args);
    };
    sockets = [];
    io.on('connection', (s) => sockets.push(s));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as AddressInfo;
    clients = [0, 1, 2].map(() => connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'] }));
    await Promise.all(clients.map((c) => new Promise((r) => c.once('connect', () => r(undefined)))));
    while (sockets.length < 3) await new Promise((r) => setTimeout(r, 5));
  });
  afterEach(async () => {
    for (const c of clients) c.close();
    await new Promise((r) => void io.close(() => r(undefined)));
  });

  it('encodes one message once for all its sockets; each acknowledgement reaches its own socket’s callback', async () => {
    const downlink = new SharedDownlink(io.of('/'), 5000);
    const received: unknown[] = [];
    // Clients 0 and 1 acknowledge, client 2 does not.
    clients.forEach((c, i) =>
      c.on('chat', (m: unknown, ack: () => void) => {
        received.push(m);
        if (i < 2) ack();
      }),
    );
    const acked: number[] = [];
    sockets.forEach((s, i) => downlink.emit(s, message, () => acked.push(i)));
    while (received.length < 3 || acked.length < 2) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    expect(encodes).toBe(1);
    expect(received).toEqual([message, message, message]);
    expect(acked.sort()).toEqual([0, 1]);
  });

  it('gives up an acknowledgement after the timeout, counted from each socket’s own send', async () => {
    const downlink = new SharedDownlink(io.of('/'), 1000);
    const acks: ((...a: unknown[]) => void)[] = [];
    clients.forEach((c) => c.on('chat', (_m: unknown, ack: () => void) => acks.push(ack)));
    const acked: number[] = [];
    const pendingOf = (i: number): number => (sockets[i] as unknown as { acks: Map<number, unknown> }).acks.size;
    downlink.emit(sockets[0] as Socket, message, () => acked.push(0));
    while (acks.length < 1) await new Promise((r) => setTimeout(r, 5));
    // Socket 0's time is over (its pending acknowledgement is dropped); only then is socket 1 sent to.
    while (pendingOf(0) > 0) await new Promise((r) => setTimeout(r, 20));
    downlink.emit(sockets[1] as Socket, message, () => acked.push(1));
    while (acks.length < 2) await new Promise((r) => setTimeout(r, 5));
    for (const ack of acks) ack();
    await new Promise((r) => setTimeout(r, 50));
    expect(acked).toEqual([1]);
    const pending = sockets.map((s) => (s as unknown as { acks: Map<number, unknown> }).acks.size);
    expect(pending).toEqual([0, 0, 0]);
  });

  it('gives the same message sent twice to one socket an acknowledgement id of its own', async () => {
    const downlink = new SharedDownlink(io.of('/'), 5000);
    clients[0]?.on('chat', (_m: unknown, ack: () => void) => ack());
    let acked = 0;
    downlink.emit(sockets[0] as Socket, message, () => (acked += 1));
    downlink.emit(sockets[0] as Socket, message, () => (acked += 1));
    while (acked < 2) await new Promise((r) => setTimeout(r, 5));
    expect(encodes).toBe(2);
  });
});
