#!/usr/bin/env node
// Benchmark harness: `npm run bench -- <scenario> [options]`. See docs/benchmarks.md.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { signToken } from '@im/common';
import type {
  ClientSpec,
  HostCommand,
  HostReply,
  ProcStats,
  RunResult,
  ServerKind,
  WorkerCommand,
  WorkerReply,
} from './protocol';
import { percentiles, round } from './stats';
import type { Percentiles } from './stats';
import { requestRows } from './requests';

export const SCENARIOS = ['one-to-one', 'latency', 'fanout', 'connections'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchOptions {
  scenarios: Scenario[];
  mode: 'embedded' | 'cluster';
  durationSec: number;
  users: number;
  window: number;
  members: number;
  connections: number;
  workers: number;
  rate?: number;
  quick: boolean;
  out?: string;
  cpuProf: boolean;
  quiet: boolean;
  /** Messages stored before each system run (over 1,000 conversations); 0: an empty store. */
  preload: number;
}

const USAGE = `usage: npm run bench -- <scenario|all> [options]
scenarios: ${SCENARIOS.join(', ')}, all
options:
  --mode embedded|cluster   system under test (default embedded; cluster: Redis, Kafka, FerretDB
                            from test/infra/infra.sh, the services and two gateways as processes)
  --duration <s>            measured seconds per system run (default 15; --quick 1)
  --users <n>               one-to-one / latency: users, in pairs (default 200)
  --window <n>              in-flight messages per sender (default 8)
  --members <n>             fanout: group size (default 500)
  --connections <n>         connections: clients to ramp to (default 10000)
  --workers <n>             load worker processes (default 2; connections: one per 5000 clients)
  --rate <msgs/s>           latency: fixed send rate (default half the measured one-to-one peak)
  --preload <n>             store n messages over 1,000 conversations before each system run
  --quick                   tiny sizes, a few seconds per scenario (smoke test)
  --cpu-prof                write a V8 CPU profile of each server process to bench-results/profiles
  --out <file>              JSON result file (default bench-results/<scenario>-<timestamp>.json)
  --quiet                   no progress line`;

export function parseArgs(argv: string[]): BenchOptions {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) flags[k] = v;
      else if (['quick', 'cpu-prof', 'quiet', 'help'].includes(k)) flags[k] = true;
      else {
        const next = argv[++i];
        if (next === undefined) throw new Error(`--${k} needs a value`);
        flags[k] = next;
      }
    } else positional.push(a);
  }
  if (flags.help) throw new Error(USAGE);
  const known = [
    'mode',
    'duration',
    'users',
    'window',
    'members',
    'connections',
    'workers',
    'rate',
    'preload',
    'quick',
    'cpu-prof',
    'out',
    'quiet',
  ];
  const unknown = Object.keys(flags).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`unknown option(s): ${unknown.map((k) => `--${k}`).join(' ')}\n${USAGE}`);
  const name = positional[0];
  if (!name) throw new Error(USAGE);
  const scenarios = name === 'all' ? [...SCENARIOS] : name.split(',').map((s) => s.trim());
  for (const s of scenarios)
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}\n${USAGE}`);
  const quick = flags.quick === true;
  const num = (k: string, def: number): number => {
    const v = flags[k];
    if (v === undefined || v === true) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number`);
    return n;
  };
  const mode = (flags.mode ?? 'embedded') as string;
  if (mode !== 'embedded' && mode !== 'cluster') throw new Error(`--mode must be embedded or cluster`);
  const connections = Math.floor(num('connections', quick ? 60 : 10_000));
  return {
    scenarios: scenarios as Scenario[],
    mode,
    durationSec: num('duration', quick ? 1 : 15),
    users: Math.max(2, Math.floor(num('users', quick ? 10 : 200) / 2) * 2),
    window: Math.floor(num('window', quick ? 4 : 8)),
    members: Math.max(2, Math.floor(num('members', quick ? 20 : 500))),
    connections,
    workers: Math.floor(num('workers', quick ? 2 : 2)),
    ...(flags.rate !== undefined ? { rate: num('rate', 1) } : {}),
    quick,
    ...(typeof flags.out === 'string' ? { out: flags.out } : {}),
    cpuProf: flags['cpu-prof'] === true,
    quiet: flags.quiet === true,
    preload: flags.preload === undefined ? 0 : Math.floor(num('preload', 0)),
  };
}

