import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build` writes the console (the gateway serves it from there). */
export const CONSOLE_DIR = join(__dirname, '..', '..', 'services', 'gateway', 'dist', 'console');

/** Fails loudly when the console has not been built: its tests need the real bundle. */
export function requireConsoleBuild(): void {
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
    throw new Error(`the web console is not built (${CONSOLE_DIR}/index.html is missing): run \`npm run build\` first`);
  }
}
