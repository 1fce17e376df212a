import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, loadConfig } from '@im/common';
import { EMBEDDED_CONFIG, startEmbedded } from '@im/embedded';
import type { EmbeddedServer } from '@im/embedded';
import { TEST_SECRET, tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';

describe('logs (embedded, level trace)', () => {
  const lines: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'im-logs-'));
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
    });
    server = await startEmbedded(config, TEST_SECRET, createLogger({ level: 'trace', destination: sink }));
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never contain message content or tokens, and every line is JSON with the service name', async () => {
    const content = 'SECRET-CONTENT-7f3a9';
    const aliceToken = tokenFor('log-alice');
    const alice = await ImTestClient.connect(url, 'log-alice', aliceToken);
    const bob = await ImTestClient.connect(url, 'log-bob', tokenFor('log-bob'));
    const m = alice.message('log-bob', content);
    await alice.send(m);
    await bob.waitForMessages(1);
    await alice.send({ ...alice.message('log-bob', content), messageType: 4 }); // bad content shape
    await alice.send(alice.message('log-bob', m.msgId, { messageType: 32 })); // recall
    const forged = `${aliceToken.slice(0, -4)}AAAA`;
    await ImTestClient.refused(url, forged).catch(() => undefined);
    const res = await fetch(`${url}/v1/conversations`, { headers: { authorization: `Bearer ${aliceToken}` } });
    expect(res.status).toBe(200);
    await fetch(`${url}/v1/conversations`, { headers: { authorization: `Bearer ${forged}` } });
    alice.close();
    bob.close();
    await new Promise((r) => setTimeout(r, 200));

    expect(lines.length).toBeGreaterThan(5);
    const signature = aliceToken.split('.')[2] ?? 'no-signature';
    for (const line of lines) {
      expect(line).not.toContain(content);
      expect(line).not.toContain(signature);
      expect(line).not.toContain(forged);
      const parsed = JSON.parse(line) as { service?: unknown; level?: unknown };
      expect(typeof parsed.service).toBe('string');
      // Exactly one service key: a hosted service's child does not repeat the process's.
      expect([line, line.match(/"service":/g)?.length]).toEqual([line, 1]);
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(parsed.level);
    }
    // The lines that exist carry ids: a refused connection names its reason, a message its msgId.
    expect(lines.some((l) => l.includes('connection refused') && l.includes('bad signature'))).toBe(true);
    // Every connection and disconnection is one info line with the user, the device and the socket.
    const info = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.level === 'info' && l.service === 'gateway');
    for (const userId of ['log-alice', 'log-bob']) {
      for (const msg of ['connected', 'disconnected']) {
        expect(info.find((l) => l.msg === msg && l.userId === userId)).toMatchObject({
          deviceId: expect.any(String),
          socketId: expect.any(String),
        });
      }
    }
  });
});
