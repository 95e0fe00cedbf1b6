import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AutoresetMode, VectorEnv } from '@tfrl/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeEnv } from '../registry.js';
import { AsyncVectorEnv, type AsyncVectorEnvOptions } from './async-vector-env.js';
import { expectSameRun } from './expect-same-run.js';
import { SubEnvError } from './sub-env-error.js';
import { SyncVectorEnv } from './sync-vector-env.js';
import { createCountingEnv, EchoEnv, type CountingEnvOptions, type FaultyEnvOptions } from './test-envs.js';

// Workers run JavaScript. These tests use the package's built worker (dist/vector-worker.js)
// when it is newer than every source file, as after `pnpm build`; otherwise they build the
// worker into node_modules/.cache (leaving dist/ alone). test-envs.ts is built there too, inside
// the package so that its `import '@tfrl/core'` resolves.
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const distWorker = join(packageDir, 'dist', 'vector-worker.js');
const cacheDir = join(packageDir, 'node_modules', '.cache', 'tfrl-vector-test');
const testEnvs = pathToFileURL(join(cacheDir, 'test-envs.js')).href;
let workerUrl: URL;

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

beforeAll(() => {
  const sourceTime = newestSource(join(packageDir, 'src'));
  const cachedWorker = join(cacheDir, 'worker.js');
  if (!isFresh(cachedWorker, sourceTime) || !isFresh(join(cacheDir, 'test-envs.js'), sourceTime)) {
    const args = ['src/vector/worker.ts', 'src/vector/test-envs.ts', '--no-config', '--format', 'esm', '--target', 'es2022'];
    execFileSync('npx', ['--no-install', 'tsup', ...args, '--out-dir', cacheDir, '--external', '@tfrl/core', '--silent'], {
      cwd: packageDir,
      stdio: 'pipe',
    });
  }
  workerUrl = pathToFileURL(isFresh(distWorker, sourceTime) ? distWorker : cachedWorker);
}, 120_000);

const opened: VectorEnv[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((env) => env.close()));
});

async function open<O = unknown, A = unknown>(options: Omit<AsyncVectorEnvOptions, 'workerUrl'>): Promise<AsyncVectorEnv<O, A>> {
  const env = await AsyncVectorEnv.create<O, A>({ workerUrl, ...options });
  opened.push(env);
  return env;
}

const counting = (options: CountingEnvOptions) => ({ module: testEnvs, exportName: 'createCountingEnv', options: { ...options } });
const faulty = (options: FaultyEnvOptions) => ({ module: testEnvs, exportName: 'createFaultyEnv', options: { ...options } });

