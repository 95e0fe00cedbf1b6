import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the built-in gradients we compare against
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoTensorLeak } from '@tfrl/testing';
import { Rng } from '../rng.js';
import { linear, type LinearActivation } from './linear.js';

const ACTIVATIONS: LinearActivation[] = ['linear', 'relu', 'elu', 'tanh'];

beforeAll(async () => {
  tf.enableProdMode();
  expect(await tf.setBackend('cpu')).toBe(true);
});

/** max_i |a_i − b_i| / max(1e-3, max_i |b_i|). */
function relativeDifference(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  let scale = 1e-3;
  let worst = 0;
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]!));
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst / scale;
}

/** The same layer from built-in ops (built-in gradients). */
function reference(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D | undefined, activation: LinearActivation) {
  const z = bias === undefined ? tf.matMul(x, weight) : tf.add(tf.matMul(x, weight), bias);
  if (activation === 'relu') return tf.relu(z);
  if (activation === 'elu') return tf.elu(z);
  if (activation === 'tanh') return tf.tanh(z);
  return z;
}

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillNormal(new Float32Array(size)), shape);
}

/** Gradients of Σ c ⊙ f(x, W, b) w.r.t. x, W and b, for our layer and for the reference. */
function compareGradients(batch: number, inputs: number, units: number, withBias: boolean, activation: LinearActivation, seed: number) {
  const rng = Rng.fromSeed(seed);
  const x = randomTensor(rng, [batch, inputs]) as tf.Tensor2D;
  const weight = randomTensor(rng, [inputs, units]) as tf.Tensor2D;
  const bias = withBias ? (randomTensor(rng, [units]) as tf.Tensor1D) : undefined;
  const cotangent = randomTensor(rng, [batch, units]);
  const args = withBias ? [x, weight, bias!] : [x, weight];
  const loss =
    (f: typeof linear) =>
    (...t: tf.Tensor[]) =>
      tf.sum(tf.mul(f(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor1D | undefined, activation), cotangent));
  const ours = tf.grads(loss(linear))(args);
  const theirs = tf.grads(loss(reference as typeof linear))(args);
  const forward = relativeDifference(linear(x, weight, bias, activation), reference(x, weight, bias, activation));
  const worst = Math.max(forward, ...ours.map((g, i) => relativeDifference(g, theirs[i]!)));
  tf.dispose([x, weight, cotangent, ...ours, ...theirs]);
  if (bias !== undefined) bias.dispose();
  return worst;
}

describe('linear', () => {
  it('matches the built-in forward pass and gradients (1e-5 relative) over random shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 11 }),
        fc.boolean(),
        fc.constantFrom(...ACTIVATIONS),
        fc.integer({ min: 0, max: 1_000_000 }),
        (batch, inputs, units, withBias, activation, seed) => {
          expect(compareGradients(batch, inputs, units, withBias, activation, seed)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('has an output of shape [batch, units] and rejects shapes that do not fit', () => {
    const x = tf.ones([3, 4]) as tf.Tensor2D;
    const weight = tf.ones([4, 5]) as tf.Tensor2D;
    const y = linear(x, weight, tf.zeros([5]) as tf.Tensor1D, 'relu');
    expect(y.shape).toEqual([3, 5]);
    expect(Array.from(y.dataSync())).toEqual(new Array(15).fill(4));
    expect(() => linear(x, tf.ones([3, 5]) as tf.Tensor2D)).toThrow(/does not fit/);
    expect(() => linear(x, weight, tf.ones([4]) as tf.Tensor1D)).toThrow(/bias/);
  });

  it('gives the gradient of a computed weight to its sources (e.g. noisy layers)', () => {
    const mean = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
    const std = tf.variable(tf.tensor2d([[0.5, 0.5], [0.5, 0.5]]));
    const noise = tf.tensor2d([[1, -1], [2, 0]]);
    const x = tf.tensor2d([[1, 1]]);
    const f = (w: () => tf.Tensor2D) => () => tf.sum(linear(x, w(), undefined, 'tanh')) as tf.Scalar;
    const ours = tf.variableGrads(f(() => tf.add(mean, tf.mul(std, noise))), [mean, std]);
    const theirs = tf.variableGrads(() => tf.sum(tf.tanh(tf.matMul(x, tf.add(mean, tf.mul(std, noise))))), [mean, std]);
    for (const v of [mean, std]) expect(relativeDifference(ours.grads[v.name]!, theirs.grads[v.name]!)).toBeLessThan(1e-6);
    tf.dispose([mean, std, noise, x, ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);
  });

  it('leaks no tensor in a forward + backward pass', async () => {
    const weight = tf.variable(tf.randomNormal([6, 3], 0, 1, 'float32', 1));
    const bias = tf.variable(tf.zeros([3]));
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 2) as tf.Tensor2D;
    const run = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(linear(x, weight as tf.Tensor2D, bias as tf.Tensor1D, 'elu')) as tf.Scalar,
        [weight, bias],
      );
      tf.dispose([value, ...Object.values(grads)]);
      tf.tidy(() => {
        linear(x, weight as tf.Tensor2D, bias as tf.Tensor1D, 'relu');
      });
    };
    await expectNoTensorLeak(run);
    tf.dispose([weight, bias, x]);
  });
});

/** Expects as many tensors, and as many backend buffers, after 5 calls of `fn` as after 1. */
describe('linear on other backends', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('falls back to public ops with their own gradients (e.g. webgl, tfjs-node)', async () => {
    const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
    const name = 'cpu-as-other';
    tf.registerBackend(name, () => new MathBackendCPU());
    for (const kernel of tf.getKernelsForBackend('cpu')) {
      if (!kernel.kernelName.startsWith('Tfrl')) tf.registerKernel({ ...kernel, backendName: name });
    }
    expect(await tf.setBackend(name)).toBe(true);
    for (const activation of ACTIVATIONS) {
      expect(compareGradients(9, 5, 4, true, activation, 3)).toBeLessThan(1e-5);
    }
    expect(tf.getKernelsForBackend(name).some((k) => k.kernelName.startsWith('Tfrl'))).toBe(false); // ours unused
  });
});

describe('linear on the wasm backend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('initialises offline from the package files and matches the built-in gradients', async () => {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    setWasmPaths(path.join(packageDir, 'dist') + path.sep);
    expect(await tf.setBackend('wasm')).toBe(true);
    expect(tf.getBackend()).toBe('wasm');
    for (const activation of ACTIVATIONS) {
      expect(compareGradients(33, 7, 9, true, activation, 7)).toBeLessThan(1e-5);
    }
    // batch ≪ inputs: ∂L/∂x is computed as (W·gᵀ)ᵀ, which packs the smaller matrix
    expect(compareGradients(8, 64, 48, true, 'relu', 8)).toBeLessThan(1e-5);
    expect(compareGradients(3, 40, 17, false, 'linear', 9)).toBeLessThan(1e-5);
  });

  it('leaks no tensor and no wasm buffer', async () => {
    const weight = tf.variable(tf.randomNormal([64, 48], 0, 1, 'float32', 1));
    const bias = tf.variable(tf.zeros([48]));
    const x = tf.variable(tf.randomNormal([8, 64], 0, 1, 'float32', 2));
    await expectNoTensorLeak(() => {
      for (const activation of ACTIVATIONS) {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(linear(x as tf.Tensor2D, weight as tf.Tensor2D, bias as tf.Tensor1D, activation)) as tf.Scalar,
          [x, weight, bias],
        );
        tf.dispose([value, ...Object.values(grads)]);
      }
    });
    tf.dispose([weight, bias, x]);
  });
});
