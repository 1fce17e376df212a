// Load worker: a child process holding many real client connections: the client SDK
// (@im-cluster/client) against this system, raw socket.io-client against the bare relay.
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { build, connect } from '@im-cluster/client';
import type { ImClient } from '@im-cluster/client';
import { signToken } from '@im/common';
import type { ClientSpec, RunResult, ServerKind, WorkerCommand, WorkerReply } from './protocol';
import { procStats } from './protocol';
import { Samples, nowMs } from './stats';

type Ack = { code: number; error?: string };

interface Client {
  s: ClientSpec;
  /** The bare relay's clients. */
  socket?: Socket;
  /** This system's clients. */
  sdk?: ImClient;
  inflight: number;
}

const clients: Client[] = [];
let senders: Client[] = [];
const startCpu = process.cpuUsage();
let peakRss = 0;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 200).unref();

let running = false;
let measuring = false;
let window = 1;
const totals = { sent: 0, acked: 0, ackErrors: 0, delivered: 0 };
let firstAckError: string | undefined;
let deliveryMs = new Samples();
let ackMs = new Samples();

function reply(m: WorkerReply): void {
  process.send?.(m);
}

function onChat(me: string, msg: { messageType?: number; fromId?: string; content?: unknown }, ack?: () => void): void {
  if (typeof ack === 'function') ack();
  if (msg && msg.messageType === 2 && msg.fromId !== me) {
    totals.delivered++;
    if (measuring) {
      const t = Number(msg.content);
      if (Number.isFinite(t)) deliveryMs.add(nowMs() - t);
    }
  }
}

/**
 * A client of this system through the SDK: it sends type 1 after `ready`, acknowledges every
 * downlink, resends on reconnect and backs off on 42901 / 50301 itself. Its outbox takes every
 * message the worker sends at once (the worker keeps its own window in flight).
 */
