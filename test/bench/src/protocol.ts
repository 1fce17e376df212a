// Messages between the bench CLI and its child processes (server host, load workers).

export type ServerKind = 'embedded' | 'cluster' | 'bare';

export type HostCommand =
  | { type: 'start'; kind: ServerKind; env: Record<string, string>; preload?: number }
  | { type: 'stats'; gc?: boolean; resetLoop?: boolean }
  | { type: 'stop' };

export interface ProcStats {
  pid: number;
  rss: number;
  heapUsed: number;
  peakRss: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  loopDelay?: { p50: number; p99: number; max: number; mean: number };
  /** Requests the system sent to its backends in the window (store commands, Redis commands, Kafka requests). */
  requests?: BackendRequests;
  /** Cluster: per process (`gateway0`, `message`, ...) and per server tree (`server:kafka`, ...). */
  breakdown?: Record<string, ProcUsage>;
}

export interface BackendRequests {
  store: number;
  redis: number;
  kafka: number;
}

export interface ProcUsage {
  cpuMs: number;
  rss: number;
  peakRss: number;
}

export type HostReply =
  | { type: 'started'; port: number; secret: string; ports: number[] }
  | { type: 'stats'; stats: ProcStats }
  | { type: 'stopped' }
  | { type: 'error'; error: string };

export interface ClientSpec {
  userId: string;
  token?: string;
  rooms?: string[];
  /** The user this client sends to (user id or group id); none: receive only. */
  destId?: string;
  fromType?: 1 | 2;
  /** Which gateway of the system this client connects to (cluster: 0 or 1); default 0. */
  gateway?: number;
}

export type WorkerCommand =
  | { type: 'connect'; urls: string[]; server: ServerKind; secret: string; clients: ClientSpec[]; concurrency: number }
  | { type: 'run'; durationMs: number; window: number; ratePerSec?: number; expectPerMessage: number }
  | { type: 'stats' }
  | { type: 'close' };

export interface RunResult {
  /** Counts over the measured window (after warm-up, before the end of sending). */
  sent: number;
  acked: number;
  ackErrors: number;
  delivered: number;
  measuredMs: number;
  /** Totals including warm-up and drain. */
  totalSent: number;
  totalAcked: number;
  totalDelivered: number;
  firstAckError?: string;
  deliveryMs: number[];
  ackMs: number[];
}

export type WorkerReply =
  | { type: 'connected'; ok: number; failed: number; firstError?: string; ms: number }
  | { type: 'progress'; sent: number; acked: number; delivered: number; connected: number }
  | { type: 'result'; result: RunResult; stats: ProcStats }
  | { type: 'stats'; stats: ProcStats }
  | { type: 'closed' }
  | { type: 'error'; error: string };

export function procStats(startCpu: NodeJS.CpuUsage, peakRss: number): ProcStats {
  const cpu = process.cpuUsage(startCpu);
  const mem = process.memoryUsage();
  return {
    pid: process.pid,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    peakRss: Math.max(peakRss, mem.rss, process.resourceUsage().maxRSS * 1024),
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
  };
}
