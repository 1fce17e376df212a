import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KafkaBus } from '@im/bus';
import { createLogger } from '@im/common';
import { dropRunData } from '../bench/src/drop-run-data';
import { ImTestClient } from './im-client';
import type { ClientOptions } from './im-client';
import { TEST_SECRET, tokenFor } from './embedded-harness';

const ROOT = resolve(__dirname, '../..');

/** The endpoints of the real servers `npm test` started (test/support/global-setup.ts). */
export function clusterEndpoints(): { redisUrl: string; kafkaBrokers: string; mongoUrl: string } {
  const redisUrl = process.env.IM_TEST_REDIS_URL;
  const kafkaBrokers = process.env.IM_TEST_KAFKA_BROKERS;
  const mongoUrl = process.env.IM_TEST_MONGO_URL;
  if (!redisUrl || !kafkaBrokers || !mongoUrl) {
    throw new Error(
      'cluster tests need the real servers: IM_TEST_REDIS_URL, IM_TEST_KAFKA_BROKERS and IM_TEST_MONGO_URL are not set. ' +
        '`npm test` starts them; to run one file by hand: eval "$(bash test/infra/infra.sh up all >&2 && bash test/infra/infra.sh env)"',
    );
  }
  return { redisUrl, kafkaBrokers, mongoUrl };
}

/**
 * Ports for the processes a harness starts, taken from a block of its own per jest worker below
 * Linux's ephemeral range (32768+). A port picked with `listen(0)` comes from that range and can
 * be handed to another process between the pick and the child's own `listen` (seen: a gateway's
 * port taken by another harness's health server, whose `/readyz` then answered for it).
 */
const PORT_BLOCK = 600;
/**
 * The block: the jest worker's (JEST_WORKER_ID counts from 1), shifted by `IM_TEST_PORT_SLOT`
 * (0-19) for a run beside another one (a soak beside `npm test`). The shift moves every worker of
 * the run, so two workers never share a block: pick slots far enough apart for each run's workers.
 */
const PORT_SLOT = (Number(process.env.IM_TEST_PORT_SLOT ?? 0) + Number(process.env.JEST_WORKER_ID ?? 0)) % 20;
let nextPort = 20_000 + PORT_SLOT * PORT_BLOCK;
const portLimit = nextPort + PORT_BLOCK;

function canListen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

