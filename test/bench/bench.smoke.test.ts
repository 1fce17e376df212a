// Smoke run of the benchmark harness: every embedded scenario at --quick sizes through the
// compiled CLI (`npm test` builds first). It checks only that the harness runs and reports
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
      execFile(process.execPath, [cli, 'all', '--quick', '--quiet', '--out', out], { timeout: 55_000 }, (err, so, se) =>
        err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so),
      );
    });
    expect(stdout).toContain('| scenario');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ version: 1, scenario: 'all', mode: 'embedded' });
    expect(report.machine.nproc).toBeGreaterThan(0);
    for (const s of ['one-to-one', 'latency', 'fanout']) {
      const r = report.results[s];
      for (const side of [r.embedded, r.bare]) {
        expect(side.delivered).toBeGreaterThan(0);
        expect(side.acked).toBeGreaterThan(0);
        expect(side.deliveredPerSec).toBeGreaterThan(0);
        expect(side.deliveryLatencyMs.count).toBeGreaterThan(0);
        expect(side.serverProcess.peakRss).toBeGreaterThan(0);
      }
    }
    const c = report.results.connections;
    for (const side of [c.embedded, c.bare]) {
      expect(side.connectsPerSec).toBeGreaterThan(0);
      expect(side.after.loopDelay.max).toBeGreaterThan(0);
    }
    for (const row of report.rows) expect(Number.isFinite(row.value)).toBe(true);
  }, 60_000);
});
