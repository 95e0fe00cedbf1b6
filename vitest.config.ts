import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Tests import sibling packages by name; point those names at the sources so tests,
// coverage and stack traces all speak of src/ rather than a stale dist/.
const alias = [
  { find: /^@tfrl\/core\/nn$/, replacement: src('./packages/core/src/nn/index.ts') },
  { find: /^@tfrl\/core\/node$/, replacement: src('./packages/core/src/node/index.ts') },
  { find: /^@tfrl\/core$/, replacement: src('./packages/core/src/index.ts') },
  { find: /^@tfrl\/envs$/, replacement: src('./packages/envs/src/index.ts') },
  { find: /^@tfrl\/replay$/, replacement: src('./packages/replay/src/index.ts') },
  { find: /^@tfrl\/value-based$/, replacement: src('./packages/value-based/src/index.ts') },
  { find: /^@tfrl\/policy-gradient$/, replacement: src('./packages/policy-gradient/src/index.ts') },
  { find: /^@tfrl\/testing$/, replacement: src('./packages/testing/src/index.ts') },
  { find: /^@tfrl\/backend-node-gpu$/, replacement: src('./packages/backend-node-gpu/src/index.ts') },
];

const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: {
    name,
    root,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    ...extra,
  },
});

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    // The JSON report feeds the one-line summary that .ci/run prints.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    projects: [
      project('core', 'packages/core'),
      project('testing', 'packages/testing'),
      project('envs', 'packages/envs'),
      project('replay', 'packages/replay'),
      project('value-based', 'packages/value-based'),
      project('policy-gradient', 'packages/policy-gradient'),
      project('backend-node-gpu', 'packages/backend-node-gpu'),
      project('demo', 'apps/demo'),
    ],
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.test-d.ts', '**/index.ts', 'packages/testing/**'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'packages/core/src/**': { lines: 90 },
      },
    },
  },
});
