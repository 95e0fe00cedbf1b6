import * as tf from '@tensorflow/tfjs-core';
import { RolloutBuffer } from '@tfrl/replay';
import { expectNoTensorLeak, read, useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { a2cGaeLambda } from './config.js';
import { a2cLoss } from './loss.js';

beforeAll(useCpuBackend);

// Two rows worked by hand: Â = [2, 1], log π = [−0.5, −1], V = [1, 3], R = [2, 1], H = [0.6, 0.4].
//   L_π = −mean(2·−0.5, 1·−1) = 1;  L_V = mean((1−2)², (3−1)²) = 2.5;  H̄ = 0.5
//   L = 1 + 0.5·2.5 − 0.01·0.5 = 2.245
const input = () => ({
  logProbs: tf.tensor1d([-0.5, -1]),
  advantages: tf.tensor1d([2, 1]),
  values: tf.tensor1d([1, 3]),
  returns: tf.tensor1d([2, 1]),
  entropy: tf.tensor1d([0.6, 0.4]),
  vfCoef: 0.5,
  entCoef: 0.01,
});

describe('a2cLoss', () => {
  it('matches hand-computed values', () => {
    const parts = (key: 'loss' | 'policyLoss' | 'valueLoss' | 'entropy') => read(() => a2cLoss(input())[key])[0]!;
    expect(parts('policyLoss')).toBeCloseTo(1, 6);
    expect(parts('valueLoss')).toBeCloseTo(2.5, 6);
    expect(parts('entropy')).toBeCloseTo(0.5, 6);
    expect(parts('loss')).toBeCloseTo(2.245, 6);
  });

  it('has the hand-computed gradients: −Â/B for log π, 2c₁(V − R)/B for V, −c₂/B for H', () => {
    const grads = tf.tidy(() => {
      const base = input();
      const f = (logProbs: tf.Tensor, values: tf.Tensor, entropy: tf.Tensor) =>
        a2cLoss({ ...base, logProbs: logProbs as tf.Tensor1D, values: values as tf.Tensor1D, entropy: entropy as tf.Tensor1D }).loss;
      return tf.grads(f)([base.logProbs, base.values, base.entropy]).map((g) => Array.from(g.dataSync()));
    });
    const [dLogProbs, dValues, dEntropy] = grads;
    expect(dLogProbs![0]).toBeCloseTo(-1, 6);
    expect(dLogProbs![1]).toBeCloseTo(-0.5, 6);
    expect(dValues![0]).toBeCloseTo(-0.5, 6);
    expect(dValues![1]).toBeCloseTo(1, 6);
    expect(dEntropy![0]).toBeCloseTo(-0.005, 6);
    expect(dEntropy![1]).toBeCloseTo(-0.005, 6);
  });

  it('rejects negative coefficients and leaks nothing', async () => {
    expect(() => tf.tidy(() => a2cLoss({ ...input(), vfCoef: -1 }).loss)).toThrow('a2cLoss: vfCoef must be a finite number >= 0, got -1');
    expect(() => tf.tidy(() => a2cLoss({ ...input(), entCoef: Number.NaN }).loss)).toThrow('a2cLoss: entCoef must be a finite number >= 0, got NaN');
    await expectNoTensorLeak(() => tf.tidy(() => void a2cLoss(input())));
  });
});

describe("A2C's n-step advantages (GAE with λ = 1 over the rollout)", () => {
  // One env, γ = 0.5, r = [1, 0, 2], V = [1, 2, 3], V(s_3) = 4:
  //   Â_2 = 2 + 0.5·4 − 3 = 1
  //   Â_1 = 0 + 0.5·2 + 0.25·4 − 2 = 0
  //   Â_0 = 1 + 0.5·0 + 0.25·2 + 0.125·4 − 1 = 1
  const rollout = (terminated: number[], truncated: number[], truncatedNextValues?: number[]) => {
    const buffer = new RolloutBuffer({
      steps: 3,
      numEnvs: 1,
      observationSize: 1,
      actionSize: 1,
      actionDtype: 'int32',
      gamma: 0.5,
      gaeLambda: a2cGaeLambda({ advantage: 'n-step', gaeLambda: 0.3 }),
      autoresetMode: 'same-step',
    });
    [1, 0, 2].forEach((reward, t) =>
      buffer.add({ observations: [t], actions: [0], rewards: [reward], terminated: [terminated[t]!], truncated: [truncated[t]!], values: [t + 1], logProbs: [0] }),
    );
    const { advantages, returns } = buffer.computeReturnsAndAdvantages({ lastValues: [4], ...(truncatedNextValues ? { truncatedNextValues } : {}) });
    return { advantages: Array.from(advantages), returns: Array.from(returns) };
  };

  it('sums the rewards to the rollout end and bootstraps from V(s_n)', () => {
    const { advantages, returns } = rollout([0, 0, 0], [0, 0, 0]);
    expect(advantages).toEqual([1, 0, 1]);
    expect(returns).toEqual([2, 2, 4]);
  });

  it('bootstraps a truncated episode from V(final observation), never a terminated one', () => {
    // Truncated at step 1 with V(final) = 10: Â_1 = 0 + 0.5·10 − 2 = 3, Â_0 = 1 + 0 + 0.25·10 − 1 = 2.5, Â_2 = 1.
    expect(rollout([0, 0, 0], [0, 1, 0], [0, 10, 0]).advantages).toEqual([2.5, 3, 1]);
    // Terminated at step 1: Â_1 = 0 − 2 = −2, Â_0 = 1 + 0 − 1 = 0.
    expect(rollout([0, 1, 0], [0, 0, 0]).advantages).toEqual([0, -2, 1]);
  });

  it("uses gaeLambda only with advantage 'gae'", () => {
    expect(a2cGaeLambda({ advantage: 'gae', gaeLambda: 0.3 })).toBe(0.3);
    expect(a2cGaeLambda({ advantage: 'n-step', gaeLambda: 0.3 })).toBe(1);
  });
});
