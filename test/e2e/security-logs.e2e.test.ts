import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, loadConfig } from '@im/common';
import { EMBEDDED_CONFIG, startEmbedded } from '@im/embedded';
import type { EmbeddedServer } from '@im/embedded';
import { TEST_SECRET, tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';

const ADMIN = 'ADMIN-SECRET-do-not-log-51c2';
const WRONG_ADMIN = 'WRONG-ADMIN-attempt-9d0e';

/**
 * Row 13: the security paths added for rows 9–10 (revocation, admin auth, origin, connection
 * limits) log their refusals, at trace level, without a token, an admin secret or message text.
 */
describe('logs of the security paths (embedded, level trace)', () => {
  const lines: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'im-seclogs-'));
  let server: EmbeddedServer;
  let url: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    });
    const config = loadConfig(EMBEDDED_CONFIG, {
      IM_PORT: '0',
      IM_HOST: '127.0.0.1',
      IM_DATA_DIR: dataDir,
      IM_ACK_TIMEOUT_MS: '1500',
      IM_ADMIN_TOKEN: ADMIN,
      IM_ALLOWED_ORIGINS: 'https://app.example.com',
      IM_MAX_CONNECTIONS_PER_USER: '1',
      IM_MAX_MESSAGE_BYTES: '2048',
    });
    server = await startEmbedded(config, TEST_SECRET, createLogger({ level: 'trace', destination: sink }));
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('hold the refusals with their reasons and never a token, an admin secret or message content', async () => {
    const secretText = 'PRIVATE-TEXT-e81b44';
    const groupText = 'GROUP-PRIVATE-TEXT-0a7c';
    const hugeText = `HUGE-PRIVATE-${'z'.repeat(3000)}`;
    const aliceToken = tokenFor('slog-alice');
    const bobToken = tokenFor('slog-bob');
    const alice = await ImTestClient.connect(url, 'slog-alice', aliceToken);
    const bob = await ImTestClient.connect(url, 'slog-bob', bobToken);
    expect((await alice.send(alice.message('slog-bob', secretText))).code).toBe(0);
    await bob.waitForMessages(1);
    expect((await alice.send(alice.message('slog-bob', hugeText))).code).toBe(41301);
    const created = await fetch(`${url}/v1/groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'g', memberIds: ['slog-bob'] }),
    });
    const { groupId } = (await created.json()) as { groupId: string };
    expect((await alice.send(alice.message(groupId, groupText, { fromType: 2 }))).code).toBe(0);
    // Refusals: the connection limit, a disallowed origin, a wrong admin token.
    expect(await ImTestClient.refused(url, aliceToken, { deviceId: 'second' })).toContain('too many connections');
    const evil = await fetch(`${url}/v1/conversations`, {
      headers: { origin: 'https://evil.example.net', authorization: `Bearer ${aliceToken}` },
    });
    expect(evil.status).toBe(403);
    const wrong = await fetch(`${url}/v1/admin/users/slog-bob/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WRONG_ADMIN}` },
    });
    expect(wrong.status).toBe(401);
    // The revocation and the refusal of the revoked token, on the socket and over HTTP.
    const revoked = await fetch(`${url}/v1/admin/users/slog-bob/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(revoked.status).toBe(200);
    await bob.waitFor(() => !bob.connected, 5000, 'bob closed');
    expect(await ImTestClient.refused(url, bobToken)).toBe('unauthorized: token revoked');
    expect((await fetch(`${url}/v1/conversations`, { headers: { authorization: `Bearer ${bobToken}` } })).status).toBe(
      401,
    );
    alice.close();
    await new Promise((r) => setTimeout(r, 200));

    const text = lines.join('\n');
    // The refusals are there, with reasons (so the capture works and the log is useful).
    expect(text).toContain('user sessions revoked by an admin');
    expect(text).toMatch(/"reason":"token revoked"/);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        msg: 'request refused',
        code: 40305,
        reason: 'origin not allowed',
        origin: 'https://evil.example.net',
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ msg: 'request refused', code: 40101, reason: 'token revoked', userId: 'slog-bob' }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ msg: 'request refused', code: 40101, reason: 'missing or wrong admin token' }),
    );
    expect(text).toMatch(/"reason":"connection limit"/);
    // And none of the secrets.
    for (const secret of [
      secretText,
      groupText,
      'HUGE-PRIVATE',
      ADMIN,
      WRONG_ADMIN,
      aliceToken,
      bobToken,
      aliceToken.split('.')[2] ?? '-',
      bobToken.split('.')[2] ?? '-',
    ]) {
      expect(text).not.toContain(secret);
    }
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});
