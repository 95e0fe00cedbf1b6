import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients tf.variableGrads needs
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initBackend, installHint, type BackendCandidate, type ModuleLoader } from './index.js';

const SPECIFIERS: Record<BackendCandidate, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** How a fake package behaves when loaded. */
type Behaviour =
  | 'ok'
  | 'ok-no-cuda' // tfjs-node-gpu that found no CUDA device
  | 'missing-esm' // ERR_MODULE_NOT_FOUND from import()
  | 'missing-cjs' // MODULE_NOT_FOUND from require()
  | 'missing-vite' // Vite/vitest's resolver (no error code)
  | 'binding-missing' // the package is there, its .node file is not
  | 'binding-broken' // dlopen of libtensorflow fails during import
  | 'factory-throws' // setBackend resolves false synchronously
  | 'factory-rejects' // setBackend resolves false after an async init
  | 'wasm-paths-throw';

class FakeNodeBackend extends MathBackendCPU {
  constructor(readonly isUsingGpuDevice: boolean) {
    super();
  }
}

/** A loader that simulates each backend package; unnamed ones are missing. */
function fakeLoader(plan: Partial<Record<BackendCandidate, Behaviour>>, calls: string[] = []): ModuleLoader {
  return async (specifier) => {
    calls.push(specifier);
    const candidate = (Object.keys(SPECIFIERS) as BackendCandidate[]).find((c) => SPECIFIERS[c] === specifier)!;
    const behaviour = plan[candidate] ?? 'missing-esm';
    const backendName = candidate === 'tensorflow-gpu' ? 'tensorflow' : candidate;
    switch (behaviour) {
      case 'missing-esm':
        throw Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/index.js`), {
          code: 'ERR_MODULE_NOT_FOUND',
        });
      case 'missing-cjs':
        throw Object.assign(new Error(`Cannot find module '${specifier}'\nRequire stack:\n- /app/index.js`), {
          code: 'MODULE_NOT_FOUND',
        });
      case 'missing-vite':
        throw new Error(`Could not resolve "${specifier}" imported by "@tfrl/backend-node-gpu".`);
      case 'binding-missing':
        throw Object.assign(
          new Error(`Cannot find module '/app/node_modules/${specifier}/lib/napi-v8/tfjs_binding.node'`),
          { code: 'MODULE_NOT_FOUND' },
        );
      case 'binding-broken':
        throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');
      case 'factory-throws':
        tf.registerBackend(backendName, () => {
          throw new Error('CUDA driver version is insufficient');
        });
        return {};
      case 'factory-rejects':
        tf.registerBackend(backendName, () => Promise.reject(new Error('async init failed')));
        return {};
      default:
        break;
    }
    if (backendName === 'cpu') return {}; // the real cpu backend is registered by the import above
    const onGpu = candidate === 'tensorflow-gpu' && behaviour === 'ok';
    tf.registerBackend(backendName, () =>
      backendName === 'tensorflow' ? new FakeNodeBackend(onGpu) : new MathBackendCPU(),
    );
    const setWasmPaths = (): void => {
      if (behaviour === 'wasm-paths-throw') throw new Error('The WASM backend was already initialized.');
    };
    return backendName === 'wasm' ? { setWasmPaths } : {};
  };
}

function cleanUp(): Promise<boolean> {
  for (const name of ['tensorflow', 'wasm']) if (tf.findBackendFactory(name) != null) tf.removeBackend(name);
  return tf.setBackend('cpu');
}

describe('initBackend through an injected loader', () => {
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {}); // tfjs warns when a factory fails
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await cleanUp();
  });

  it('loads nothing and switches nothing at import time', () => {
    expect(tf.findBackendFactory('tensorflow')).toBeNull();
    expect(tf.findBackendFactory('wasm')).toBeNull();
  });

  it('picks tfjs-node-gpu first and reports the GPU', async () => {
    const calls: string[] = [];
    const result = await initBackend({ loader: fakeLoader({ 'tensorflow-gpu': 'ok', tensorflow: 'ok' }, calls), env: {} });
    expect(result).toEqual({ name: 'tensorflow', gpu: true, tried: [{ name: 'tensorflow-gpu', reason: 'selected' }] });
    expect(calls).toEqual(['@tensorflow/tfjs-node-gpu']);
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('reports gpu: false when tfjs-node-gpu loads but TensorFlow finds no CUDA device', async () => {
    const result = await initBackend({ loader: fakeLoader({ 'tensorflow-gpu': 'ok-no-cuda' }), env: {} });
    expect(result.name).toBe('tensorflow');
    expect(result.gpu).toBe(false);
    expect(result.tried[0]!.reason).toMatch(/no CUDA device/);
  });

  it('falls back to tfjs-node (CPU) when tfjs-node-gpu is not installed', async () => {
    const result = await initBackend({ loader: fakeLoader({ tensorflow: 'ok' }), env: {} });
    expect(result.name).toBe('tensorflow');
    expect(result.gpu).toBe(false);
    expect(result.tried.map((t) => t.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(result.tried[0]!.reason).toMatch(/^not installed; npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
  });

  it.each([
    ['missing-esm', 'missing-cjs'],
    ['missing-vite', 'missing-esm'],
  ] as const)('falls back to wasm when neither tfjs-node package is installed (%s, %s)', async (gpu, node) => {
    const result = await initBackend({ loader: fakeLoader({ 'tensorflow-gpu': gpu, tensorflow: node, wasm: 'ok' }), env: {} });
    expect(result.name).toBe('wasm');
    expect(result.gpu).toBe(false);
    expect(result.tried.slice(0, 2).map((t) => t.reason.split(';')[0])).toEqual(['not installed', 'not installed']);
    expect(result.tried[2]).toEqual({ name: 'wasm', reason: expect.stringMatching(/^selected; SIMD/) });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('falls back to cpu when wasm is broken', async () => {
    const result = await initBackend({ loader: fakeLoader({ wasm: 'wasm-paths-throw', cpu: 'ok' }), env: {} });
    expect(result.name).toBe('cpu');
    expect(result.tried.map((t) => t.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(result.tried[2]!.reason).toMatch(/^installed but failed to start: The WASM backend was already/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it.each(['binding-broken', 'binding-missing'] as const)(
    'moves on when tfjs-node-gpu is installed but its native binding is broken (%s)',
    async (behaviour) => {
      const result = await initBackend({ loader: fakeLoader({ 'tensorflow-gpu': behaviour, tensorflow: 'ok' }), env: {} });
      expect(result).toMatchObject({ name: 'tensorflow', gpu: false });
      expect(result.tried[0]!.reason).toMatch(/^installed but failed to start: /);
    },
  );

  it.each(['factory-throws', 'factory-rejects'] as const)(
    'moves on when setBackend resolves false (%s) and unregisters the half-started backend',
    async (behaviour) => {
      const result = await initBackend({ loader: fakeLoader({ 'tensorflow-gpu': behaviour, tensorflow: 'ok' }), env: {} });
      // tfjs-node (CPU) registered its own 'tensorflow' factory: the broken GPU one did not shadow it.
      expect(result).toMatchObject({ name: 'tensorflow', gpu: false });
      expect(result.tried[0]!.reason).toMatch(/setBackend\('tensorflow'\) resolved false/);
    },
  );

  it('throws with every reason when no backend can start', async () => {
    const run = initBackend({ loader: fakeLoader({ wasm: 'factory-throws', cpu: 'missing-cjs' }), env: {} });
    await expect(run).rejects.toThrow(/No TensorFlow.js backend could start .*cpu: not installed/);
  });

  const everyOk = { 'tensorflow-gpu': 'ok', tensorflow: 'ok', wasm: 'ok', cpu: 'ok' } as const;
  const expected = {
    'tensorflow-gpu': { name: 'tensorflow', gpu: true },
    tensorflow: { name: 'tensorflow', gpu: false },
    wasm: { name: 'wasm', gpu: false },
    cpu: { name: 'cpu', gpu: false },
  } as const;

  it.each(Object.keys(expected) as BackendCandidate[])('prefer: %s forces that backend alone', async (prefer) => {
    const calls: string[] = [];
    const result = await initBackend({ prefer, loader: fakeLoader(everyOk, calls), env: {} });
    expect(result).toMatchObject(expected[prefer]);
    expect(result.tried.map((t) => t.name)).toEqual([prefer]);
    expect(calls).toEqual([SPECIFIERS[prefer]]);
    expect(tf.getBackend()).toBe(expected[prefer].name);
  });

  it.each(Object.keys(expected) as BackendCandidate[])('TFRL_BACKEND=%s forces that backend alone', async (name) => {
    const result = await initBackend({ loader: fakeLoader(everyOk), env: { TFRL_BACKEND: name } });
    expect(result).toMatchObject(expected[name]);
    expect(result.tried.map((t) => t.name)).toEqual([name]);
  });

  it('prefer wins over TFRL_BACKEND; an empty TFRL_BACKEND means auto', async () => {
    const forced = await initBackend({ prefer: 'cpu', loader: fakeLoader(everyOk), env: { TFRL_BACKEND: 'wasm' } });
    expect(forced.name).toBe('cpu');
    await cleanUp();
    const auto = await initBackend({ loader: fakeLoader(everyOk), env: { TFRL_BACKEND: ' ' } });
    expect(auto).toMatchObject({ name: 'tensorflow', gpu: true });
  });

  it('forcing a backend that is not installed throws the install command', async () => {
    const run = initBackend({ loader: fakeLoader({ tensorflow: 'ok' }), env: { TFRL_BACKEND: 'tensorflow-gpu' } });
    await expect(run).rejects.toThrow(
      "TFRL_BACKEND asked for 'tensorflow-gpu', which is not installed. Install it: npm install @tensorflow/tfjs-node-gpu@4.22.0 (needs Linux x64, an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1)",
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('forcing a broken backend throws its failure and the install command', async () => {
    const run = initBackend({ prefer: 'tensorflow', loader: fakeLoader({ tensorflow: 'binding-broken' }) });
    await expect(run).rejects.toThrow(
      /^prefer asked for 'tensorflow', which failed to start \(libtensorflow\.so\.2: .*\)\. Install it: npm install @tensorflow\/tfjs-node@4\.22\.0/,
    );
  });

  it('an invalid TFRL_BACKEND lists the valid values', async () => {
    const run = initBackend({ loader: fakeLoader(everyOk), env: { TFRL_BACKEND: 'webgl' } });
    await expect(run).rejects.toThrow("TFRL_BACKEND='webgl' is not a backend; use one of: tensorflow-gpu, tensorflow, wasm, cpu");
  });

  it('installHint names the package, its version and its requirements', () => {
    expect(installHint('wasm')).toBe('npm install @tensorflow/tfjs-backend-wasm@4.22.0 (no native code)');
  });
});

describe('initBackend with the default loader (real packages)', () => {
  afterEach(async () => {
    await cleanUp();
  });

  const gpuInstalled = ((): boolean => {
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(gpuInstalled)('reports an absent tfjs-node-gpu as not installed', async () => {
    await expect(initBackend({ prefer: 'tensorflow-gpu', env: {} })).rejects.toThrow(/which is not installed/);
  });

  it('starts wasm offline from its own package folder and trains y = 2x + 1', async () => {
    const result = await initBackend({ prefer: 'wasm', env: {} });
    expect(result).toEqual({
      name: 'wasm',
      gpu: false,
      tried: [{ name: 'wasm', reason: 'selected; SIMD on, threads off (tfjs-backend-wasm disables them in Node)' }],
    });
    expect(tf.getBackend()).toBe('wasm');

    const w = tf.variable(tf.scalar(0));
    const b = tf.variable(tf.scalar(0));
    const xs = tf.tensor1d([-1, -0.5, 0, 0.5, 1]);
    const ys = tf.tensor1d([-1, 0, 1, 2, 3]);
    const optimizer = tf.train.sgd(0.1);
    const lossOf = (): tf.Scalar => tf.mean(tf.square(tf.sub(tf.add(tf.mul(xs, w), b), ys)));
    for (let step = 0; step < 100; step++) {
      tf.tidy(() => optimizer.applyGradients(tf.variableGrads(lossOf).grads));
    }
    const loss = tf.tidy(() => lossOf().dataSync()[0]!);
    expect(loss).toBeLessThan(1e-3);
    expect(w.dataSync()[0]).toBeCloseTo(2, 2);
    tf.dispose([w, b, xs, ys]);
    optimizer.dispose();
  });
});
