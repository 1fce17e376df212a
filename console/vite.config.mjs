import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is served by the gateway under /console/ from services/gateway/dist/console:
// everything is bundled (socket.io-client included), nothing is fetched from a CDN.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  build: {
    outDir: fileURLToPath(new URL('../services/gateway/dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
