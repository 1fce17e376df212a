import { join } from 'node:path';
import fc from 'fast-check';
import { ErrorCodes } from '@im/protocol';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';
import type { ImTestClient } from '../support/im-client';
import { RawSocket, fuzzConnection, fuzzFrames } from '../support/raw-socket';

const Database = require('better-sqlite3') as new (
  file: string,
  options: { readonly: boolean },
) => {
  prepare(sql: string): { get(): { n: number } };
  close(): void;
};

/**
 * Issue 10 row 12: fuzzing a live embedded server. Random and malformed ImMessages through a real
 * Socket.IO client (binary attachments included), then raw Engine.IO / Socket.IO packets over a
 * plain WebSocket (broken encodings, absurd attachment counts, deep nesting, binary garbage). The
 * server survives, answers registered errors, stores nothing, and lets go of every connection.
 * Runs are few so `npm test` stays short; FUZZ_RUNS=<n> runs more.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 0;
const CODES: ReadonlySet<number> = new Set(Object.values(ErrorCodes).map((e) => e.code));
const SENDER = 'fuzz-sender-7d1e';

function storedRows(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, 'im.db'), { readonly: true });
  try {
    const count = (table: string): number => db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n;
    return Object.fromEntries(
      ['messages', 'conversations', 'groups', 'group_members', 'friendships', 'friend_requests', 'blacklist'].map(
        (t) => [t, count(t)],
      ),
    );
  } finally {
    db.close();
  }
}

/** Socket.IO payloads a client library would send: JSON, text, and objects carrying binary attachments. */
const chatPayload = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.array(
    fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
    { maxLength: 30 },
  ),
  fc.record(
    {
      msgId: fc.oneof(fc.uuid(), fc.jsonValue()),
      fromId: fc.oneof(fc.constant(`${SENDER}-not`), fc.jsonValue()),
      fromType: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.jsonValue()),
      destId: fc.oneof(fc.constant('fuzz-peer'), fc.jsonValue()),
      messageType: fc.oneof(fc.integer({ min: -1, max: 120 }), fc.jsonValue()),
      content: fc.oneof(
        fc.jsonValue(),
        fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      ),
      fromName: fc.jsonValue(),
      imageIconUrl: fc.jsonValue(),
      seq: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);

describe('fuzzing a live embedded server (fast-check)', () => {
  let h: EmbeddedHarness;
  let peer: ImTestClient;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({
      IM_MAX_CONNECTIONS_PER_USER: '1000',
      IM_HANDSHAKE_BURST_PER_IP: '100000',
      IM_RATE_LIMIT_PER_SEC: '100000',
      IM_RATE_LIMIT_BURST: '100000',
      IM_MAX_MESSAGE_BYTES: '8192',
    });
    peer = await h.connect('fuzz-peer');
  });
  afterAll(() => h.stop());

  async function expectStillServes(): Promise<void> {
    const a = await h.connect(`fuzz-ok-${Math.random().toString(36).slice(2, 8)}`);
    const before = peer.ofType(2).length;
    expect((await a.send(a.message('fuzz-peer', 'alive'))).code).toBe(0);
    await peer.waitFor(() => peer.ofType(2).length === before + 1, 5000, 'the control message');
    a.close();
  }

  it('answers every random chat payload through a Socket.IO client with a registered error and stores nothing', async () => {
    const before = storedRows(h.dataDir);
    const sender = await h.connect(SENDER);
    await fc.assert(
      fc.asyncProperty(chatPayload, async (payload) => {
        const ack = await sender.send(payload, 5000);
        expect(ack.code).not.toBe(0);
        expect(CODES.has(ack.code)).toBe(true);
      }),
      { numRuns: RUNS || 150 },
    );
    expect(sender.connected).toBe(true);
    expect(storedRows(h.dataDir)).toEqual(before);
    expect(peer.ofType(2)).toEqual([]);
    sender.close();
  });

  it('survives raw Engine.IO / Socket.IO garbage before and after authentication, stores nothing, releases every socket', async () => {
    const before = storedRows(h.dataDir);
    const baseline = h.server.gateway.io.engine.clientsCount;
    const heapBefore = process.memoryUsage().heapUsed;
    const token = tokenFor(SENDER);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(fuzzFrames, { minLength: 1, maxLength: 6 }), (authenticate, frames) =>
        fuzzConnection(h.url, authenticate ? token : undefined, frames),
      ),
      { numRuns: RUNS || 40 },
    );
    // A frame over the size limit closes that connection, not the server.
    const big = await RawSocket.open(h.url);
    await big.until(() => big.frames.length > 0);
    big.send(`42["chat","${'x'.repeat(64 * 1024)}"]`);
    await big.until(() => big.closed, 3000);
    expect(big.closed).toBe(true);

    await expectStillServes();
    expect(storedRows(h.dataDir)).toEqual({
      ...before,
      messages: (before.messages ?? 0) + 1,
      conversations: (before.conversations ?? 0) + 1,
    });
    const deadline = Date.now() + 5000;
    while (h.server.gateway.io.engine.clientsCount > baseline && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(h.server.gateway.io.engine.clientsCount).toBe(baseline);
    expect(h.server.gateway.sockets.connectionCount).toBe(baseline);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Nothing is retained per garbage connection: a leak of even the frames would show here.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
  });
});
