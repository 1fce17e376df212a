// Starts/stops the real servers (Redis 7, PostgreSQL, FerretDB on top of it, Kafka KRaft, an
// S3-compatible object store: SeaweedFS) for a
// test run through test/infra/infra.sh. Meant for jest globalSetup/globalTeardown:
//
//   export default async () => { await startInfra(); };   // global-setup.ts
//   export default async () => { await stopInfra(); };    // global-teardown.ts
//
// startInfra() also sets IM_TEST_REDIS_URL / IM_TEST_KAFKA_BROKERS / IM_TEST_MONGO_URL / IM_TEST_S3_* in
// process.env, which jest workers (forked after globalSetup) inherit. Tests never talk to
// PostgreSQL directly: it is FerretDB's storage (IM_INFRA_FERRETDB_BACKEND=sqlite runs FerretDB
// without it).
//
// Env knobs: IM_INFRA_VERBOSE=1 streams the script's progress live (default: captured, printed
// only on failure); IM_INFRA_KEEP=1 makes stopInfra() leave the servers running so the next run
// starts in well under a second; everything infra.sh reads (IM_INFRA_*_PORT, IM_INFRA_DIR, ...).
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface InfraEndpoints {
  redisUrl: string;
  kafkaBrokers: string[];
  mongoUrl: string;
  /** FerretDB's storage as `infra.sh env` reports it, e.g. `postgresql (postgres://...)`. */
  mongoBackend: string | undefined;
  s3: { endpoint: string; accessKeyId: string; secretAccessKey: string };
}

/** Every piece `infra.sh up all` may start, in start order (`down` goes backwards). */
const PIECES = ['redis', 'postgres', 'ferretdb', 'kafka', 'turn', 's3'] as const;

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const INFRA_SCRIPT = path.join(REPO_ROOT, 'test', 'infra', 'infra.sh');
/** A cold start may apt-install PostgreSQL, download Kafka jars and build FerretDB; a warm one takes seconds. */
const UP_TIMEOUT_MS = 20 * 60 * 1000;
const DOWN_TIMEOUT_MS = 2 * 60 * 1000;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runInfra(args: string[], timeoutMs: number, stream: boolean): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [INFRA_SCRIPT, ...args], {
      cwd: REPO_ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stream) process.stderr.write(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stream) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => {
      stderr += `\n[infra.ts] timed out after ${Math.round(timeoutMs / 1000)}s, killing infra.sh\n`;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run bash ${INFRA_SCRIPT}: ${err.message}`));
    });
    // 'close' (not 'exit'): all output has been read. The servers never hold our pipes
    // (infra.sh detaches them), so this fires as soon as the script is done.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function failure(what: string, r: RunResult): Error {
  const status = r.signal ? `signal ${r.signal}` : `exit code ${r.code}`;
  const output = [r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n');
  return new Error(`${what} failed (${status}):\n${output}`);
}

/** Parses `export NAME=value` lines printed by `infra.sh env` (`#` lines are comments). */
function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

/** FerretDB's backend from the `# ferretdb: FerretDB v1.24.2, backend=postgresql (...)` comment. */
function parseMongoBackend(text: string): string | undefined {
  return /^# ferretdb: .*backend=(.+)$/m.exec(text)?.[1]?.trim();
}

function verbose(): boolean {
  return process.env.IM_INFRA_VERBOSE === '1' || process.env.IM_INFRA_VERBOSE === 'true';
}

/**
 * Installs (when missing), starts and health-checks Redis, PostgreSQL, FerretDB and Kafka on 127.0.0.1,
 * reusing servers that are already up. Resolves with their endpoints; rejects with the
 * script's full output (reason, log tail, fix command) when any piece cannot start.
 */
export async function startInfra(): Promise<InfraEndpoints> {
  const started = Date.now();
  // Servers already up belong to someone else (another run, a developer's shell): this run uses
  // them and leaves them up (stopInfra), so a quick `jest <file>` never pulls them from under a
  // full run going on beside it.
  // Per piece: one added to servers already up (say S3 beside a shared Redis, Kafka and FerretDB)
  // is this run's to stop, the others are not.
  const down: string[] = [];
  for (const piece of PIECES) if ((await runInfra(['status', piece], 60_000, false)).code !== 0) down.push(piece);
  process.env.IM_TEST_INFRA_STARTED = down.join(',');
  if (down.length === 0) process.env.IM_TEST_INFRA_FOUND_UP = '1';
  const up = await runInfra(['up', 'all'], UP_TIMEOUT_MS, verbose());
  if (up.code !== 0) throw failure('bash test/infra/infra.sh up all', up);

  const env = await runInfra(['env', 'all'], 30_000, false);
  if (env.code !== 0) throw failure('bash test/infra/infra.sh env all', env);
  const vars = parseEnv(env.stdout);
  const redisUrl = vars.IM_TEST_REDIS_URL;
  const brokers = vars.IM_TEST_KAFKA_BROKERS;
  const mongoUrl = vars.IM_TEST_MONGO_URL;
  const s3 = {
    endpoint: vars.IM_TEST_S3_ENDPOINT ?? '',
    accessKeyId: vars.IM_TEST_S3_ACCESS_KEY_ID ?? '',
    secretAccessKey: vars.IM_TEST_S3_SECRET_ACCESS_KEY ?? '',
  };
  if (!redisUrl || !brokers || !mongoUrl || !s3.endpoint) {
    throw new Error(`infra.sh env printed incomplete endpoints:\n${env.stdout}`);
  }
  process.env.IM_TEST_REDIS_URL = redisUrl;
  process.env.IM_TEST_KAFKA_BROKERS = brokers;
  process.env.IM_TEST_MONGO_URL = mongoUrl;
  process.env.IM_TEST_S3_ENDPOINT = s3.endpoint;
  process.env.IM_TEST_S3_ACCESS_KEY_ID = s3.accessKeyId;
  process.env.IM_TEST_S3_SECRET_ACCESS_KEY = s3.secretAccessKey;
  // Every other endpoint the script prints (coturn's URL and secret, ...) goes to the workers as it is.
  for (const [name, value] of Object.entries(vars)) if (name.startsWith('IM_TEST_')) process.env[name] = value;
  const mongoBackend = parseMongoBackend(env.stdout);
  if (!verbose()) {
    process.stderr.write(
      `[infra] up in ${((Date.now() - started) / 1000).toFixed(1)}s: ${redisUrl} kafka=${brokers} ${mongoUrl} s3=${s3.endpoint}` +
        `${mongoBackend ? ` FerretDB backend=${mongoBackend}` : ''}\n`,
    );
  }
  return {
    redisUrl,
    kafkaBrokers: brokers
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    mongoUrl,
    mongoBackend,
    s3,
  };
}

/**
 * Stops the servers this run started (safe to call twice): a piece found up at the start is someone
 * else's and stays up. IM_INFRA_KEEP=1 leaves them all up.
 */
export async function stopInfra(): Promise<void> {
  if (process.env.IM_INFRA_KEEP === '1' || process.env.IM_INFRA_KEEP === 'true') return;
  if (process.env.IM_TEST_INFRA_FOUND_UP === '1') {
    process.stderr.write('[infra] left up: the servers were already running when this run started\n');
    return;
  }
  // Only the pieces this run started, newest first.
  const started = (process.env.IM_TEST_INFRA_STARTED ?? PIECES.join(',')).split(',').filter(Boolean).reverse();
  for (const piece of started) {
    const down = await runInfra(['down', piece], DOWN_TIMEOUT_MS, verbose());
    if (down.code !== 0) throw failure(`bash test/infra/infra.sh down ${piece}`, down);
  }
}