describe('AsyncVectorEnv', () => {
  const modes: AutoresetMode[] = ['next-step', 'same-step', 'disabled'];
  for (const sharedMemory of [true, false]) {
    for (const autoresetMode of modes) {
      it(`matches SyncVectorEnv step for step (${autoresetMode}, ${sharedMemory ? 'shared memory' : 'copies'})`, async () => {
        const episodeLengths = [2, 3, 4, 5, 6];
        const env = await open({ numEnvs: 5, workers: 2, autoresetMode, sharedMemory, env: counting({ episodeLengths }) });
        expect(env.sharedMemory).toBe(sharedMemory);
        expect(env.numWorkers).toBe(2);
        expect(env.observationSize).toBe(4);
        const sync = new SyncVectorEnv(episodeLengths.map((episodeLength) => () => createCountingEnv({ episodeLength })), { autoresetMode });
        await expectSameRun(env, sync, { steps: 25, seed: 7, action: (rng) => rng.int(3), maskedResetEvery: 10 });
        const step = await env.step(Int32Array.of(1, 1, 1, 1, 1));
        expect(step.observations.buffer).toBeInstanceOf(ArrayBuffer);
        expect(step.rewards.buffer).toBeInstanceOf(ArrayBuffer);
      });
    }
  }

  it('builds registered envs by id: CartPole-v1 in 2 workers equals the same in one thread', async () => {
    const env = await open({ numEnvs: 4, workers: 2, env: { id: 'CartPole-v1', options: { maxEpisodeSteps: 20 } } });
    const sync = new SyncVectorEnv([0, 1, 2, 3].map(() => () => makeEnv('CartPole-v1', { maxEpisodeSteps: 20 })));
    await expectSameRun(env, sync, { steps: 120, seed: 3, maskedResetEvery: 50 });
  });

  it('routes Box actions to each sub-env, with and without shared memory', async () => {
    for (const sharedMemory of [true, false]) {
      const env = await open({ numEnvs: 3, workers: 2, sharedMemory, env: { module: testEnvs, exportName: 'EchoEnv' } });
      await env.reset();
      const step = await env.step(Float32Array.of(0.5, -0.5, 0.25, 0.75, -1, 1));
      expect(Array.from(step.observations)).toEqual([0.5, -0.5, 1, 0.25, 0.75, 1, -1, 1, 1]);
      expect(Array.from(step.rewards)).toEqual([0, 1, 0]);
      await expect(env.step(Int32Array.of(0, 0, 0, 0, 0, 0))).rejects.toThrow(TypeError);
      expect(new EchoEnv().actionSpace.toJSON()).toEqual(env.singleActionSpace.toJSON());
    }
  });

  it('validates calls before any worker acts', async () => {
    const env = await open({ numEnvs: 2, workers: 2, autoresetMode: 'disabled', env: counting({ episodeLength: 1 }) });
    await expect(env.step(Int32Array.of(0, 0))).rejects.toThrow(/sub-env 0 has not been reset/);
    await env.reset({ seed: 0 });
    await expect(env.step(Float32Array.of(0, 0))).rejects.toThrow(TypeError);
    await expect(env.step(Int32Array.of(0))).rejects.toThrow(RangeError);
    await expect(env.reset({ mask: Uint8Array.of(1) })).rejects.toThrow(RangeError);
    const first = env.step(Int32Array.of(0, 0));
    await expect(env.step(Int32Array.of(0, 0))).rejects.toThrow(/still running/);
    expect(Array.from((await first).terminated)).toEqual([1, 1]);
    await expect(env.step(Int32Array.of(0, 0))).rejects.toThrow(/sub-env 0 has ended.*disabled/);
    const again = await env.reset({ mask: Uint8Array.of(0, 1) });
    expect(Array.from(again.observations)).toEqual([1, 0, 0, 0, 0, 1, -1, 1]);
    await expect(AsyncVectorEnv.create({ numEnvs: 0, env: { id: 'CartPole-v1' } })).rejects.toThrow(RangeError);
    await expect(AsyncVectorEnv.create({ numEnvs: 1, timeoutMs: -1, env: { id: 'CartPole-v1' } })).rejects.toThrow(RangeError);
  });

  it('rejects with the sub-env index and the original message and stack when a sub-env throws, and recovers on reset', async () => {
    const env = await open({ numEnvs: 4, workers: 2, env: faulty({ failIndex: 3, failAt: 'step', failStep: 2, how: 'throw', message: 'boom in step' }) });
    await env.reset({ seed: 0 });
    await env.step(new Int32Array(4));
    const error = await env.step(new Int32Array(4)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubEnvError);
    expect(error).toMatchObject({ envIndex: 3, phase: 'step', message: 'AsyncVectorEnv: sub-env 3 failed in step(): boom in step' });
    const cause = (error as Error).cause as Error;
    expect(cause.message).toBe('boom in step');
    expect(cause.stack).toContain('test-envs');
    expect((error as Error).stack).toContain('test-envs');
    await expect(env.step(new Int32Array(4))).rejects.toThrow(/sub-env 3 has not been reset/);
    await env.reset();
    await expect(env.step(new Int32Array(4))).resolves.toBeDefined();
  });

  it('rejects create() when a sub-env cannot be built, and for unknown ids and exports', async () => {
    const error = await AsyncVectorEnv.create({ workerUrl, numEnvs: 3, workers: 3, env: faulty({ failIndex: 2, failAt: 'create', how: 'throw', message: 'no env' }) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ envIndex: 2, phase: 'create', message: 'AsyncVectorEnv: sub-env 2 failed in create(): no env' });
    await expect(AsyncVectorEnv.create({ workerUrl, numEnvs: 1, env: { id: 'NoSuchEnv-v0' } })).rejects.toThrow(/sub-env 0 failed in create\(\).*NoSuchEnv-v0/);
    await expect(AsyncVectorEnv.create({ workerUrl, numEnvs: 1, env: { module: testEnvs, exportName: 'nothing' } })).rejects.toThrow(/no export 'nothing'/);
  });

  it('rejects instead of hanging when a worker exits, and every later call too', async () => {
    for (const sharedMemory of [true, false]) {
      const env = await open({ numEnvs: 4, workers: 2, sharedMemory, env: faulty({ failIndex: 2, failAt: 'step', how: 'exit' }) });
      await env.reset({ seed: 0 });
      const error = await env.step(new Int32Array(4)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubEnvError);
      expect((error as SubEnvError).envIndex).toBe(2);
      expect((error as Error).message).toMatch(/sub-env 2 failed in step\(\): worker 1 \(sub-envs 2–3\) exited with code 3/);
      await expect(env.reset()).rejects.toBe(error);
      await env.close();
    }
  });

  it('rejects when a worker dies of an uncaught error between calls', async () => {
    const env = await open({ numEnvs: 2, workers: 2, env: faulty({ failIndex: 0, failAt: 'step', how: 'uncaught', message: 'late failure' }) });
    await env.reset({ seed: 0 });
    await env.step(new Int32Array(2)); // returns; the error is thrown from a timer just after
    // Calls made before the error reaches this thread may still succeed; then every call rejects.
    let error: unknown;
    for (let t = 0; t < 1000 && error === undefined; t++) error = await env.step(new Int32Array(2)).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toMatch(/worker 0 \(sub-env 0\) failed with an uncaught error( during step\(\))?: late failure/);
    expect(((error as Error).cause as Error).stack).toContain('test-envs');
    await expect(env.reset()).rejects.toBe(error);
  });

  it('rejects a call that misses timeoutMs and terminates the hung worker', async () => {
    const env = await open({ numEnvs: 2, workers: 2, timeoutMs: 500, env: faulty({ failIndex: 1, failAt: 'step', how: 'hang' }) });
    await env.reset({ seed: 0 });
    const started = Date.now();
    await expect(env.step(new Int32Array(2))).rejects.toThrow(/sub-env 1 failed in step\(\): worker 1 \(sub-env 1\) timed out after 500 ms/);
    await env.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('close() is idempotent, works after errors and ends every later call', async () => {
    const env = await open({ numEnvs: 2, workers: 2, env: counting({}) });
    await env.reset();
    const closing = env.close();
    expect(env.close()).toBe(closing);
    await closing;
    await expect(env.step(new Int32Array(2))).rejects.toThrow(/closed/);
    await expect(env.reset()).rejects.toThrow(/closed/);

    const broken = await open({ numEnvs: 2, workers: 1, env: faulty({ failIndex: 0, failAt: 'reset', how: 'throw' }) });
    await expect(broken.reset()).rejects.toThrow(SubEnvError);
    await broken.close();
    await broken.close();
  });
});
