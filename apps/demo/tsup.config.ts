import { defineConfig } from 'tsup';

export default defineConfig({
  // src/cli.ts starts with a `#!/usr/bin/env node` line, which esbuild keeps (and tsup makes dist/cli.js executable).
  entry: { bandit: 'src/bandit.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//, /^@tfrl\//],
});
