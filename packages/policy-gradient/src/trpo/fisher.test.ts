import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfrl/core';
import { variableGrads } from '@tfrl/core/nn';
import { expectNoTensorLeak, read, useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActorCritic, type ActionSpec } from '../common/index.js';
import { PolicyFisher, categoricalFisherProduct, gaussianMeanFisherProduct } from './fisher.js';

beforeAll(useCpuBackend);

describe('categoricalFisherProduct', () => {
  it('is (diag(p) − ppᵀ)·u per row (hand-computed)', () => {
    // p = [0.5, 0.25, 0.25], u = [1, 2, 0]: p⊙u = [0.5, 0.5, 0], pᵀu = 1 → [0, 0.25, −0.25].
    // p = [0.8, 0.2], u = [1, −1]: p⊙u = [0.8, −0.2], pᵀu = 0.6 → [0.8 − 0.48, −0.2 − 0.12] = [0.32, −0.32].
    const out = read(() => categoricalFisherProduct(tf.tensor2d([[0.5, 0.25, 0.25]]), tf.tensor2d([[1, 2, 0]])));
    expect(out).toEqual([0, 0.25, -0.25]);
    const two = read(() => categoricalFisherProduct(tf.tensor2d([[0.8, 0.2]]), tf.tensor2d([[1, -1]])));
    expect(two[0]).toBeCloseTo(0.32, 6);
    expect(two[1]).toBeCloseTo(-0.32, 6);
  });
});

describe('gaussianMeanFisherProduct', () => {
  it('is u / σ² per row', () => {
    // log σ = [0, ln 2]: 1/σ² = [1, 0.25]; rows [2, 4] and [−1, 8] → [2, 1] and [−1, 2].
    const out = read(() => gaussianMeanFisherProduct(tf.tensor1d([0, Math.log(2)]), tf.tensor2d([[2, 4], [-1, 8]])));
    [2, 1, -1, 2].forEach((x, i) => expect(out[i]).toBeCloseTo(x, 6));
  });
});

const OBS = 3;
const ROWS = 5;

/** A tiny policy with weights drawn large enough that the probabilities are far from uniform. */
let built = 0;
function tinyPolicy(action: ActionSpec, activation: 'tanh' | 'relu' | 'elu' = 'tanh', seed = 1): ActorCritic {
  built++;
  const rng = Rng.fromSeed(seed);
  const policy = new ActorCritic({ observationSize: OBS, action, hiddenSizes: [4, 3], activation, sharedTrunk: false, withValue: true, logStdInit: -0.3, rng, name: `fisher-test-${built}` });
  tf.tidy(() => policy.policyVariables().forEach((v) => v.assign(tf.tensor(rng.fillNormal(new Float32Array(v.size), 0, 0.7), v.shape))));
  return policy;
}

const discrete: ActionSpec = { kind: 'discrete', n: 3, start: 0 };
const box: ActionSpec = { kind: 'box', size: 2, shape: [2], low: Float32Array.of(-1, -1), high: Float32Array.of(1, 1) };

/**
 * F = (1/N)·Σ_i J_iᵀ M_i J_i from a dense Jacobian (one reverse-mode gradient per output
 * number, all outputs of the distribution: logits, or mean and log σ), in float64.
 */
function denseFisher(policy: ActorCritic, observations: Float32Array): number[][] {
  const variables = policy.policyVariables();
  const size = variables.reduce((n, v) => n + v.size, 0);
  const gaussian = policy.logStd !== null;
  const head = policy.policyNet.outputSize;
  const width = gaussian ? 2 * head : head;
  const outputs = () => {
    const x = tf.tensor2d(observations, [ROWS, OBS]);
    const out = policy.policyNet.apply(x);
    return gaussian ? tf.concat([out, tf.add(tf.zeros([ROWS, head]), policy.logStd!)], 1) : out;
  };
  const values = read(outputs);
  const jacobian: number[][][] = []; // [row][output][parameter]
  for (let i = 0; i < ROWS; i++) {
    jacobian.push([]);
    for (let k = 0; k < width; k++) {
      const row = tf.tidy(() => {
        const { grads } = variableGrads(() => tf.sum(tf.mul(outputs(), tf.reshape(tf.oneHot(tf.tensor1d([i * width + k], 'int32'), ROWS * width), [ROWS, width]))) as tf.Scalar, variables);
        return tf.concat(variables.map((v) => tf.reshape(grads[v.name] ?? tf.zerosLike(v), [-1])));
      });
      jacobian[i]!.push(Array.from(row.dataSync()));
      row.dispose();
    }
  }
  const F = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let i = 0; i < ROWS; i++) {
    const eta = values.slice(i * width, (i + 1) * width);
    // M_i in float64
    const M = Array.from({ length: width }, () => new Array<number>(width).fill(0));
    if (!gaussian) {
      const max = Math.max(...eta);
      const e = eta.map((z) => Math.exp(z - max));
      const total = e.reduce((a, b) => a + b, 0);
      const p = e.map((z) => z / total);
      for (let a = 0; a < width; a++) for (let b = 0; b < width; b++) M[a]![b] = (a === b ? p[a]! : 0) - p[a]! * p[b]!;
    } else {
      for (let a = 0; a < head; a++) {
        M[a]![a] = Math.exp(-2 * eta[head + a]!);
        M[head + a]![head + a] = 2;
      }
    }
    const J = jacobian[i]!;
    for (let a = 0; a < width; a++) {
      for (let b = 0; b < width; b++) {
        const m = M[a]![b]!;
        if (m === 0) continue;
        for (let p = 0; p < size; p++) for (let q = 0; q < size; q++) F[p]![q]! += (J[a]![p]! * m * J[b]![q]!) / ROWS;
      }
    }
  }
  return F;
}

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

