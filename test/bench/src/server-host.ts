// Child process that holds the server under test (embedded in-process, or the bare relay),
// so its CPU, memory and event-loop delay are measured apart from the load generators.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { backendRequests, createLogger, loadConfig } from '@im/common';
import { EMBEDDED_CONFIG, startEmbedded } from '@im/embedded';
import { MongoStore } from '@im/store';
import { startBareRelay } from './bare-relay';
import { preload } from './preload';
import { startClusterSystem } from './cluster-system';
import type { ClusterSystem } from './cluster-system';
import type { HostCommand, HostReply } from './protocol';
import { procStats } from './protocol';

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let startCpu = process.cpuUsage();
let peakRss = 0;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 200).unref();

let requestsBase = { ...backendRequests };
let closer: (() => Promise<void>) | undefined;
let cluster: ClusterSystem | undefined;
let dataDir: string | undefined;

function reply(m: HostReply): void {
  process.send?.(m);
}

async function handle(cmd: HostCommand): Promise<void> {
  switch (cmd.type) {
    case 'start': {
      const secret = randomBytes(24).toString('hex');
      if (cmd.kind === 'embedded') {
        dataDir = mkdtempSync(join(tmpdir(), 'im-bench-'));
        const config = loadConfig(EMBEDDED_CONFIG, {
          IM_PORT: '0',
          IM_HOST: '127.0.0.1',
          IM_DATA_DIR: dataDir,
          IM_LOG_LEVEL: 'silent',
          ...cmd.env,
        });
        const server = await startEmbedded(config, secret, createLogger({ level: 'silent' }));
        if (cmd.preload) await preload(server.store, cmd.preload);
        closer = () => server.close();
        reply({ type: 'started', port: server.port, secret, ports: [server.port] });
      } else if (cmd.kind === 'cluster') {
        const system = await startClusterSystem(secret, cmd.env);
        if (cmd.preload) {
          const store = await MongoStore.connect(system.mongoUrl);
          await preload(store, cmd.preload).finally(() => store.close());
        }
        cluster = system;
        closer = () => system.stop();
        reply({ type: 'started', port: system.ports[0]!, secret, ports: system.ports });
      } else {
        const server = await startBareRelay();
        closer = () => server.close();
        reply({ type: 'started', port: server.port, secret, ports: [server.port] });
      }
      startCpu = process.cpuUsage();
      loop.reset();
      return;
    }
    case 'stats': {
      if (cmd.gc && typeof global.gc === 'function') {
        global.gc();
        global.gc();
      }
      // Cluster: the system is the processes it spawned; this host only holds them.
      const stats = cluster ? await cluster.stats() : procStats(startCpu, peakRss);
      if (!cluster)
        stats.requests = {
          store: backendRequests.store - requestsBase.store,
          redis: backendRequests.redis - requestsBase.redis,
          kafka: backendRequests.kafka - requestsBase.kafka,
        };
      // The host's own loop is the server's loop except in cluster mode (separate processes).
      if (!cluster)
        stats.loopDelay = {
          p50: loop.percentile(50) / 1e6,
          p99: loop.percentile(99) / 1e6,
          max: loop.max / 1e6,
          mean: loop.mean / 1e6,
        };
      if (cmd.resetLoop) {
        await cluster?.resetCpu();
        requestsBase = { ...backendRequests };
        loop.reset();
        startCpu = process.cpuUsage();
        peakRss = process.memoryUsage.rss();
      }
      reply({ type: 'stats', stats });
      return;
    }
    case 'stop': {
      await closer?.();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      reply({ type: 'stopped' });
      // Leave time for the IPC message, then exit (also writes a --cpu-prof profile).
      setTimeout(() => process.exit(0), 50);
      return;
    }
  }
}

process.on('message', (cmd: HostCommand) => {
  handle(cmd).catch((err: unknown) =>
    reply({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
