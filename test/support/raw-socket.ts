import fc from 'fast-check';
import WebSocket from 'ws';

/** A plain WebSocket speaking Engine.IO v4 by hand. */
export class RawSocket {
  readonly frames: (string | Buffer)[] = [];
  closed = false;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => this.frames.push(isBinary ? (data as Buffer) : data.toString()));
    ws.on('close', () => (this.closed = true));
    ws.on('error', () => (this.closed = true));
  }

  static open(url: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      const raw = new RawSocket(ws);
      ws.once('error', reject);
      ws.once('open', () => resolve(raw));
    });
  }

  async until(pred: () => boolean, ms = 1000): Promise<boolean> {
    const end = Date.now() + ms;
    while (!pred() && !this.closed && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    return pred();
  }

  send(frame: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * Engine.IO / Socket.IO frames, well and badly formed: random text and binary, random packets,
 * chat events with random bodies, absurd attachment counts, deep nesting, truncated packets.
 */
const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
export const fuzzFrames: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 0, max: 9 }),
      fc.option(fc.nat()),
      fc.option(fc.nat()),
      fc.jsonValue(),
    )
    .map(
      ([eio, sio, attachments, ackId, body]) =>
        `${eio}${sio}${attachments === null ? '' : `${attachments}-`}${ackId ?? ''}${JSON.stringify(body) ?? ''}`,
    ),
  fc.tuple(fc.nat(), fc.jsonValue()).map(([ackId, body]) => `42${ackId}${JSON.stringify(['chat', body])}`),
  fc
    .oneof(fc.nat(), fc.constant(2 ** 31), fc.constant(Number.MAX_SAFE_INTEGER))
    .map((n) => `45${n}-["chat",{"_placeholder":true,"num":${n}}]`),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => `42["chat",${deep(n)}]`),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => `42${deep(n)}`),
  fc.constantFrom(
    '',
    '4',
    '42',
    '42[',
    '42["chat"',
    '4"',
    '40{',
    '41',
    '43',
    '44',
    '46',
    '47',
    '2',
    '3',
    '5',
    '6',
    '1',
    '2probe',
    '42["__proto__",{"polluted":1}]',
    '42{"0":"chat"}',
    '451-["chat",{"_placeholder":true,"num":"0"}]',
    '451-["chat",{"_placeholder":true}]',
    '42["chat",{"_placeholder":true,"num":0}]',
  ),
);

/**
 * One fuzz run: opens a raw connection, optionally joins the namespace with `token`, sends
 * `frames`, lets the server react briefly, and drops the connection.
 */
export async function fuzzConnection(
  url: string,
  token: string | undefined,
  frames: readonly (string | Buffer)[],
): Promise<void> {
  const raw = await RawSocket.open(url);
  try {
    if (!(await raw.until(() => raw.frames.some((f) => typeof f === 'string' && f.startsWith('0{')))))
      throw new Error('no Engine.IO open packet');
    if (token !== undefined) {
      raw.send(`40${JSON.stringify({ token })}`);
      if (!(await raw.until(() => raw.frames.some((f) => typeof f === 'string' && f.startsWith('40{')))))
        throw new Error('namespace connect not answered');
    }
    for (const f of frames) raw.send(f);
    await raw.until(() => false, 20);
  } finally {
    raw.close();
  }
}
