// Test support: the URL of a runnable A3C worker script and of the test env module. Workers run
// JavaScript, so the tests use the package's built worker (dist/a3c-worker.js) when it is newer
// than every source file, as after `pnpm build`; otherwise they build the worker into
// node_modules/.cache (leaving dist/ alone), inside the package so that its imports of
// '@tfrl/core' and '@tensorflow/*' resolve (to the built @tfrl/core).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const distWorker = join(packageDir, 'dist', 'a3c-worker.js');
const cacheDir = join(packageDir, 'node_modules', '.cache', 'tfrl-a3c-test');

/** The test env module (plain JavaScript) for env specs. */
export const testEnvsModule = fileURLToPath(new URL('./test-envs.mjs', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const isFresh = (file: string, sourceTime: number): boolean => existsSync(file) && statSync(file).mtimeMs >= sourceTime;

/** A URL of a worker script built from the current sources (builds one when dist/ is stale). */
export function a3cWorkerUrl(): URL {
  // Only the worker's own sources matter: src/a3c and src/common.
  const sourceTime = Math.max(newestSource(join(packageDir, 'src', 'a3c')), newestSource(join(packageDir, 'src', 'common')));
  if (isFresh(distWorker, sourceTime)) return pathToFileURL(distWorker);
  const cachedWorker = join(cacheDir, 'worker.js');
  if (!isFresh(cachedWorker, sourceTime)) {
    const externals = ['@tfrl/core', '@tfrl/core/nn', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'];
    const args = ['src/a3c/worker.ts', '--no-config', '--format', 'esm', '--target', 'es2022', '--out-dir', cacheDir, ...externals.flatMap((e) => ['--external', e]), '--silent'];
    execFileSync('npx', ['--no-install', 'tsup', ...args], { cwd: packageDir, stdio: 'pipe' });
  }
  return pathToFileURL(cachedWorker);
}