// ---------------------------------------------------------------- child processes

class Child<C, R extends { type: string }> {
  readonly proc: ChildProcess;
  private readonly waiting: { type: string; resolve: (r: R) => void; reject: (e: Error) => void }[] = [];
  onProgress?: (r: R) => void;

  constructor(script: string, execArgv: string[] = []) {
    this.proc = fork(join(__dirname, script), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (m: R) => {
      if (m.type === 'progress') return this.onProgress?.(m);
      if (m.type === 'error') {
        const w = this.waiting.shift();
        w?.reject(new Error(`${script}: ${(m as unknown as { error: string }).error}`));
        return;
      }
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
    });
    this.proc.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`${script} exited with ${code}`));
    });
  }

  request<T extends R['type']>(cmd: C, answer: T): Promise<Extract<R, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ type: answer, resolve: resolve as (r: R) => void, reject });
      this.proc.send(cmd as object);
    });
  }

  async stop(cmd: C, answer: R['type']): Promise<void> {
    if (this.proc.exitCode !== null || !this.proc.connected) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    await Promise.race([this.request(cmd, answer).catch(() => undefined), sleep(10_000)]);
    await Promise.race([exited, sleep(3000)]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

type Host = Child<HostCommand, HostReply>;
type Worker = Child<WorkerCommand, WorkerReply>;

interface System {
  kind: ServerKind;
  host: Host;
  /** First gateway; in cluster mode `urls` holds both. */
  url: string;
  urls: string[];
  secret: string;
}

async function startSystem(
  kind: ServerKind,
  env: Record<string, string>,
  opts: BenchOptions,
  label: string,
): Promise<System> {
  const execArgv = ['--expose-gc'];
  if (opts.cpuProf) {
    const dir = resolve('bench-results', 'profiles');
    mkdirSync(dir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${label}-${kind}-${Date.now()}.cpuprofile`);
  }
  const host: Host = new Child('server-host.js', execArgv);
  const preload = kind === 'bare' || opts.preload === 0 ? {} : { preload: opts.preload };
  const started = await host.request({ type: 'start', kind, env, ...preload }, 'started');
  const urls = started.ports.map((p) => `http://127.0.0.1:${p}`);
  return { kind, host, url: urls[0]!, urls, secret: started.secret };
}

async function serverStats(sys: System, gc = false, resetLoop = false): Promise<ProcStats> {
  return (await sys.host.request({ type: 'stats', gc, resetLoop }, 'stats')).stats;
}

// ---------------------------------------------------------------- progress

class Progress {
  private readonly last = new Map<Worker, { sent: number; acked: number; delivered: number; connected: number }>();
  private timer?: NodeJS.Timeout;
  private t0 = Date.now();
  constructor(
    private readonly label: string,
    private readonly quiet: boolean,
  ) {}

  attach(workers: Worker[]): void {
    for (const w of workers) w.onProgress = (m) => m.type === 'progress' && this.last.set(w, m);
    if (this.quiet) return;
    this.t0 = Date.now();
    const tty = process.stderr.isTTY;
    this.timer = setInterval(() => this.print(tty), tty ? 500 : 2000);
  }

  private print(tty: boolean): void {
    const sum = { sent: 0, acked: 0, delivered: 0, connected: 0 };
    for (const v of this.last.values()) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += v[k];
    const line = `[${this.label}] ${((Date.now() - this.t0) / 1000).toFixed(1)}s  connected ${sum.connected}  sent ${sum.sent}  acked ${sum.acked}  delivered ${sum.delivered}`;
    process.stderr.write(tty ? `\r${line.padEnd(100)}` : `${line}\n`);
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    if (!this.quiet && process.stderr.isTTY) process.stderr.write('\n');
  }
}

// ---------------------------------------------------------------- one load run

export interface LoadMeasure {
  server: ServerKind;
  clients: number;
  connectFailed: number;
  firstConnectError?: string;
  connectMs: number;
  measuredSec: number;
  sent: number;
  acked: number;
  ackErrors: number;
  firstAckError?: string;
  delivered: number;
  sentPerSec: number;
  acksPerSec: number;
  deliveredPerSec: number;
  deliveryLatencyMs: Percentiles;
  ackLatencyMs: Percentiles;
  serverProcess: ProcStats;
  workerProcesses: ProcStats[];
}

interface LoadPlan {
  /** Client specs per worker. */
  perWorker: ClientSpec[][];
  window: number;
  ratePerSec?: number;
  expectPerMessage: number;
}

async function runLoad(sys: System, plan: LoadPlan, opts: BenchOptions, label: string): Promise<LoadMeasure> {
  const workers: Worker[] = plan.perWorker.map(() => new Child('worker.js'));
  const progress = new Progress(`${label} ${sys.kind}`, opts.quiet);
  progress.attach(workers);
  try {
    const conns = await Promise.all(
      workers.map((w, i) =>
        w.request(
          {
            type: 'connect',
            urls: sys.urls,
            server: sys.kind,
            secret: sys.secret,
            clients: plan.perWorker[i]!,
            concurrency: 50,
          },
          'connected',
        ),
      ),
    );
    const failed = conns.reduce((a, c) => a + c.failed, 0);
    if (failed > 0)
      throw new Error(
        `${failed} clients failed to connect to ${sys.kind}: ${conns.find((c) => c.firstError)?.firstError}`,
      );
    await serverStats(sys, false, true);
    const senders = plan.perWorker.map((specs) => specs.filter((s) => s.destId).length);
    const totalSenders = senders.reduce((a, b) => a + b, 0);
    const results = await Promise.all(
      workers.map((w, i) =>
        w.request(
          {
            type: 'run',
            durationMs: opts.durationSec * 1000,
            window: plan.window,
            ...(plan.ratePerSec !== undefined
              ? { ratePerSec: totalSenders ? (plan.ratePerSec * senders[i]!) / totalSenders : 0 }
              : {}),
            expectPerMessage: plan.expectPerMessage,
          },
          'result',
        ),
      ),
    );
    const server = await serverStats(sys);
    const r = results.map((x) => x.result);
    const sum = (f: (x: RunResult) => number): number => r.reduce((a, x) => a + f(x), 0);
    const measuredSec = Math.max(...r.map((x) => x.measuredMs)) / 1000;
    const firstAckError = r.find((x) => x.firstAckError)?.firstAckError;
    return {
      server: sys.kind,
      clients: plan.perWorker.reduce((a, s) => a + s.length, 0),
      connectFailed: failed,
      connectMs: round(Math.max(...conns.map((c) => c.ms))),
      measuredSec: round(measuredSec),
      sent: sum((x) => x.sent),
      acked: sum((x) => x.acked),
      ackErrors: sum((x) => x.ackErrors),
      ...(firstAckError ? { firstAckError } : {}),
      delivered: sum((x) => x.delivered),
      sentPerSec: round(sum((x) => x.sent) / measuredSec, 0),
      acksPerSec: round(sum((x) => x.acked) / measuredSec, 0),
      deliveredPerSec: round(sum((x) => x.delivered) / measuredSec, 0),
      deliveryLatencyMs: percentiles(r.flatMap((x) => x.deliveryMs)),
      ackLatencyMs: percentiles(r.flatMap((x) => x.ackMs)),
      serverProcess: server,
      workerProcesses: results.map((x) => x.stats),
    };
  } finally {
    progress.done();
    await Promise.all(workers.map((w) => w.stop({ type: 'close' }, 'closed')));
  }
}

function systemEnv(opts: BenchOptions): Record<string, string> {
  // The per-socket rate limit would cap a benchmark sender at 20 msgs/s, and the per-address
  // handshake limit its ramp (every bench client comes from loopback); lift both.
  return {
    IM_RATE_LIMIT_PER_SEC: '10000000',
    IM_RATE_LIMIT_BURST: '10000000',
    IM_HANDSHAKES_PER_IP_PER_MIN: '0',
    IM_MAX_GROUP_MEMBERS: String(Math.max(500, opts.members)),
  };
}

async function withSystem<T>(
  kind: ServerKind,
  opts: BenchOptions,
  label: string,
  fn: (sys: System) => Promise<T>,
): Promise<T> {
  const sys = await startSystem(kind, kind === 'bare' ? {} : systemEnv(opts), opts, label);
  try {
    return await fn(sys);
  } finally {
    await sys.host.stop({ type: 'stop' }, 'stopped');
  }
}

function pairPlan(opts: BenchOptions, prefix: string, ratePerSec?: number): LoadPlan {
  const perWorker: ClientSpec[][] = Array.from({ length: opts.workers }, () => []);
  for (let p = 0; p < opts.users / 2; p++) {
    const a = `${prefix}a${p}`;
    const b = `${prefix}b${p}`;
    // Cluster: every pair spans the two gateways (embedded has one, so both land on it).
    perWorker[p % opts.workers]!.push({ userId: a, destId: b, gateway: 0 }, { userId: b, destId: a, gateway: 1 });
  }
  return { perWorker, window: opts.window, ...(ratePerSec !== undefined ? { ratePerSec } : {}), expectPerMessage: 1 };
}

// ---------------------------------------------------------------- scenarios

export interface Row {
  scenario: Scenario;
  metric: string;
  value: number;
  baseline: number | null;
  ratio: number | null;
  goal: string;
  met: boolean | null;
}

export interface ScenarioResult {
  /** The system under test: embedded or cluster (`BenchReport.mode`). */
  system: unknown;
  bare: unknown;
  rows: Row[];
}

function row(
  scenario: Scenario,
  metric: string,
  value: number,
  baseline: number | null,
  goal = '',
  check?: (value: number, ratio: number | null) => boolean,
): Row {
  const ratio = baseline ? round(value / baseline, 3) : null;
  return {
    scenario,
    metric,
    value: round(value),
    baseline: baseline === null ? null : round(baseline),
    ratio,
    goal,
    met: check ? check(value, ratio) : null,
  };
}

/**
 * Backend requests per delivered message. The server's counters cover the whole run (warm-up
 * included) and `delivered` only the measured window, so the count is scaled to that window.
 */
function perMessageRows(scenario: Scenario, m: LoadMeasure, opts: BenchOptions, storeGoal?: number): Row[] {
  const delivered = (m.delivered * opts.durationSec) / Math.max(m.measuredSec, 0.001);
  return requestRows(m.serverProcess.requests, delivered, storeGoal).map((r) =>
    row(scenario, r.metric, r.value, null, r.goal ?? '', r.check ? (v) => r.check!(v) : undefined),
  );
}

/** Cluster: the CPU of the real servers (Kafka, Redis, FerretDB, PostgreSQL) during the run, which the bare relay does not have. */
function serversRows(scenario: Scenario, m: LoadMeasure): Row[] {
  const b = m.serverProcess.breakdown;
  if (!b) return [];
  const servers = Object.entries(b).filter(([n]) => n.startsWith('server:'));
  const cpu = servers.reduce((a, [, u]) => a + u.cpuMs, 0) / 1000;
  return [row(scenario, `servers CPU s (${servers.map(([n]) => n.slice(7)).join(', ')})`, cpu, null)];
}

async function oneToOne(
  opts: BenchOptions,
  label: Scenario = 'one-to-one',
): Promise<ScenarioResult & { system: LoadMeasure; bare: LoadMeasure }> {
  const run = (kind: ServerKind): Promise<LoadMeasure> =>
    withSystem(kind, opts, label, (sys) => runLoad(sys, pairPlan(opts, 'o'), opts, label));
  const system = await run(opts.mode);
  const bare = await run('bare');
  const rows = [
    opts.mode === 'cluster'
      ? row(
          'one-to-one',
          'delivered msgs/s (2 gateways)',
          system.deliveredPerSec,
          bare.deliveredPerSec,
          '≥ 0.3× bare',
          (_v, r) => (r ?? 0) >= 0.3,
        )
      : row(
          'one-to-one',
          'delivered msgs/s',
          system.deliveredPerSec,
          bare.deliveredPerSec,
          '≥ 0.6× bare',
          (_v, r) => (r ?? 0) >= 0.6,
        ),
    row('one-to-one', 'acks/s', system.acksPerSec, bare.acksPerSec),
    row('one-to-one', 'delivery p99 ms (saturated)', system.deliveryLatencyMs.p99, bare.deliveryLatencyMs.p99),
    row(
      'one-to-one',
      'server CPU s',
      (system.serverProcess.cpuUserMs + system.serverProcess.cpuSystemMs) / 1000,
      (bare.serverProcess.cpuUserMs + bare.serverProcess.cpuSystemMs) / 1000,
    ),
    row(
      'one-to-one',
      'server peak RSS MB',
      system.serverProcess.peakRss / 2 ** 20,
      bare.serverProcess.peakRss / 2 ** 20,
    ),
    ...serversRows('one-to-one', system),
    ...perMessageRows('one-to-one', system, opts, 0.2),
  ];
  return { system, bare, rows };
}

async function latency(opts: BenchOptions, peak?: number): Promise<ScenarioResult> {
  let rate = opts.rate;
  let peakMeasured: number | undefined = peak;
  if (rate === undefined) {
    if (peakMeasured === undefined) {
      const short = { ...opts, durationSec: Math.min(opts.durationSec, 5) };
      peakMeasured = (
        await withSystem(opts.mode, short, 'latency-peak', (sys) =>
          runLoad(sys, pairPlan(short, 'p'), short, 'latency-peak'),
        )
      ).deliveredPerSec;
    }
    rate = Math.max(1, Math.round(peakMeasured / 2));
  }
  const r = rate;
  const run = (kind: ServerKind): Promise<LoadMeasure> =>
    withSystem(kind, opts, 'latency', (sys) => runLoad(sys, pairPlan(opts, 'l', r), opts, 'latency'));
  const system = await run(opts.mode);
  const bare = await run('bare');
  const rows: Row[] = [
    row(
      'latency',
      'rate msgs/s (target)',
      r,
      null,
      peakMeasured !== undefined ? `½ of peak ${round(peakMeasured, 0)}` : '--rate',
    ),
  ];
  rows.push(row('latency', 'delivered msgs/s', system.deliveredPerSec, bare.deliveredPerSec));
  for (const k of ['p50', 'p95', 'p99', 'max'] as const) {
    rows.push(
      row(
        'latency',
        `send→delivery ${k} ms`,
        system.deliveryLatencyMs[k],
        bare.deliveryLatencyMs[k],
        k === 'p99' ? '≤ 25 ms' : '',
        k === 'p99' ? (v) => v <= 25 : undefined,
      ),
    );
  }
  for (const k of ['p50', 'p95', 'p99', 'max'] as const)
    rows.push(row('latency', `send→ack ${k} ms`, system.ackLatencyMs[k], bare.ackLatencyMs[k]));
  return { system: { rate: r, peak: peakMeasured, ...system }, bare, rows };
}

async function fanout(opts: BenchOptions): Promise<ScenarioResult> {
  const m = opts.members;
  const users = Array.from({ length: m }, (_, i) => `f${i}`);
  const run = (kind: ServerKind): Promise<LoadMeasure> =>
    withSystem(kind, opts, 'fanout', async (sys) => {
      let groupId = 'bench-room';
      if (kind !== 'bare') {
        const token = signToken({ sub: users[0]!, exp: Math.floor(Date.now() / 1000) + 3600 }, sys.secret);
        const res = await fetch(`${sys.url}/v1/groups`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'bench', memberIds: users.slice(1) }),
        });
        const body = (await res.json()) as { groupId?: string };
        if (res.status !== 201 || !body.groupId) throw new Error(`create group: ${res.status} ${JSON.stringify(body)}`);
        groupId = body.groupId;
      }
      const perWorker: ClientSpec[][] = Array.from({ length: opts.workers }, () => []);
      users.forEach((u, i) =>
        perWorker[i % opts.workers]!.push({
          userId: u,
          rooms: [groupId],
          gateway: i % 2,
          ...(i === 0 ? { destId: groupId, fromType: 2 as const } : {}),
        }),
      );
      return runLoad(sys, { perWorker, window: opts.window, expectPerMessage: m - 1 }, opts, 'fanout');
    });
  const system = await run(opts.mode);
  const bare = await run('bare');
  return {
    system,
    bare,
    rows: [
      row(
        'fanout',
        `deliveries/s (group of ${m})`,
        system.deliveredPerSec,
        bare.deliveredPerSec,
        '≥ 0.5× room broadcast',
        (_v, r) => (r ?? 0) >= 0.5,
      ),
      row('fanout', 'group msgs acked/s', system.acksPerSec, bare.acksPerSec),
      row('fanout', 'delivery p50 ms', system.deliveryLatencyMs.p50, bare.deliveryLatencyMs.p50),
      row('fanout', 'delivery p99 ms', system.deliveryLatencyMs.p99, bare.deliveryLatencyMs.p99),
      ...serversRows('fanout', system),
      ...perMessageRows('fanout', system, opts),
    ],
  };
}

interface ConnMeasure {
  server: ServerKind;
  connections: number;
  workers: number;
  connectSec: number;
  connectsPerSec: number;
  rssPerConnKB: number;
  heapPerConnKB: number;
  before: ProcStats;
  after: ProcStats;
  duringRamp: ProcStats;
  workerProcesses: ProcStats[];
}

async function connections(opts: BenchOptions): Promise<ScenarioResult> {
  const n = opts.connections;
  const nWorkers = Math.max(opts.workers, Math.ceil(n / 5000));
  const run = (kind: ServerKind): Promise<ConnMeasure> =>
    withSystem(kind, opts, 'connections', async (sys) => {
      const perWorker: ClientSpec[][] = Array.from({ length: nWorkers }, () => []);
      for (let i = 0; i < n; i++) perWorker[i % nWorkers]!.push({ userId: `c${i}` });
      const workers: Worker[] = perWorker.map(() => new Child('worker.js'));
      const progress = new Progress(`connections ${kind}`, opts.quiet);
      progress.attach(workers);
      try {
        await sleep(200);
        const before = await serverStats(sys, true, true);
        const t0 = Date.now();
        const conns = await Promise.all(
          workers.map((w, i) =>
            w.request(
              {
                type: 'connect',
                urls: sys.urls,
                server: kind,
                secret: sys.secret,
                clients: perWorker[i]!,
                concurrency: 100,
              },
              'connected',
            ),
          ),
        );
        const connectSec = (Date.now() - t0) / 1000;
        const failed = conns.reduce((a, c) => a + c.failed, 0);
        if (failed > 0)
          throw new Error(
            `${failed} of ${n} clients failed to connect to ${kind}: ${conns.find((c) => c.firstError)?.firstError}`,
          );
        const duringRamp = await serverStats(sys);
        await sleep(1000);
        const after = await serverStats(sys, true);
        const workerProcesses = await Promise.all(
          workers.map(async (w) => (await w.request({ type: 'stats' }, 'stats')).stats),
        );
        return {
          server: kind,
          connections: n,
          workers: nWorkers,
          connectSec: round(connectSec),
          connectsPerSec: round(n / connectSec, 0),
          rssPerConnKB: round((after.rss - before.rss) / n / 1024),
          heapPerConnKB: round((after.heapUsed - before.heapUsed) / n / 1024),
          before,
          after,
          duringRamp,
          workerProcesses,
        };
      } finally {
        progress.done();
        await Promise.all(workers.map((w) => w.stop({ type: 'close' }, 'closed')));
      }
    });
  const system = await run(opts.mode);
  const bare = await run('bare');
  const mb = (b: number): number => b / 2 ** 20;
  return {
    system,
    bare,
    rows: [
      row('connections', `connect rate /s (${n} clients)`, system.connectsPerSec, bare.connectsPerSec),
      row(
        'connections',
        'server RSS delta MB',
        mb(system.after.rss - system.before.rss),
        mb(bare.after.rss - bare.before.rss),
        '≤ 1.5× bare',
        (_v, r) => (r ?? Infinity) <= 1.5,
      ),
      row('connections', 'server RSS KB/conn', system.rssPerConnKB, bare.rssPerConnKB),
      row('connections', 'server heap KB/conn', system.heapPerConnKB, bare.heapPerConnKB),
      row(
        'connections',
        'event-loop delay p99 ms (ramp)',
        system.duringRamp.loopDelay?.p99 ?? 0,
        bare.duringRamp.loopDelay?.p99 ?? 0,
      ),
      row(
        'connections',
        'event-loop delay max ms (ramp)',
        system.duringRamp.loopDelay?.max ?? 0,
        bare.duringRamp.loopDelay?.max ?? 0,
      ),
      row(
        'connections',
        'server CPU s (ramp)',
        (system.duringRamp.cpuUserMs + system.duringRamp.cpuSystemMs) / 1000,
        (bare.duringRamp.cpuUserMs + bare.duringRamp.cpuSystemMs) / 1000,
      ),
      row('connections', 'server peak RSS MB', mb(system.after.peakRss), mb(bare.after.peakRss)),
    ],
  };
}

// ---------------------------------------------------------------- report

export interface BenchReport {
  version: 1;
  scenario: string;
  mode: string;
  startedAt: string;
  finishedAt: string;
  machine: {
    nproc: number;
    cpuModel: string;
    memoryMB: number;
    node: string;
    platform: string;
    loadAvgAtStart: number[];
    loadAvgAtEnd: number[];
  };
  options: BenchOptions;
  results: Partial<Record<Scenario, ScenarioResult>>;
  rows: Row[];
  file: string;
}

export function formatTable(rows: Row[]): string {
  const head = ['scenario', 'metric', 'system', 'bare', 'ratio', 'goal', 'met'];
  const body = rows.map((r) => [
    r.scenario,
    r.metric,
    String(r.value),
    r.baseline === null ? '' : String(r.baseline),
    r.ratio === null ? '' : `${r.ratio}×`,
    r.goal,
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w, i) => (i >= 2 && i <= 4 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date();
  // Other processes on the machine skew every figure: the load average goes into the report.
  const loadAvgAtStart = loadavg().map((v) => round(v));
  const results: Partial<Record<Scenario, ScenarioResult>> = {};
  let peak: number | undefined;
  for (const s of opts.scenarios) {
    if (s === 'one-to-one') {
      const r = await oneToOne(opts);
      peak = r.system.deliveredPerSec;
      results[s] = r;
    } else if (s === 'latency') results[s] = await latency(opts, peak);
    else if (s === 'fanout') results[s] = await fanout(opts);
    else results[s] = await connections(opts);
  }
  const name = opts.scenarios.length === SCENARIOS.length ? 'all' : opts.scenarios.join(',');
  const file = resolve(
    opts.out ?? join('bench-results', `${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`),
  );
  const report: BenchReport = {
    version: 1,
    scenario: name,
    mode: opts.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      nproc: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      memoryMB: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      platform: process.platform,
      loadAvgAtStart,
      loadAvgAtEnd: loadavg().map((v) => round(v)),
    },
    options: opts,
    results,
    rows: opts.scenarios.flatMap((s) => results[s]?.rows ?? []),
    file,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function main(): Promise<void> {
  let opts: BenchOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const report = await runBench(opts);
  process.stdout.write(`${formatTable(report.rows)}\n\nresults: ${report.file}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
