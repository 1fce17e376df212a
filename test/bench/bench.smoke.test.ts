// Smoke run of the benchmark harness: every embedded scenario, and the cluster one-to-one and
// fan-out on the real servers, at --quick sizes through the compiled CLI (`npm test` builds first). It checks only that the harness runs and reports
// sane numbers, never that the system meets the performance goals (docs/benchmarks.md).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, 'dist', 'cli.js');

describe('bench harness (smoke)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'im-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every embedded scenario with --quick and writes a JSON result', async () => {
    expect(existsSync(cli)).toBe(true);
    const out = join(dir, 'result.json');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [cli, 'all', '--quick', '--quiet', '--out', out],
        { timeout: 150_000 },
        (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so)),
      );
    });
    expect(stdout).toContain('| scenario');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ version: 1, scenario: 'all', mode: 'embedded' });
    expect(report.machine.nproc).toBeGreaterThan(0);
    for (const s of ['one-to-one', 'latency', 'fanout']) {
      const r = report.results[s];
      for (const side of [r.system, r.bare]) {
        expect(side.delivered).toBeGreaterThan(0);
        expect(side.acked).toBeGreaterThan(0);
        expect(side.deliveredPerSec).toBeGreaterThan(0);
        expect(side.deliveryLatencyMs.count).toBeGreaterThan(0);
        expect(side.serverProcess.peakRss).toBeGreaterThan(0);
      }
    }
    const c = report.results.connections;
    for (const side of [c.system, c.bare]) {
      expect(side.connectsPerSec).toBeGreaterThan(0);
      expect(side.after.loopDelay.max).toBeGreaterThan(0);
    }
    for (const row of report.rows) expect(Number.isFinite(row.value)).toBe(true);
  }, 160_000);

  it('runs the cluster one-to-one and fan-out across two gateways on the real servers', async () => {
    const out = join(dir, 'cluster.json');
    // 3 s instead of --quick's 1 s: a message crosses Kafka and the store before it is delivered.
    const args = [cli, 'one-to-one,fanout', '--mode', 'cluster', '--quick', '--duration', '3', '--quiet', '--out', out];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, args, { timeout: 170_000 }, (err, so, se) =>
        err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so),
      );
    });
    expect(stdout).toContain('delivered msgs/s (2 gateways)');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ mode: 'cluster' });
    for (const s of ['one-to-one', 'fanout']) {
      const sys = report.results[s].system;
      expect(sys.delivered).toBeGreaterThan(0);
      expect(sys.ackErrors).toBe(0);
      const b = sys.serverProcess.breakdown;
      expect(Object.keys(b)).toEqual(
        expect.arrayContaining([
          'gateway0',
          'gateway1',
          'message',
          'group',
          'relation',
          'server:kafka',
          'server:redis',
        ]),
      );
      expect(b.gateway0.cpuMs + b.gateway1.cpuMs).toBeGreaterThan(0);
      expect(b['server:kafka'].rss).toBeGreaterThan(0);
    }
  }, 180_000);
});
