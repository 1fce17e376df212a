// GET /v1/calls/ice-servers against a real coturn (Debian's, started by test/infra/turn.sh with
// `use-auth-secret`): the TURN credential the gateway hands out allocates a relay that carries data
// to a peer; an altered or expired one is refused by the TURN server itself.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { ManualClock } from '@im/common';
import { EmbeddedHarness } from '../support/embedded-harness';
import { TurnClient, TurnError } from '../support/turn-client';

const TURN_URL = process.env.IM_TEST_TURN_URL;
const TURN_SECRET = process.env.IM_TEST_TURN_SECRET;
if (!TURN_URL || !TURN_SECRET)
  throw new Error('IM_TEST_TURN_URL is not set: these tests need a real coturn (bash test/infra/infra.sh up turn)');
const [turnHost, turnPort] = TURN_URL.replace(/^turn:/, '').split(':') as [string, string];

interface TurnServerEntry {
  urls: string[];
  username: string;
  credential: string;
}

async function turnEntry(h: EmbeddedHarness, userId: string): Promise<{ entry: TurnServerEntry; body: any }> {
  const res = await h.http('GET', '/v1/calls/ice-servers', userId);
  expect(res.status).toBe(200);
  const entry = res.body.iceServers.find((s: { urls: string[] }) => s.urls[0]?.startsWith('turn:'));
  return { entry, body: res.body };
}

function udpPeer(): Promise<{ socket: UdpSocket; port: number; received: Promise<{ data: Buffer; port: number }> }> {
  const socket = createSocket('udp4');
  const received = new Promise<{ data: Buffer; port: number }>((resolve) =>
    socket.once('message', (data, rinfo) => resolve({ data, port: rinfo.port })),
  );
  return new Promise((resolve) =>
    socket.bind(0, '127.0.0.1', () => resolve({ socket, port: socket.address().port, received })),
  );
}

describe('ICE servers for calls', () => {
  const turnEnv = {
    IM_STUN_URLS: `stun:${turnHost}:${turnPort}`,
    IM_TURN_URLS: TURN_URL,
    IM_TURN_SECRET: TURN_SECRET,
    IM_TURN_CREDENTIAL_TTL_S: '600',
  };

  it('without STUN or TURN configured answers an empty list, and only to a signed-in user', async () => {
    const h = await EmbeddedHarness.start();
    try {
      expect(await h.http('GET', '/v1/calls/ice-servers', 'alice')).toEqual({ status: 200, body: { iceServers: [] } });
      expect((await h.http('GET', '/v1/calls/ice-servers', undefined)).status).toBe(401);
    } finally {
      await h.stop();
    }
  });

  it('hands out a TURN credential that allocates a relay on the real coturn and carries data to a peer', async () => {
    const h = await EmbeddedHarness.start(turnEnv);
    const peer = await udpPeer();
    try {
      const before = Date.now();
      const { entry, body } = await turnEntry(h, 'alice');
      expect(body.iceServers[0]).toEqual({ urls: [`stun:${turnHost}:${turnPort}`] });
      expect(entry.urls).toEqual([TURN_URL]);
      expect(entry.username).toMatch(/^\d+:alice$/);
      expect(body.expiresAt).toBeGreaterThanOrEqual(before + 599_000);
      expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);

      const turn = await TurnClient.connect(turnHost, Number(turnPort), entry.username, entry.credential);
      try {
        const relay = await turn.allocate();
        expect(relay.host).toBe('127.0.0.1');
        await turn.sendTo({ host: '127.0.0.1', port: peer.port }, Buffer.from('media for bob'));
        const got = await peer.received;
        expect(got.data.toString()).toBe('media for bob');
        expect(got.port).toBe(relay.port); // it came through the relay
      } finally {
        turn.close();
      }
    } finally {
      peer.socket.close();
      await h.stop();
    }
  });

  it('an altered credential, or one for another user, is refused by the TURN server (401)', async () => {
    const h = await EmbeddedHarness.start(turnEnv);
    try {
      const { entry } = await turnEntry(h, 'alice');
      for (const [username, credential] of [
        [entry.username, `${entry.credential.slice(0, -4)}AAA=`],
        [entry.username.replace(':alice', ':mallory'), entry.credential],
      ] as const) {
        const turn = await TurnClient.connect(turnHost, Number(turnPort), username, credential);
        try {
          await expect(turn.allocate()).rejects.toEqual(expect.objectContaining({ code: 401 }));
        } finally {
          turn.close();
        }
      }
    } finally {
      await h.stop();
    }
  });

  it('a credential past its expiry is refused by the TURN server', async () => {
    // The server's clock two hours back: its 10-minute credential expired long ago by coturn's clock.
    const h = await EmbeddedHarness.start(turnEnv, undefined, new ManualClock(Date.now() - 2 * 3600_000));
    try {
      const { entry, body } = await turnEntry(h, 'alice');
      expect(body.expiresAt).toBeLessThan(Date.now());
      const turn = await TurnClient.connect(turnHost, Number(turnPort), entry.username, entry.credential);
      try {
        const refusal = await turn.allocate().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(refusal).toBeInstanceOf(TurnError);
        expect((refusal as TurnError).code).toBe(401);
      } finally {
        turn.close();
      }
    } finally {
      await h.stop();
    }
  });
});