export async function freePort(): Promise<number> {
  while (nextPort < portLimit) {
    const port = nextPort++;
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port left in this jest worker's block (${portLimit - PORT_BLOCK}-${portLimit - 1})`);
}

export type ServiceName =
  'message' | 'group' | 'relation' | 'events' | 'wallet' | 'call' | `message-${number}` | `gateway${number}`;

interface Proc {
  readonly name: ServiceName;
  readonly script: string;
  readonly env: Record<string, string>;
  readonly healthUrl: string;
  child?: ChildProcess;
  log: string;
}

/** A child killed by a signal has `exitCode` null and `signalCode` set. */
function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * A real cluster on this machine: the service processes and N gateways, each its own
 * `node services/<name>/dist/main.js`, on the Redis, Kafka and FerretDB of the test run.
 * Every harness gets its own Kafka namespace and database, so harnesses never share state.
 */
export class ClusterHarness {
  readonly namespace = `t${randomUUID().slice(0, 8)}`;
  readonly logDir = mkdtempSync(join(tmpdir(), 'im-cluster-'));
  readonly gatewayPorts: number[] = [];
  readonly clients: ImTestClient[] = [];
  private readonly procs = new Map<ServiceName, Proc>();
  private readonly buses: KafkaBus[] = [];

  /**
   * `endpoints` replaces the real servers' addresses the processes get (a fault test puts a
   * TcpProxy in front of Redis or FerretDB); `mongoUrl` is a server URL, the harness adds its
   * database. `messageInstances` > 1 adds message services `message-1`, … in the same consumer
   * group (partitions shared, rebalanced when one comes or goes).
   */
  static async start(
    options: {
      gateways?: number;
      env?: Record<string, string>;
      endpoints?: { redisUrl?: string; mongoUrl?: string };
      messageInstances?: number;
    } = {},
  ): Promise<ClusterHarness> {
    const h = new ClusterHarness();
    await h.define(options.gateways ?? 2, options.env ?? {}, options.endpoints ?? {}, options.messageInstances ?? 1);
    const started = await Promise.allSettled([...h.procs.keys()].map((n) => h.startProcess(n)));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      // The caller never gets `h` to stop: stop here what did start, or it outlives the test
      // (orphans of a loaded run, seen by the dozen, each adding to the load that failed it).
      await h.stop();
      throw failed.reason;
    }
    return h;
  }

  get database(): string {
    return `im_${this.namespace}`;
  }

  gatewayUrl(i: number): string {
    return `http://127.0.0.1:${this.gatewayPorts[i] ?? 0}`;
  }

  async connect(gateway: number, userId: string, options: ClientOptions = {}): Promise<ImTestClient> {
    const c = await ImTestClient.connect(this.gatewayUrl(gateway), userId, tokenFor(userId), options);
    this.clients.push(c);
    return c;
  }

  async http(
    gateway: number,
    method: string,
    path: string,
    userId: string | undefined,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (userId) headers.authorization = `Bearer ${tokenFor(userId)}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.gatewayUrl(gateway)}${path}`, {
      method,
      headers: { ...headers, ...extraHeaders },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /**
   * `http`, retried (up to 60 times, 250-500 ms apart) while the answer is not final: a 5xx (a
   * service that did not answer in time) or a network error. For idempotent calls only.
   */
  async httpUntilFinal(
    gateway: number,
    method: string,
    path: string,
    userId: string | undefined,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.http(gateway, method, path, userId, body, extraHeaders);
        if (res.status < 500 || attempt >= 60) return res;
      } catch (err: unknown) {
        if (attempt >= 60) throw err;
      }
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
    }
  }

  async createGroup(gateway: number, ownerId: string, memberIds: string[], name = 'group'): Promise<string> {
    const res = await this.http(gateway, 'POST', '/v1/groups', ownerId, { name, memberIds });
    if (res.status !== 201) throw new Error(`create group: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.groupId as string;
  }

  /** The pid of a running process (for /proc readings), undefined when it is not running. */
  pidOf(name: ServiceName): number | undefined {
    const p = this.procs.get(name);
    return p?.child && running(p.child) ? p.child.pid : undefined;
  }

  /** The names of every process of this harness. */
  names(): ServiceName[] {
    return [...this.procs.keys()];
  }

  /** The processes that are not running (exited or killed) right now. */
  exited(): ServiceName[] {
    return [...this.procs.values()].filter((p) => !p.child || !running(p.child)).map((p) => p.name);
  }

  /** A Kafka bus in this harness's namespace, to publish and read the topics as an outside service would; closed by `stop`. */
  async kafka(): Promise<KafkaBus> {
    const bus = await KafkaBus.connect({
      brokers: clusterEndpoints().kafkaBrokers.split(','),
      clientId: `${this.namespace}-test`,
      namespace: this.namespace,
      topicPartitions: 4,
      sessionTimeoutMs: 6000,
      logger: createLogger({ service: 'cluster-test', level: process.env.IM_TEST_LOG_LEVEL ?? 'silent' }),
    });
    this.buses.push(bus);
    return bus;
  }

  /** `kill -9`, no goodbye. */
  async kill(name: ServiceName): Promise<void> {
    const p = this.procs.get(name);
    if (!p?.child || !running(p.child)) return;
    const exited = new Promise((r) => p.child?.once('exit', r));
    p.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: the orderly stop (a gateway drains first); resolves with the exit code. */
  async terminate(name: ServiceName): Promise<number | null> {
    const p = this.procs.get(name);
    if (!p?.child || !running(p.child)) return null;
    const child = p.child;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    return exited;
  }

  async restart(name: ServiceName): Promise<void> {
    await this.kill(name);
    await this.startProcess(name);
  }

  /** `kill -9` if running, then start again without waiting for readiness (`whenReady` waits). */
  async respawn(name: ServiceName): Promise<void> {
    await this.kill(name);
    this.spawnProcess(name);
  }

  /** Resolves when the process answers its readiness check (throws if it exits first). */
  async whenReady(name: ServiceName): Promise<void> {
    const p = this.procs.get(name);
    if (!p) throw new Error(`no process ${name}`);
    await this.waitReady(p);
  }

  logOf(name: ServiceName): string {
    const p = this.procs.get(name);
    try {
      return p ? readFileSync(p.log, 'utf8') : '';
    } catch {
      return '';
    }
  }

  /**
   * The last warnings and errors of every process (and any line that is not pino JSON), for the
   * message of a test that timed out: CI keeps no log files.
   */
  trouble(perProcess = 8): string {
    const out: string[] = [];
    for (const name of this.names()) {
      const lines = this.logOf(name)
        .split('\n')
        .filter((l) => l.trim() !== '' && !/"level":"(info|debug|trace)"/.test(l))
        .slice(-perProcess);
      for (const l of lines) out.push(`${name}: ${l.slice(0, 400)}`);
    }
    return out.join('\n') || '(nothing)';
  }

  /**
   * Waits until a process's log holds `text`. A log line reaches the file through a pipe and an
   * asynchronous write in this process, so it can land after an answer the line came before.
   */
  async waitForLog(name: ServiceName, text: string, timeoutMs = 10_000): Promise<void> {
    for (const started = Date.now(); !this.logOf(name).includes(text);) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`${name}'s log has no "${text}" after ${timeoutMs} ms:\n${this.logOf(name).slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    await Promise.allSettled(this.buses.splice(0).map((b) => b.close()));
    await Promise.all(
      [...this.procs.values()].map(async (p) => {
        if (!p.child || !running(p.child)) return;
        const exited = new Promise((r) => p.child?.once('exit', r));
        p.child.kill('SIGTERM');
        const timer = setTimeout(() => p.child?.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    // IM_TEST_KEEP_LOGS=1 keeps every process's log (to read what a failed test's services did).
    if (process.env.IM_TEST_KEEP_LOGS === '1')
      process.stdout.write(`[cluster-harness] process logs kept in ${this.logDir}\n`);
    else rmSync(this.logDir, { recursive: true, force: true });
    await this.dropData();
  }

  /**
   * Deletes this harness's Kafka topics and database. A run starts some 30 harnesses against one
   * broker; left behind, their partitions add up over runs (16,000 seen on a developer machine,
   * where the 512 MB broker then died). Bounded in time and best effort: a failure is reported,
   * never fails the test that already ran.
   */
  private async dropData(): Promise<void> {
    const e = clusterEndpoints(); // the real servers, not a fault test's proxy
    await dropRunData(this.namespace, e.kafkaBrokers, withDatabase(e.mongoUrl, this.database), '[cluster-harness]');
  }

  private async define(
    gateways: number,
    extra: Record<string, string>,
    endpoints: { redisUrl?: string; mongoUrl?: string },
    messageInstances: number,
  ): Promise<void> {
    const e = { ...clusterEndpoints(), ...endpoints };
    const common = {
      IM_KAFKA_BROKERS: e.kafkaBrokers,
      IM_KAFKA_NAMESPACE: this.namespace,
      IM_KAFKA_TOPIC_PARTITIONS: '4',
      IM_KAFKA_SESSION_TIMEOUT_MS: '6000',
      IM_MONGO_URL: withDatabase(e.mongoUrl, this.database),
      IM_REDIS_URL: e.redisUrl,
      IM_JWT_SECRET: TEST_SECRET,
      IM_LOG_LEVEL: process.env.IM_TEST_LOG_LEVEL ?? 'warn',
      IM_PRESENCE_TTL_MS: '6000',
      IM_ACK_TIMEOUT_MS: '5000',
      // The tests drive load from one socket; the per-socket limit has its own test.
      IM_RATE_LIMIT_PER_SEC: '2000',
      IM_DRAIN_WINDOW_MS: '1500',
      IM_RATE_LIMIT_BURST: '4000',
      ...extra,
    };
    for (const name of ['message', 'group', 'relation', 'events', 'wallet', 'call'] as const) {
      const port = await freePort();
      this.add(
        name,
        `services/${name}/dist/main.js`,
        { ...common, IM_HEALTH_PORT: String(port) },
        `http://127.0.0.1:${port}/readyz`,
      );
    }
    for (let i = 1; i < messageInstances; i++) {
      const port = await freePort();
      this.add(
        `message-${i}`,
        'services/message/dist/main.js',
        { ...common, IM_HEALTH_PORT: String(port) },
        `http://127.0.0.1:${port}/readyz`,
      );
    }
    for (let i = 0; i < gateways; i++) {
      const port = await freePort();
      this.gatewayPorts.push(port);
      const env = { ...common, IM_PORT: String(port), IM_HOST: '127.0.0.1', IM_GATEWAY_ID: `${this.namespace}-gw${i}` };
      this.add(`gateway${i}`, 'services/gateway/dist/main.js', env, `http://127.0.0.1:${port}/readyz`);
    }
  }

  private add(name: ServiceName, script: string, env: Record<string, string>, healthUrl: string): void {
    this.procs.set(name, { name, script, env, healthUrl, log: join(this.logDir, `${name}.log`) });
  }

  private async startProcess(name: ServiceName): Promise<void> {
    await this.waitReady(this.spawnProcess(name));
  }

  private spawnProcess(name: ServiceName): Proc {
    const p = this.procs.get(name);
    if (!p) throw new Error(`no process ${name}`);
    const out = createWriteStream(p.log, { flags: 'a' });
    const child = spawn(process.execPath, [p.script], {
      cwd: ROOT,
      env: { ...process.env, ...p.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    p.child = child;
    return p;
  }

  private async waitReady(p: Proc, timeoutMs = 60_000): Promise<void> {
    const start = Date.now();
    for (;;) {
      if (p.child && !running(p.child)) {
        throw new Error(
          `${p.name} exited (${p.child.exitCode ?? p.child.signalCode}) while starting:\n${this.logOf(p.name).slice(-3000)}`,
        );
      }
      const ok = await fetch(p.healthUrl).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      if (Date.now() - start > timeoutMs)
        throw new Error(`${p.name} not ready after ${timeoutMs} ms:\n${this.logOf(p.name).slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
