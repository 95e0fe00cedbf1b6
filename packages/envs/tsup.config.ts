import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker script sits next to index.js/index.cjs (dist/vector-worker.js), where
  // AsyncVectorEnv finds it with `new URL('./vector-worker.js', import.meta.url)`. The CJS
  // build points there too (tsup shims import.meta.url): an ESM worker runs under any host.
  entry: { index: 'src/index.ts', 'vector-worker': 'src/vector/worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  shims: true,
  external: [/^@tfrl\//],
});
