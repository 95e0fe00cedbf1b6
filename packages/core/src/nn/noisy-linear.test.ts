import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { NoisyLinear, createLinearLayer } from './noisy-linear.js';
import { useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

const close = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThan(tolerance));
};

describe('NoisyLinear', () => {
  it('initialises μ ~ U(−1/√p, 1/√p) and σ = σ₀/√p', () => {
    const layer = new NoisyLinear({ inputSize: 16, outputSize: 8, rng: Rng.fromSeed(1) });
    const mu = layer.weightMean.dataSync();
    expect(Math.max(...mu.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...mu.map(Math.abs))).toBeGreaterThan(0.2);
    expect(new Set(layer.weightStd.dataSync()).size).toBe(1);
    expect(layer.weightStd.dataSync()[0]).toBeCloseTo(0.5 / 4, 6);
    expect(layer.biasStd.dataSync()[0]).toBeCloseTo(0.125, 6);
    expect(layer.trainableVariables().map((v) => v.shape)).toEqual([[16, 8], [16, 8], [8], [8]]);
    layer.dispose();
  });

  it('applies y = x(μ_w + σ_w⊙ε_in⊗ε_out) + μ_b + σ_b⊙ε_out with f(ε) = sgn(ε)√|ε|, and μ only when deterministic', () => {
    const rng = Rng.fromSeed(7);
    const layer = new NoisyLinear({ inputSize: 2, outputSize: 1, rng, sigma0: 0.5 });
    layer.weightMean.assign(tf.tensor2d([[1], [2]]));
    layer.biasMean.assign(tf.tensor1d([0.5]));
    layer.weightStd.assign(tf.tensor2d([[0.1], [0.2]]));
    layer.biasStd.assign(tf.tensor1d([0.3]));
    const noiseRng = rng.clone(); // the next draws: ε_in (2), then ε_out (1)
    layer.resetNoise(rng);
    const f = (e: number): number => Math.sign(e) * Math.sqrt(Math.abs(e));
    const epsIn = [f(noiseRng.normal()), f(noiseRng.normal())];
    const epsOut = f(noiseRng.normal());
    const x = tf.tensor2d([[1, -1], [2, 3]]);
    const noisy = tf.tidy(() => layer.apply(x));
    const mean = tf.tidy(() => layer.apply(x, { deterministic: true }));
    const w = [1 + 0.1 * epsIn[0]! * epsOut, 2 + 0.2 * epsIn[1]! * epsOut];
    const b = 0.5 + 0.3 * epsOut;
    close(noisy.dataSync(), [w[0]! - w[1]! + b, 2 * w[0]! + 3 * w[1]! + b]);
    close(mean.dataSync(), [1 - 2 + 0.5, 2 + 6 + 0.5]);
    tf.dispose([x, noisy, mean]);
    layer.dispose();
  });

  it('resetNoise changes the output, keeps its noise inside a tidy and frees the old noise', () => {
    const rng = Rng.fromSeed(3);
    const layer = new NoisyLinear({ inputSize: 3, outputSize: 2, rng });
    const x = tf.ones([1, 3]) as tf.Tensor2D;
    const first = tf.tidy(() => layer.apply(x)).dataSync();
    const count = tf.memory().numTensors;
    tf.tidy(() => layer.resetNoise(rng));
    expect(tf.memory().numTensors).toBe(count);
    const second = tf.tidy(() => layer.apply(x)).dataSync();
    expect(Array.from(second)).not.toEqual(Array.from(first));
    const before = tf.memory().numTensors;
    x.dispose();
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before - 7); // x, 4 variables, 2 noise tensors
  });

  it('passes gradients to both μ and σ', () => {
    const layer = new NoisyLinear({ inputSize: 3, outputSize: 2, rng: Rng.fromSeed(5) });
    const x = tf.tensor2d([[1, 2, 3], [-1, 0, 1]]);
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar, layer.trainableVariables());
    const g = layer.trainableVariables().map((v) => grads[v.name]!);
    // ∂/∂μ_w = xᵀ·1, ∂/∂μ_b = batch
    close(g[0]!.dataSync(), [0, 0, 2, 2, 4, 4]);
    close(g[2]!.dataSync(), [2, 2]);
    // ∂/∂σ = ∂/∂μ ⊙ ε: non-zero and different from the μ gradients
    expect(Math.max(...g[1]!.dataSync().map(Math.abs))).toBeGreaterThan(0);
    expect(Math.max(...g[3]!.dataSync().map(Math.abs))).toBeGreaterThan(0);
    tf.dispose([value, x, ...Object.values(grads)]);
    layer.dispose();
  });

  it('leaks no tensor in forward, noise reset or an Adam step', async () => {
    const rng = Rng.fromSeed(11);
    const layer = new NoisyLinear({ inputSize: 4, outputSize: 3, rng });
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(8)), [2, 4]);
    const optimizer = tf.train.adam(1e-3);
    await expectNoTensorLeak(() => {
      tf.dispose(tf.tidy(() => layer.apply(x)));
      tf.dispose(tf.tidy(() => layer.apply(x, { deterministic: true })));
      layer.resetNoise(rng);
      optimizer.minimize(() => tf.mean(tf.square(layer.apply(x))) as tf.Scalar, false, layer.trainableVariables());
    });
    optimizer.dispose();
    x.dispose();
    layer.dispose();
  });
});

describe('createLinearLayer', () => {
  it('builds a plain y = xW + b (b = 0) or a noisy layer', () => {
    const plain = createLinearLayer({ inputSize: 2, outputSize: 2, rng: Rng.fromSeed(1), name: 'plain_test', initializer: (_rng, i, o) => new Float32Array(i * o).fill(1) });
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tidy(() => plain.apply(x));
    close(y.dataSync(), [3, 3]);
    plain.resetNoise(Rng.fromSeed(0));
    expect(plain.trainableVariables().map((v) => v.name)).toEqual(['plain_test/weight', 'plain_test/bias']);
    const noisy = createLinearLayer({ inputSize: 2, outputSize: 2, rng: Rng.fromSeed(1), name: 'noisy_test', noisy: 0.4 });
    expect(noisy).toBeInstanceOf(NoisyLinear);
    expect((noisy as NoisyLinear).weightStd.dataSync()[0]).toBeCloseTo(0.4 / Math.SQRT2, 6);
    tf.dispose([x, y]);
    plain.dispose();
    noisy.dispose();
  });
});
