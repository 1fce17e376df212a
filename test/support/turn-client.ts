/**
 * Just enough of a TURN client (RFC 5766 over STUN, RFC 5389) to check credentials against a real
 * coturn: Allocate over TCP with the long-term credential mechanism, CreatePermission for a peer,
 * and a Send indication that the server relays to that peer over UDP.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';

const MAGIC = 0x2112a442;
const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
} as const;
const METHOD = { ALLOCATE: 0x0003, SEND: 0x0006, CREATE_PERMISSION: 0x0008 } as const;
const CLASS = { REQUEST: 0x0000, INDICATION: 0x0010, SUCCESS: 0x0100, ERROR: 0x0110 } as const;

interface StunMessage {
  readonly type: number;
  readonly attrs: Map<number, Buffer>;
}

function attribute(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

function xorAddress(host: string, port: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(0x01, 1); // IPv4
  b.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const ip = host.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
  b.writeUInt32BE((ip ^ MAGIC) >>> 0, 4);
  return b;
}

function readXorAddress(b: Buffer): { host: string; port: number } {
  const port = b.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = (b.readUInt32BE(4) ^ MAGIC) >>> 0;
  return { host: [24, 16, 8, 0].map((s) => (ip >>> s) & 0xff).join('.'), port };
}

/** Encodes a message; with `key`, appends MESSAGE-INTEGRITY over everything before it. */
function encode(type: number, attrs: Buffer[], key?: Buffer): { id: Buffer; bytes: Buffer } {
  const id = randomBytes(12);
  const header = (bodyLength: number): Buffer => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(bodyLength, 2);
    h.writeUInt32BE(MAGIC, 4);
    id.copy(h, 8);
    return h;
  };
  const body = Buffer.concat(attrs);
  if (!key) return { id, bytes: Buffer.concat([header(body.length), body]) };
  const signed = Buffer.concat([header(body.length + 24), body]);
  const mac = createHmac('sha1', key).update(signed).digest();
  return { id, bytes: Buffer.concat([signed, attribute(ATTR.MESSAGE_INTEGRITY, mac)]) };
}

function decode(bytes: Buffer): StunMessage {
  const attrs = new Map<number, Buffer>();
  for (let off = 20; off + 4 <= bytes.length;) {
    const type = bytes.readUInt16BE(off);
    const len = bytes.readUInt16BE(off + 2);
    attrs.set(type, bytes.subarray(off + 4, off + 4 + len));
    off += 4 + Math.ceil(len / 4) * 4;
  }
  return { type: bytes.readUInt16BE(0), attrs };
}

export class TurnError extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(`TURN error ${code}: ${reason}`);
  }
}

/** One TCP connection to a TURN server, with one allocation on it. */
export class TurnClient {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting = new Map<string, (m: StunMessage) => void>();
  private realm: Buffer = Buffer.alloc(0);
  private nonce: Buffer = Buffer.alloc(0);

  private constructor(
    private readonly socket: Socket,
    private readonly username: string,
    private readonly password: string,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
  }

  static async connect(host: string, port: number, username: string, password: string): Promise<TurnClient> {
    const socket = createConnection({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new TurnClient(socket, username, password);
  }

  /** Allocates a UDP relay; resolves with the relayed address, rejects with a TurnError (401: bad credential). */
  async allocate(): Promise<{ host: string; port: number }> {
    const transport = attribute(ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0]));
    // The first request carries no credential: the answer (401) names the realm and a nonce.
    const challenge = await this.request(METHOD.ALLOCATE, [transport], false);
    if (challenge.type !== (METHOD.ALLOCATE | CLASS.ERROR)) throw new Error('expected a 401 challenge');
    this.realm = challenge.attrs.get(ATTR.REALM) ?? Buffer.alloc(0);
    this.nonce = challenge.attrs.get(ATTR.NONCE) ?? Buffer.alloc(0);
    const answer = await this.request(METHOD.ALLOCATE, [transport], true);
    this.throwIfError(answer);
    return readXorAddress(answer.attrs.get(ATTR.XOR_RELAYED_ADDRESS) ?? Buffer.alloc(8));
  }

  /** Lets `peer` exchange data with the relay, then sends `data` to it through the relay. */
  async sendTo(peer: { host: string; port: number }, data: Buffer): Promise<void> {
    const address = attribute(ATTR.XOR_PEER_ADDRESS, xorAddress(peer.host, peer.port));
    this.throwIfError(await this.request(METHOD.CREATE_PERMISSION, [address], true));
    const { bytes } = encode(METHOD.SEND | CLASS.INDICATION, [address, attribute(ATTR.DATA, data)]);
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private throwIfError(m: StunMessage): void {
    if ((m.type & 0x0110) !== CLASS.ERROR) return;
    const e = m.attrs.get(ATTR.ERROR_CODE) ?? Buffer.alloc(4);
    throw new TurnError((e.readUInt8(2) & 0x7) * 100 + e.readUInt8(3), e.subarray(4).toString('utf8'));
  }

  private request(method: number, attrs: Buffer[], signed: boolean): Promise<StunMessage> {
    // The long-term credential's key: MD5(username:realm:password).
    const key = createHash('md5')
      .update(`${this.username}:${this.realm.toString('utf8')}:${this.password}`)
      .digest();
    const all = signed
      ? [
          ...attrs,
          attribute(ATTR.USERNAME, Buffer.from(this.username)),
          attribute(ATTR.REALM, this.realm),
          attribute(ATTR.NONCE, this.nonce),
        ]
      : attrs;
    const { id, bytes } = encode(method | CLASS.REQUEST, all, signed ? key : undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the TURN server in 5 s')), 5000);
      this.waiting.set(id.toString('hex'), (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.socket.write(bytes);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 20 && this.buffer.length >= 20 + this.buffer.readUInt16BE(2)) {
      const size = 20 + this.buffer.readUInt16BE(2);
      const bytes = this.buffer.subarray(0, size);
      this.buffer = this.buffer.subarray(size);
      const id = bytes.subarray(8, 20).toString('hex');
      this.waiting.get(id)?.(decode(bytes));
      this.waiting.delete(id);
    }
  }
}
