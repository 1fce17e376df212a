import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signToken } from '@im/common';
import { ImTestClient } from '../support/im-client';

const ROOT = resolve(__dirname, '../..');

function run(cmd: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function waitForText(output: () => string, text: string, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!output().includes(text)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for "${text}"; output so far:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the README commands', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-npm-start-'));
  let server: { child: ChildProcess; output: () => string } | undefined;

  afterAll(async () => {
    if (server?.child.pid && server.child.exitCode === null) {
      process.kill(-server.child.pid, 'SIGTERM');
      await new Promise((r) => server?.child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('`npm start` serves port 9092 with a generated secret, and `npm run token` mints a token it accepts', async () => {
    const env = { IM_DATA_DIR: dataDir, IM_JWT_SECRET: '', IM_LOG_LEVEL: 'warn' };
    server = run('npm', ['start', '--silent'], env);
    await waitForText(server.output, 'listening on 127.0.0.1:9092', 60_000);
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
    expect(existsSync(join(dataDir, 'im.db'))).toBe(true);

    const tokenRun = run('npm', ['run', '--silent', 'token', '--', 'readme-bob'], env);
    await new Promise((r) => tokenRun.child.once('exit', r));
    const bobToken = tokenRun.output().trim().split('\n').pop() ?? '';
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    const aliceToken = signToken({ sub: 'readme-alice', exp: Math.floor(Date.now() / 1000) + 60 }, secret);

    const alice = await ImTestClient.connect('http://127.0.0.1:9092', 'readme-alice', aliceToken);
    const bob = await ImTestClient.connect('http://127.0.0.1:9092', 'readme-bob', bobToken, { version: 2 });
    try {
      const ack = await alice.send(alice.message('readme-bob', 'hello from the README'));
      expect(ack.code).toBe(0);
      await bob.waitForMessages(1);
      expect(bob.ofType(2)[0]).toMatchObject({ content: 'hello from the README', seq: 1 });
    } finally {
      alice.close();
      bob.close();
    }
  }, 90_000);

  it('exits with a clear error naming a bad variable', async () => {
    const bad = run('node', ['services/embedded/dist/main.js'], { IM_DATA_DIR: dataDir, IM_PORT: 'ninety', IM_RATE_LIMIT_BURST: '0' });
    const code = await new Promise((r) => bad.child.once('exit', r));
    expect(code).toBe(2);
    expect(bad.output()).toContain('IM_PORT=ninety: not an integer');
    expect(bad.output()).toContain('IM_RATE_LIMIT_BURST=0: must be >= 1');
  });
});