async function connectSdk(url: string, secret: string, spec: ClientSpec): Promise<Client> {
  const sdk = connect({
    url,
    token: spec.token ?? signToken({ sub: spec.userId, exp: Math.floor(Date.now() / 1000) + 86_400 }, secret),
    deviceId: `bench-${spec.userId}`,
    transports: ['websocket'],
    maxInFlight: 100_000,
    ackTimeoutMs: 60_000,
    socketOptions: { timeout: 60_000 },
  });
  sdk.on('message', (m) => onChat(spec.userId, m));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sdk.whenReady(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${spec.userId}: no ready within 60 s`)), 60_000);
        sdk.once('error', (e) => reject(new Error(`${spec.userId}: ${e instanceof Error ? e.message : String(e)}`)));
      }),
    ]);
  } catch (e) {
    await sdk.close();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return { s: spec, sdk, inflight: 0 };
}

function connectOne(urls: string[], server: ServerKind, secret: string, spec: ClientSpec): Promise<Client> {
  const url = urls[(spec.gateway ?? 0) % urls.length]!;
  if (server !== 'bare') return connectSdk(url, secret, spec);
  return new Promise((resolve, reject) => {
    const auth =
      server !== 'bare'
        ? {
            token: spec.token ?? signToken({ sub: spec.userId, exp: Math.floor(Date.now() / 1000) + 86_400 }, secret),
            deviceId: `bench-${spec.userId}`,
          }
        : { userId: spec.userId, rooms: spec.rooms ?? [] };
    const socket = io(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000 });
    const client: Client = { s: spec, socket, inflight: 0 };
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`${spec.userId}: no ready within 60 s`));
    }, 60_000);
    socket.on('chat', (msg: { messageType?: number; fromId?: string; content?: unknown }, ack?: () => void) =>
      onChat(spec.userId, msg, ack),
    );
    socket.on('connect_error', (err: Error) => {
      clearTimeout(timer);
      socket.close();
      reject(new Error(`${spec.userId}: connect_error ${err.message}`));
    });
    socket.once('ready', () => {
      // The protocol: a device sends type 1 after `ready` to start its deliveries.
      const ready = {
        msgId: randomUUID(),
        messageType: 1,
        fromId: spec.userId,
        fromType: 1,
        destId: 'server',
        fromName: '',
        imageIconUrl: '',
        content: '',
      };
      socket.emit('chat', ready, (a: Ack) => {
        clearTimeout(timer);
        if (a && a.code !== 0) reject(new Error(`${spec.userId}: type 1 refused: ${JSON.stringify(a)}`));
        else resolve(client);
      });
    });
  });
}

async function connectAll(cmd: Extract<WorkerCommand, { type: 'connect' }>): Promise<void> {
  const t0 = nowMs();
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const progress = setInterval(() => reply({ type: 'progress', sent: 0, acked: 0, delivered: 0, connected: ok }), 500);
  const lane = async (): Promise<void> => {
    while (next < cmd.clients.length) {
      const spec = cmd.clients[next++]!;
      try {
        clients.push(await connectOne(cmd.urls, cmd.server, cmd.secret, spec));
        ok++;
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cmd.concurrency) }, lane));
  clearInterval(progress);
  senders = clients.filter((c) => c.s.destId);
  reply({ type: 'connected', ok, failed, ms: nowMs() - t0, ...(firstError ? { firstError } : {}) });
}

function sendOne(c: Client): void {
  const sentAt = nowMs();
  if (c.sdk) {
    c.inflight++;
    totals.sent++;
    const to = c.s.fromType === 2 ? { group: c.s.destId ?? '' } : { user: c.s.destId ?? '' };
    c.sdk.send(build.text(to, String(sentAt))).then(
      () => answered(c, sentAt, { code: 0 }),
      (e: unknown) => answered(c, sentAt, { code: (e as { code?: number }).code ?? -1, error: String(e) }),
    );
    return;
  }
  const msg = {
    msgId: randomUUID(),
    messageType: 2,
    fromId: c.s.userId,
    fromType: c.s.fromType ?? 1,
    destId: c.s.destId,
    fromName: c.s.userId,
    imageIconUrl: '',
    content: String(sentAt),
  };
  c.inflight++;
  totals.sent++;
  c.socket?.emit('chat', msg, (a: Ack) => answered(c, sentAt, a));
}

function answered(c: Client, sentAt: number, a: Ack): void {
  c.inflight--;
  const refill = (): void => {
    if (running && !rateMode) while (c.inflight < window) sendOne(c);
  };
  if (a && a.code === 0) {
    totals.acked++;
    if (measuring) ackMs.add(nowMs() - sentAt);
    refill();
  } else {
    totals.ackErrors++;
    firstAckError ??= JSON.stringify(a);
    // A refusal is retried after a pause, as a client would, instead of at once in a tight loop
    // (the SDK already retried 42901 / 50301 itself).
    setTimeout(refill, 50);
  }
}

let rateMode = false;

async function run(cmd: Extract<WorkerCommand, { type: 'run' }>): Promise<void> {
  deliveryMs = new Samples();
  ackMs = new Samples();
  window = Math.max(1, cmd.window);
  rateMode = cmd.ratePerSec !== undefined;
  const warmupMs = Math.min(1000, cmd.durationMs * 0.2);
  const t0 = nowMs();
  running = true;
  const progress = setInterval(() => reply({ type: 'progress', ...totals, connected: clients.length }), 500);
  let rateTimer: NodeJS.Timeout | undefined;
  if (rateMode) {
    const rate = cmd.ratePerSec ?? 0;
    let rsent = 0;
    let rr = 0;
    const maxInflight = Math.max(window, 1000);
    rateTimer = setInterval(() => {
      const due = Math.floor(((nowMs() - t0) / 1000) * rate) - rsent;
      for (let i = 0; i < due && senders.length > 0; i++) {
        const c = senders[rr++ % senders.length]!;
        rsent++;
        if (c.inflight < maxInflight) sendOne(c);
      }
    }, 2);
  } else {
    for (const c of senders) while (c.inflight < window) sendOne(c);
  }
  await sleep(warmupMs);
  measuring = true;
  const start = { ...totals };
  const tStart = nowMs();
  await sleep(cmd.durationMs - warmupMs);
  const end = { ...totals };
  const measuredMs = nowMs() - tStart;
  running = false;
  if (rateTimer) clearInterval(rateTimer);
  // Drain: wait for the in-flight acks, then a moment for the last deliveries.
  const drainUntil = nowMs() + 5000;
  while (senders.some((c) => c.inflight > 0) && nowMs() < drainUntil) await sleep(20);
  await sleep(300);
  measuring = false;
  clearInterval(progress);
  const result: RunResult = {
    sent: end.sent - start.sent,
    acked: end.acked - start.acked,
    ackErrors: end.ackErrors - start.ackErrors,
    delivered: end.delivered - start.delivered,
    measuredMs,
    totalSent: totals.sent,
    totalAcked: totals.acked,
    totalDelivered: totals.delivered,
    deliveryMs: deliveryMs.take(),
    ackMs: ackMs.take(),
    ...(firstAckError ? { firstAckError } : {}),
  };
  reply({ type: 'result', result, stats: procStats(startCpu, peakRss) });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

process.on('message', (cmd: WorkerCommand) => {
  const fail = (err: unknown): void =>
    reply({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  switch (cmd.type) {
    case 'connect':
      connectAll(cmd).catch(fail);
      return;
    case 'run':
      run(cmd).catch(fail);
      return;
    case 'stats':
      reply({ type: 'stats', stats: procStats(startCpu, peakRss) });
      return;
    case 'close':
      for (const c of clients.splice(0)) {
        c.socket?.close();
        void c.sdk?.close();
      }
      reply({ type: 'closed' });
      setTimeout(() => process.exit(0), 50);
      return;
  }
});
process.on('disconnect', () => process.exit(0));
