import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Row 13: every installed copy of the packages that carry the network-facing attack surface is at
 * or above the release fixing each known advisory of its major line. `npm run audit` asks the
 * registry's advisory database too, where it is reachable (docs/security.md).
 */
const ROOT = join(__dirname, '..', '..');

/** Per package and major line: the lowest fixed version, and the advisories it fixes. */
const FLOORS: Record<string, Record<number, { min: string; fixes: string }>> = {
  'socket.io': { 4: { min: '4.6.2', fixes: 'CVE-2024-38355 (unhandled error event)' } },
  'engine.io': {
    6: { min: '6.6.7', fixes: 'CVE-2026-59725 (invalid binary POST), CVE-2023-31125, CVE-2022-41940, CVE-2022-21676' },
  },
  'socket.io-parser': {
    4: {
      min: '4.2.7',
      fixes:
        'CVE-2026-69185, GHSA-677m-j7p3-52f9 (unbounded binary attachments, 4.2.6), CVE-2023-32695 (4.2.3), CVE-2022-2421',
    },
    // socket.io-client 2.x (the v2 protocol test client, a devDependency) pins ~3.3.
    3: { min: '3.3.6', fixes: 'CVE-2026-69185, CVE-2023-32695 (3.3.4), CVE-2022-2421, CVE-2020-36049' },
  },
  ws: {
    8: { min: '8.21.0', fixes: 'CVE-2026-48779 (fragment flood OOM), CVE-2026-45736, CVE-2024-37890 (8.17.1)' },
    7: { min: '7.5.11', fixes: 'CVE-2026-48779, CVE-2024-37890 (7.5.10), CVE-2021-32640' },
  },
  mongoose: {
    9: { min: '9.0.0', fixes: 'released after every 8.x fix below' },
    8: { min: '8.9.5', fixes: 'CVE-2025-23061, CVE-2024-53900 ($where in populate match)' },
  },
};

function parse(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!m) throw new Error(`not a version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function atLeast(version: string, min: string): boolean {
  const a = parse(version);
  const b = parse(min);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** Every installed copy of `names` under the repository's node_modules trees (nested ones too). */
function installedCopies(names: readonly string[]): { name: string; version: string; path: string }[] {
  const found: { name: string; version: string; path: string }[] = [];
  const visit = (nodeModules: string, depth: number): void => {
    if (depth > 8 || !existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(nodeModules, entry.name), { withFileTypes: true })) {
          if (scoped.isDirectory()) visit(join(nodeModules, entry.name, scoped.name, 'node_modules'), depth + 1);
        }
        continue;
      }
      const dir = join(nodeModules, entry.name);
      const pkgFile = join(dir, 'package.json');
      if (names.includes(entry.name) && existsSync(pkgFile)) {
        const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === entry.name && pkg.version)
          found.push({ name: entry.name, version: pkg.version, path: relative(ROOT, dir) });
      }
      visit(join(dir, 'node_modules'), depth + 1);
    }
  };
  visit(join(ROOT, 'node_modules'), 0);
  for (const group of ['libs', 'services', 'test']) {
    for (const ws of readdirSync(join(ROOT, group), { withFileTypes: true }))
      if (ws.isDirectory()) visit(join(ROOT, group, ws.name, 'node_modules'), 0);
  }
  return found;
}

describe('dependencies at or above the fixes of the known advisories', () => {
  const copies = installedCopies(Object.keys(FLOORS));

  it.each(Object.keys(FLOORS))('%s: installed, and every copy at or above its major line’s fixed version', (name) => {
    const mine = copies.filter((c) => c.name === name);
    expect(mine.length).toBeGreaterThan(0);
    const problems = mine.flatMap((c) => {
      const floor = FLOORS[name]?.[parse(c.version)[0]];
      if (!floor) return [`${c.path}@${c.version}: major line without a known fixed release`];
      return atLeast(c.version, floor.min) ? [] : [`${c.path}@${c.version} < ${floor.min} (${floor.fixes})`];
    });
    expect(problems).toEqual([]);
  });

  it('compares versions numerically', () => {
    expect(atLeast('8.21.3', '8.21.0')).toBe(true);
    expect(atLeast('8.9.5', '8.10.0')).toBe(false);
    expect(atLeast('4.2.10', '4.2.7')).toBe(true);
    expect(atLeast('4.2.6', '4.2.7')).toBe(false);
  });

  it('has `npm run audit` run npm audit on the production tree at high severity', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.audit).toBe('npm audit --omit=dev --audit-level=high');
  });
});