describe('PolicyFisher', () => {
  const cases = [
    ['categorical, tanh', discrete, 'tanh'],
    ['categorical, relu', discrete, 'relu'],
    ['categorical, elu', discrete, 'elu'],
    ['Gaussian, tanh', box, 'tanh'],
  ] as const;

  it.each(cases)('equals the dense-Jacobian Fisher (1/N)·Σ JᵀMJ plus damping (%s)', (_, action, activation) => {
    const policy = tinyPolicy(action, activation);
    const rng = Rng.fromSeed(7);
    const observations = rng.fillNormal(new Float32Array(ROWS * OBS));
    const F = denseFisher(policy, observations);
    const damping = 0.1;
    const fisher = new PolicyFisher(policy, observations, damping);
    expect(fisher.size).toBe(F.length);
    for (let trial = 0; trial < 3; trial++) {
      const v = rng.fillNormal(new Float64Array(fisher.size));
      const expected = F.map((row, p) => row.reduce((s, x, q) => s + x * v[q]!, 0) + damping * v[p]!);
      expect(relativeError(fisher.product(v), expected)).toBeLessThan(1e-5); // measured ≈ 1e-7 (float32)
    }
    fisher.dispose();
    policy.dispose();
  });

  it.each([
    ['categorical', discrete],
    ['Gaussian', box],
  ] as const)('equals the Hessian of the mean KL(π_old ‖ π_θ) at θ_old: finite differences of its gradient (%s)', (_, action) => {
    const policy = tinyPolicy(action);
    const variables = policy.policyVariables();
    const rng = Rng.fromSeed(3);
    const observations = rng.fillNormal(new Float32Array(ROWS * OBS));
    const x = tf.tensor2d(observations, [ROWS, OBS]);
    const old = tf.tidy(() => {
      const { inner } = policy.distribution(x);
      return 'logits' in inner ? [tf.clone(inner.logits)] : [tf.clone(inner.mean), tf.clone(inner.logStd)];
    });
    const oldDistribution = () => {
      const { inner } = policy.distribution(x);
      return 'logits' in inner
        ? new (inner.constructor as new (l: tf.Tensor2D) => typeof inner)(old[0] as tf.Tensor2D)
        : new (inner.constructor as new (m: tf.Tensor2D, s: tf.Tensor1D) => typeof inner)(old[0] as tf.Tensor2D, old[1] as tf.Tensor1D);
    };
    const start = variables.map((v) => Float64Array.from(v.dataSync()));
    const setAt = (v: Float64Array, eps: number) => {
      let offset = 0;
      tf.tidy(() =>
        variables.forEach((variable, k) => {
          variable.assign(tf.tensor(Float32Array.from(start[k]!, (s, j) => s + eps * v[offset + j]!), variable.shape));
          offset += variable.size;
        }),
      );
    };
    const klGradient = (): Float64Array => {
      const g = tf.tidy(() => {
        const { grads } = variableGrads(() => {
          const current = policy.distribution(x).inner;
          const before = oldDistribution();
          return tf.mean((before as { kl(o: unknown): tf.Tensor1D }).kl(current)) as tf.Scalar;
        }, variables);
        return tf.concat(variables.map((v) => tf.reshape(grads[v.name]!, [-1])));
      });
      const out = Float64Array.from(g.dataSync());
      g.dispose();
      return out;
    };
    const fisher = new PolicyFisher(policy, observations, 0);
    const v = rng.fillNormal(new Float64Array(fisher.size));
    const fv = fisher.product(v);
    fisher.dispose();
    const eps = 3e-3;
    setAt(v, eps);
    const plus = klGradient();
    setAt(v, -eps);
    const minus = klGradient();
    const hv = plus.map((p, i) => (p - minus[i]!) / (2 * eps));
    expect(relativeError(fv, hv)).toBeLessThan(2e-3); // measured ≈ 3e-4 (float32 differences)
    tf.dispose([x, ...old]);
    policy.dispose();
  });

  it('adds exactly λ·v for the damping, checks its input and leaks no tensor', async () => {
    const policy = tinyPolicy(discrete);
    const observations = Rng.fromSeed(2).fillNormal(new Float32Array(ROWS * OBS));
    const plain = new PolicyFisher(policy, observations, 0);
    const damped = new PolicyFisher(policy, observations, 0.5);
    const v = Rng.fromSeed(4).fillNormal(new Float64Array(plain.size));
    const a = plain.product(v);
    const b = damped.product(v);
    b.forEach((x, i) => expect(x - a[i]!).toBeCloseTo(0.5 * v[i]!, 6));
    expect(() => plain.product(new Float64Array(3))).toThrow(`PolicyFisher.product: v has length 3, expected ${plain.size}`);
    expect(() => new PolicyFisher(policy, observations, -1)).toThrow(/damping must be a finite number >= 0, got -1/);
    expect(() => new PolicyFisher(policy, new Float32Array(4), 0)).toThrow(/4 values are not rows of 3/);
    await expectNoTensorLeak(() => plain.product(v));
    const before = tf.memory().numTensors;
    plain.dispose();
    damped.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
    await expectNoTensorLeak(() => new PolicyFisher(policy, observations, 0.1).dispose());
    policy.dispose();
  });
});
