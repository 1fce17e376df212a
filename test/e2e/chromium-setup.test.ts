import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_INSTALL_COMMAND, ensureChromium } from '../support/chromium';

// The browser tests' setup: it installs Chromium or fails naming the command, and never skips.
describe('ensureChromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'im-chromium-'));
  const binary = join(dir, 'chromium');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses a present browser without running apt-get', () => {
    writeFileSync(join(dir, 'present'), '');
    const calls: string[][] = [];
    expect(
      ensureChromium({
        paths: [join(dir, 'absent'), join(dir, 'present')],
        uid: 1000,
        aptGet: (a) => void calls.push(a),
      }),
    ).toBe(join(dir, 'present'));
    expect(calls).toEqual([]);
  });

  it('installs as root, updating the package lists when the first install fails', () => {
    const calls: string[][] = [];
    const path = ensureChromium({
      paths: [binary],
      uid: 0,
      aptGet: (args) => {
        calls.push(args);
        if (calls.length === 1) throw new Error('E: Unable to locate package chromium');
        if (args[0] === 'install') writeFileSync(binary, '');
      },
    });
    expect(path).toBe(binary);
    expect(calls).toEqual([['install', '-y', 'chromium'], ['update'], ['install', '-y', 'chromium']]);
    rmSync(binary);
  });

  it('fails loudly, naming the command, when not root or when apt-get fails', () => {
    expect(() => ensureChromium({ paths: [binary], uid: 1000, aptGet: () => undefined })).toThrow(
      CHROMIUM_INSTALL_COMMAND,
    );
    expect(() =>
      ensureChromium({
        paths: [binary],
        uid: 0,
        aptGet: () => {
          throw new Error('E: Could not open lock file');
        },
      }),
    ).toThrow(`run \`${CHROMIUM_INSTALL_COMMAND}\` as root (E: Could not open lock file)`);
    // apt-get "succeeded" but no browser appeared.
    expect(() => ensureChromium({ paths: [binary], uid: 0, aptGet: () => undefined })).toThrow(
      `\`${CHROMIUM_INSTALL_COMMAND}\` ran but no chromium binary`,
    );
  });
});
