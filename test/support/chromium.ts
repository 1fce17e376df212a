import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** The one command that installs the browser the console tests drive (Debian's Chromium). */
export const CHROMIUM_INSTALL_COMMAND = 'apt-get install -y chromium';

/** The real binary first: /usr/bin/chromium is a shell wrapper that adds flags of its own. */
export const CHROMIUM_PATHS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

export interface EnsureChromiumOptions {
  readonly paths?: readonly string[];
  /** The effective user id; installing needs root (0). */
  readonly uid?: number;
  /** Runs `apt-get <args>`; throws when it fails. */
  readonly aptGet?: (args: string[]) => void;
}

function aptGet(args: string[]): void {
  execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 900_000,
  });
}

/**
 * The path of Debian's Chromium, installing it when missing (idempotent: a present browser is
 * used as is). Never skips: without root or without a working apt it fails, naming the command.
 */
export function ensureChromium(options: EnsureChromiumOptions = {}): string {
  const paths = options.paths ?? CHROMIUM_PATHS;
  const run = options.aptGet ?? aptGet;
  const found = (): string | undefined => paths.find((p) => existsSync(p));
  const existing = found();
  if (existing) return existing;
  if ((options.uid ?? process.getuid?.()) !== 0) {
    throw new Error(
      `Chromium is not installed and this is not root: run \`${CHROMIUM_INSTALL_COMMAND}\` as root, then run the tests again`,
    );
  }
  try {
    try {
      run(['install', '-y', 'chromium']);
    } catch {
      // A fresh machine may have no package lists yet.
      run(['update']);
      run(['install', '-y', 'chromium']);
    }
  } catch (e) {
    throw new Error(
      `installing Chromium failed: run \`${CHROMIUM_INSTALL_COMMAND}\` as root (${(e as Error).message.split('\n')[0] ?? ''})`,
    );
  }
  const installed = found();
  if (!installed)
    throw new Error(`\`${CHROMIUM_INSTALL_COMMAND}\` ran but no chromium binary is at ${paths.join(' or ')}`);
  return installed;
}

/** Debian's Chromium (installed when missing, as `ensureChromium`) launched headless, as every browser test runs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    timeout: 60_000,
  });
}
