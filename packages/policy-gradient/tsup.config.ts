import { defineConfig } from 'tsup';

export default defineConfig({
  // The A3C worker script sits next to index.js/index.cjs (dist/a3c-worker.js), where A3C finds
  // it with `new URL('./a3c-worker.js', import.meta.url)`; the CJS build points there too (tsup
  // shims import.meta.url).
  entry: { index: 'src/index.ts', 'a3c-worker': 'src/a3c/worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tfrl\//, /^@tensorflow\//],
});
