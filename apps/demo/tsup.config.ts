import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { bandit: 'src/bandit.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//, /^@tfrl\//],
});
