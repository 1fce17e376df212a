import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signToken } from '@im/common';
import { ImTestClient } from '../support/im-client';

const ROOT = resolve(__dirname, '../..');

function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
): { child: ChildProcess; output: () => string; stdout: () => string } {
  let out = '';
  let stdout = '';
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, stdout: () => stdout };
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));

/** The ```js block after "## A client in ten lines", exactly as README.md prints it. */
function readmeClient(): string {
  const section = readFileSync(join(ROOT, 'README.md'), 'utf8').split('## A client in ten lines')[1] ?? '';
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md has no ```js block after "## A client in ten lines"');
  return code;
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

  it('`./npmw start` serves port 9092 with a generated secret, and `./npmw run -s token` mints a token it accepts', async () => {
    const env = { IM_DATA_DIR: dataDir, IM_JWT_SECRET: '', IM_LOG_LEVEL: 'warn' };
    server = run('./npmw', ['start', '--silent'], env);
    await waitForText(server.output, 'listening on 127.0.0.1:9092', 60_000);
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
    expect(existsSync(join(dataDir, 'im.db'))).toBe(true);

    const tokenRun = run('./npmw', ['run', '--silent', 'token', '--', 'readme-bob'], env);
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

  it("README's client, saved as client.js and run as printed, chats with a token from `./npmw run -s token`; a bad or missing token exits 1 with the reason", async () => {
    // The server of the test above, on :9092 as the README's client expects.
    expect(server?.child.exitCode).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'im-readme-client-'));
    writeFileSync(join(dir, 'client.js'), readmeClient());
    // `npm install socket.io-client` in the README; here the workspace's copy.
    const clientEnv = { NODE_PATH: join(ROOT, 'node_modules') };
    const tokenRun = run('./npmw', ['run', '-s', 'token', '--', 'alice'], { IM_DATA_DIR: dataDir, IM_JWT_SECRET: '' });
    expect(await exitOf(tokenRun.child)).toBe(0);
    const aliceToken = tokenRun.stdout().trim();
    expect(aliceToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    const bob = await ImTestClient.connect(
      'http://127.0.0.1:9092',
      'bob',
      signToken({ sub: 'bob', exp: Math.floor(Date.now() / 1000) + 60 }, secret),
    );
    const client = run('node', ['client.js', aliceToken], clientEnv, dir);
    try {
      await waitForText(client.output, '}', 20_000);
      expect(client.output()).toMatch(/^ack \{\s+code: 0,\s+msgId: '[0-9a-f-]{36}',\s+serverTime: \d+\s+\}$/m);
      await bob.waitForMessages(1);
      expect(bob.ofType(2)[0]).toMatchObject({ fromId: 'alice', content: 'hi Bob' });
    } finally {
      bob.close();
      if (client.child.pid && client.child.exitCode === null) process.kill(-client.child.pid, 'SIGTERM');
    }

    for (const [args, reason] of [
      [['client.js', `${aliceToken.slice(0, -4)}AAAA`], 'bad signature'],
      [['client.js', 'not-a-token'], 'malformed token'],
      [['client.js'], 'missing token'],
    ] as const) {
      const bad = run('node', [...args], clientEnv, dir);
      expect(await exitOf(bad.child)).toBe(1);
      expect(bad.output()).toContain(`cannot connect: unauthorized: ${reason}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it('`npm run -s token -- --help` prints the usage and mints nothing; without a secret it refuses and creates none', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'im-token-'));
    try {
      const help = run('./npmw', ['run', '-s', 'token', '--', '--help'], { IM_DATA_DIR: emptyDir, IM_JWT_SECRET: '' });
      expect(await exitOf(help.child)).toBe(0);
      expect(help.stdout()).toMatch(/^usage: npm run -s token -- <userId>/);
      expect(help.output()).not.toMatch(/eyJ/);
      const none = run('node', ['services/embedded/dist/token.js', 'alice'], {
        IM_DATA_DIR: emptyDir,
        IM_JWT_SECRET: '',
      });
      expect(await exitOf(none.child)).toBe(1);
      expect(none.stdout()).toBe('');
      expect(none.output()).toContain('no secret: IM_JWT_SECRET is unset');
      expect(existsSync(join(emptyDir, 'jwt-secret'))).toBe(false);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('exits with a clear error naming a bad variable', async () => {
    const bad = run('node', ['services/embedded/dist/main.js'], {
      IM_DATA_DIR: dataDir,
      IM_PORT: 'ninety',
      IM_RATE_LIMIT_BURST: '0',
    });
    const code = await new Promise((r) => bad.child.once('exit', r));
    expect(code).toBe(2);
    expect(bad.output()).toContain('IM_PORT=ninety: not an integer');
    expect(bad.output()).toContain('IM_RATE_LIMIT_BURST=0: must be >= 1');
  });
});
