import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The browser page: `pnpm --filter @tfrl/demo web` serves it, `pnpm build` writes dist-web/.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('./dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
});
