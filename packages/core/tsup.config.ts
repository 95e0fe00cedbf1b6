import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'nn/index': 'src/nn/index.ts', 'node/index': 'src/node/index.ts', 'node/browser': 'src/node/browser.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // pure-rand and valibot are bundled so that the root has no runtime dependencies.
  noExternal: ['pure-rand', 'valibot'],
  external: [/^@tensorflow\//],
});
