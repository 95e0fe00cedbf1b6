import * as tf from '@tensorflow/tfjs-core';
import { categoricalProjection } from '@tfrl/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { categoricalLoss, doubleQTarget, dqnLoss, gatherActions, tdTarget } from './loss.js';
import { read, useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

const close = (actual: number[], expected: number[]) => actual.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 5));

// Three transitions: a one-step one (γ = 0.99), a two-step one (γ² = 0.9801), a terminal one.
const base = () => ({
  rewards: tf.tensor1d([1, 0.5, -1]),
  discounts: tf.tensor1d([0.99, 0.9801, 0.99]),
  terminated: tf.tensor1d([0, 0, 1]),
  nextQTarget: tf.tensor2d([[1, 3], [2, -1], [5, 5]]),
});

describe('tdTarget', () => {
  it('y = r + γ^n·(1 − terminated)·max_a Q_target(s′, a), by hand', () => {
    // 1 + 0.99·3 = 3.97;  0.5 + 0.9801·2 = 2.4602;  terminal: −1
    close(read(() => tdTarget(base())), [3.97, 2.4602, -1]);
  });

  it('takes the max over allowed actions only, also when the best one is masked', () => {
    const nextMask = () => tf.tensor2d([[1, 0], [1, 1], [0, 0]]);
    // row 0: Q = 3 is masked, so 1 + 0.99·1; row 2 allows nothing but is terminal: −1
    close(read(() => tdTarget({ ...base(), nextMask: nextMask() })), [1.99, 2.4602, -1]);
  });
});

describe('doubleQTarget', () => {
  const nextQOnline = () => tf.tensor2d([[0, 1], [-3, 4], [1, 0]]);
  it('the online net picks a*, the target net values it', () => {
    // a* = [1, 1, 0]: Q_target = [3, −1, 5] → 1 + 0.99·3, 0.5 − 0.9801, −1 (terminal)
    close(read(() => doubleQTarget({ ...base(), nextQOnline: nextQOnline() })), [3.97, -0.4801, -1]);
  });

  it('with a mask the online argmax skips masked actions', () => {
    const nextMask = tf.tensor2d([[1, 0], [1, 1], [1, 1]]);
    // row 0: a* = 0 (action 1 masked) → 1 + 0.99·Q_target(s′, 0) = 1.99
    close(read(() => doubleQTarget({ ...base(), nextQOnline: nextQOnline(), nextMask })), [1.99, -0.4801, -1]);
    nextMask.dispose();
  });
});

describe('dqnLoss', () => {
  const input = () => ({
    q: tf.tensor2d([[1, 2], [0.5, -1], [3, 0]]),
    actions: tf.tensor1d([1, 0, 0], 'int32'),
    targets: tf.tensor1d([2.5, 0.5, 0]),
  });
  // Q(s, a) = [2, 0.5, 3]; δ = Q − y = [−0.5, 0, 3]

  it('Huber: ½δ² inside |δ| ≤ 1, |δ| − ½ outside, averaged; returns δ', () => {
    const [loss, ...tdErrors] = read(() => {
      const r = dqnLoss({ ...input(), kind: 'huber' });
      return tf.concat([tf.reshape(r.loss, [1]), r.tdErrors]);
    });
    expect(loss).toBeCloseTo((0.125 + 0 + 2.5) / 3, 6);
    close(tdErrors, [-0.5, 0, 3]);
  });

  it('MSE: mean of δ²', () => {
    expect(read(() => dqnLoss({ ...input(), kind: 'mse' }).loss)[0]).toBeCloseTo((0.25 + 0 + 9) / 3, 5);
  });

  it('importance weights scale each term: (1/B)·Σ w_i·ℓ_i', () => {
    const weights = tf.tensor1d([1, 0.5, 0.2]);
    expect(read(() => dqnLoss({ ...input(), weights, kind: 'huber' }).loss)[0]).toBeCloseTo((0.125 + 0.2 * 2.5) / 3, 6);
    weights.dispose();
  });

  it('is differentiable in Q: ∂L/∂Q(s, a) = clip(δ, −1, 1)/B at the action taken, 0 elsewhere', () => {
    const { q, actions, targets } = input();
    const grad = tf.grad((x: tf.Tensor) => dqnLoss({ q: x as tf.Tensor2D, actions, targets, kind: 'huber' }).loss)(q);
    close(Array.from(grad.dataSync()), [0, -0.5 / 3, 0, 0, 1 / 3, 0]);
    tf.dispose([q, actions, targets, grad]);
  });

  it('never writes into its inputs', () => {
    const values = input();
    const before = [values.q, values.targets].map((t) => Array.from(t.dataSync()));
    tf.tidy(() => void dqnLoss({ ...values, kind: 'huber' }));
    expect([values.q, values.targets].map((t) => Array.from(t.dataSync()))).toEqual(before);
    tf.dispose(Object.values(values));
  });
});

describe('gatherActions', () => {
  it('picks x(i, a_i) per row', () => {
    expect(read(() => gatherActions(tf.tensor2d([[1, 2, 3], [4, 5, 6]]), tf.tensor1d([2, 0], 'int32')))).toEqual([3, 4]);
  });
});

describe('categoricalLoss', () => {
  // p(s0, a1) = [0.5, 0.25, 0.25], p(s1, a0) = [0.2, 0.3, 0.5]; the other actions' rows are decoys.
  const logProbabilities = () =>
    tf.log(tf.tensor3d([[[0.1, 0.1, 0.8], [0.5, 0.25, 0.25]], [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]]));
  const actions = () => tf.tensor1d([1, 0], 'int32');

  it('ℓ_i = −Σ_j m_ij·log p_j(s_i, a_i) against a projected target, by hand', () => {
    // Row 0: a terminal reward 1 on the support {0, 1, 2} puts all mass on atom 1.
    // Row 1: reward 0.5 with discount 0 lands half-way between atoms 0 and 1.
    const m = categoricalProjection({
      probabilities: Float32Array.of(1, 0, 0, 1, 0, 0),
      rewards: Float32Array.of(1, 0.5),
      discounts: Float32Array.of(0, 0),
      vMin: 0,
      vMax: 2,
      atoms: 3,
    });
    expect(Array.from(m)).toEqual([0, 1, 0, 0.5, 0.5, 0]);
    const values = read(() => {
      const r = categoricalLoss({ logProbabilities: logProbabilities(), actions: actions(), targetProbabilities: tf.tensor2d(m, [2, 3]) });
      return tf.concat([tf.reshape(r.loss, [1]), r.perSample]);
    });
    const row0 = -Math.log(0.25);
    const row1 = -(0.5 * Math.log(0.2) + 0.5 * Math.log(0.3));
    close(values, [(row0 + row1) / 2, row0, row1]);
  });

  it('weights the per-sample cross-entropies', () => {
    const m = tf.tensor2d([[0, 1, 0], [1, 0, 0]]);
    const weights = tf.tensor1d([0.5, 0]);
    const loss = read(() => categoricalLoss({ logProbabilities: logProbabilities(), actions: actions(), targetProbabilities: m, weights }).loss);
    expect(loss[0]).toBeCloseTo((0.5 * -Math.log(0.25)) / 2, 6);
    tf.dispose([m, weights]);
  });
});
