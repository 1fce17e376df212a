// The cluster under benchmark: the real servers (Redis, Kafka, FerretDB on PostgreSQL) started by
// test/infra/infra.sh, and the compiled service processes and two gateways, each its own `node`
// process, in a Kafka namespace and database of their own. Its CPU and memory are read from
// /proc, for the IM processes and, apart, for the servers' process trees.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { dropRunData } from './drop-run-data';
import type { BackendRequests, ProcStats, ProcUsage } from './protocol';

const ROOT = resolve(__dirname, '../../..');
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

interface Member {
  name: string;
  port: number;
  child: ChildProcess;
  healthUrl: string;
  outputTail: string[];
}

export interface ClusterSystem {
  ports: number[];
  /** The run's own database. */
  mongoUrl: string;
  /** CPU since the last `resetCpu`, RSS now and peak, summed over the IM processes; per-process and the servers' usage in `breakdown`. */
  stats(): Promise<ProcStats>;
  resetCpu(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Ports for the bench's processes, from a block below Linux's ephemeral range (32768+) and above
 * the test harness's blocks (20000-31999, test/support/cluster-harness.ts). A port picked with
 * `listen(0)` comes from the ephemeral range, where another process (a client's outgoing socket,
 * another test's server) can take it between the pick and the child's own `listen`: that happened
 * in CI, and another server's `/readyz` then answered for a gateway that never started.
 */
const BENCH_PORTS = { first: 32_000, last: 32_767 };
let nextBenchPort = BENCH_PORTS.first + Math.floor(Math.random() * 64) * 8;

function canListen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

async function freePort(): Promise<number> {
  const span = BENCH_PORTS.last - BENCH_PORTS.first + 1;
  for (let tries = 0; tries < span; tries++) {
    const port = BENCH_PORTS.first + ((nextBenchPort++ - BENCH_PORTS.first) % span);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${BENCH_PORTS.first}-${BENCH_PORTS.last} for the bench's processes`);
}

function infraEnv(): { env: Record<string, string>; text: string } {
  const script = join(ROOT, 'test/infra/infra.sh');
  try {
    execFileSync('bash', [script, 'up', 'all'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '').slice(-2000);
    throw new Error(
      `could not start the real servers (run \`bash test/infra/infra.sh up all\` to see why):\n${stderr}`,
    );
  }
  const text = execFileSync('bash', [script, 'env', 'all'], { encoding: 'utf8' });
  const env = Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.startsWith('export '))
      .map((l) => l.slice(7).split('=', 2) as [string, string]),
  );
  return { env, text };
}

/** utime + stime (ms), RSS and peak RSS (bytes) of one process; undefined once it is gone. */
function usageOf(pid: number): ProcUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { cpuMs, rss: kb('VmRSS'), peakRss: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Every live process whose ancestry reaches `root` (root included). */
function treeOf(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return [...parent.keys()].filter((pid) => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++)
      if (p === root) return true;
    return false;
  });
}

/** The pid listening on a loopback TCP port (`ss`), for the servers infra.sh started. */
function listenerPid(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function sumUsage(pids: number[]): ProcUsage {
  const total: ProcUsage = { cpuMs: 0, rss: 0, peakRss: 0 };
  for (const pid of pids) {
    const u = usageOf(pid);
    if (!u) continue;
    total.cpuMs += u.cpuMs;
    total.rss += u.rss;
    total.peakRss += u.peakRss;
  }
  return total;
}

export async function startClusterSystem(secret: string, extraEnv: Record<string, string>): Promise<ClusterSystem> {
  const { env: infra, text: infraText } = infraEnv();
  const namespace = `bench${randomUUID().slice(0, 8)}`;
  const mongo = new URL(infra.IM_TEST_MONGO_URL ?? '');
  mongo.pathname = `/im_${namespace}`;
  const common: Record<string, string> = {
    IM_KAFKA_BROKERS: infra.IM_TEST_KAFKA_BROKERS ?? '',
    IM_KAFKA_NAMESPACE: namespace,
    IM_MONGO_URL: mongo.toString(),
    IM_REDIS_URL: infra.IM_TEST_REDIS_URL ?? '',
    IM_JWT_SECRET: secret,
    IM_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const specs: { name: string; script: string; env: Record<string, string>; port: number; gateway: boolean }[] = [];
  // The call service too: every socket connect and disconnect is a request to it.
  for (const name of ['message', 'group', 'relation', 'call']) {
    const port = await freePort();
    specs.push({
      name,
      script: `services/${name}/dist/main.js`,
      env: { IM_HEALTH_PORT: String(port) },
      port,
      gateway: false,
    });
  }
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    specs.push({
      name: `gateway${i}`,
      script: 'services/gateway/dist/main.js',
      env: { IM_PORT: String(port), IM_HOST: '127.0.0.1', IM_GATEWAY_ID: `${namespace}-gw${i}` },
      port,
      gateway: true,
    });
  }
  const members: Member[] = [];
  const stopProcesses = async (): Promise<void> => {
    await Promise.all(
      members.map(async (m) => {
        if (m.child.exitCode !== null || m.child.signalCode !== null) return;
        const exited = new Promise((r) => m.child.once('exit', r));
        m.child.kill('SIGTERM');
        const timer = setTimeout(() => m.child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };
  const stop = async (): Promise<void> => {
    await stopProcesses();
    await dropRunData(namespace, common.IM_KAFKA_BROKERS ?? '', common.IM_MONGO_URL ?? '', '[bench]');
  };
  try {
    // Services first, so the gateways' first requests find their consumers.
    for (const group of [specs.filter((s) => !s.gateway), specs.filter((s) => s.gateway)]) {
      const started = group.map((s) => {
        const child = spawn(process.execPath, [join(ROOT, s.script)], {
          cwd: ROOT,
          env: { ...process.env, ...common, ...s.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const m: Member = {
          name: s.name,
          port: s.port,
          child,
          healthUrl: `http://127.0.0.1:${s.port}/readyz`,
          outputTail: [],
        };
        // The last output lines (pino logs go to stdout) explain a process that exits at start.
        for (const stream of [child.stdout, child.stderr]) {
          stream?.setEncoding('utf8');
          stream?.on('data', (d: string) => {
            m.outputTail.push(d);
            if (m.outputTail.length > 20) m.outputTail.shift();
          });
        }
        members.push(m);
        return m;
      });
      await Promise.all(started.map((m) => waitReady(m)));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const servers: Record<string, number | undefined> = {
    redis: listenerPid(Number(new URL(infra.IM_TEST_REDIS_URL ?? 'redis://x:0').port)),
    kafka: listenerPid(Number((infra.IM_TEST_KAFKA_BROKERS ?? ':0').split(',')[0]!.split(':')[1])),
    ferretdb: listenerPid(Number(mongo.port)),
    postgresql: listenerPid(Number(/postgres:\/\/[^\s)]*:(\d+)\//.exec(infraText)?.[1] ?? 0)),
  };
  const usage = (): Record<string, ProcUsage> => {
    const out: Record<string, ProcUsage> = {};
    for (const m of members) out[m.name] = sumUsage(m.child.pid ? [m.child.pid] : []);
    for (const [name, pid] of Object.entries(servers)) if (pid) out[`server:${name}`] = sumUsage(treeOf(pid));
    return out;
  };
  let base = usage();
  const requests = (): Promise<BackendRequests> => backendRequestsOf(members.map((m) => m.healthUrl));
  let requestsBase = await requests();
  return {
    ports: specs.filter((s) => s.gateway).map((s) => s.port),
    mongoUrl: common.IM_MONGO_URL ?? '',
    async resetCpu() {
      base = usage();
      requestsBase = await requests();
    },
    async stats(): Promise<ProcStats> {
      const now = usage();
      const r = await requests();
      const breakdown: Record<string, ProcUsage> = {};
      for (const [name, u] of Object.entries(now))
        breakdown[name] = { cpuMs: Math.max(0, u.cpuMs - (base[name]?.cpuMs ?? 0)), rss: u.rss, peakRss: u.peakRss };
      const im = Object.entries(breakdown).filter(([n]) => !n.startsWith('server:'));
      return {
        pid: members[0]?.child.pid ?? 0,
        rss: im.reduce((a, [, u]) => a + u.rss, 0),
        heapUsed: 0,
        peakRss: im.reduce((a, [, u]) => a + u.peakRss, 0),
        cpuUserMs: im.reduce((a, [, u]) => a + u.cpuMs, 0),
        cpuSystemMs: 0,
        breakdown,
        requests: {
          store: r.store - requestsBase.store,
          redis: r.redis - requestsBase.redis,
          kafka: r.kafka - requestsBase.kafka,
        },
      };
    },
    stop,
  };
}

/** `im_backend_requests_total` summed over the IM processes (their `/metrics`, beside `/readyz`). */
async function backendRequestsOf(readyUrls: readonly string[]): Promise<BackendRequests> {
  const total: BackendRequests = { store: 0, redis: 0, kafka: 0 };
  await Promise.all(
    readyUrls.map(async (url) => {
      const text = await fetch(url.replace(/\/readyz$/, '/metrics')).then(
        (r) => r.text(),
        () => '',
      );
      for (const m of text.matchAll(/^im_backend_requests_total\{backend="(store|redis|kafka)"\} (\d+)/gm))
        total[m[1] as keyof BackendRequests] += Number(m[2]);
    }),
  );
  return total;
}

async function waitReady(m: Member, timeoutMs = 90_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (m.child.exitCode !== null || m.child.signalCode !== null) {
      throw new Error(
        `${m.name} exited (${m.child.exitCode ?? m.child.signalCode}) while starting:\n${m.outputTail.join('').slice(-3000)}`,
      );
    }
    const ok = await fetch(m.healthUrl).then(
      (r) => r.status === 200,
      () => false,
    );
    // Ready only when the answer came from this child: another process on the port is a loud error.
    if (ok) {
      const pid = listenerPid(m.port); // undefined where `ss` cannot tell
      if (pid === undefined || pid === m.child.pid) return;
      throw new Error(`${m.name}: port ${m.port} answers from pid ${pid ?? '?'}, not from the child ${m.child.pid}`);
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`${m.name} not ready after ${timeoutMs} ms:\n${m.outputTail.join('').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
