import * as tf from '@tensorflow/tfjs-core';
import { RolloutBuffer } from '@tfrl/replay';
import { read, useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { npgConfig, trpoConfig } from './config.js';
import { policyBatch, surrogateObjective } from './learner.js';

beforeAll(useCpuBackend);

describe('surrogateObjective', () => {
  it('is mean(π/π_old · Â) (hand-computed)', () => {
    // ratios: 0.5/0.25 = 2 and 0.2/0.4 = 0.5; Â = [1, −2] → mean(2, −1) = 0.5.
    const [value] = read(() => surrogateObjective(tf.tensor1d([Math.log(0.5), Math.log(0.2)]), tf.tensor1d([Math.log(0.25), Math.log(0.4)]), tf.tensor1d([1, -2])));
    expect(value).toBeCloseTo(0.5, 6);
    // At θ = θ_old it is mean(Â).
    const [atOld] = read(() => surrogateObjective(tf.tensor1d([-1, -2, -3]), tf.tensor1d([-1, -2, -3]), tf.tensor1d([3, -1, 4])));
    expect(atOld).toBeCloseTo(2, 6);
  });
});

describe('policyBatch', () => {
  it('takes the valid rows of a rollout in order, leaving out next-step reset rows', () => {
    // 2 steps × 2 envs; env 0 terminates at t0, so its row at t1 is a reset row (invalid).
    const buffer = new RolloutBuffer({ steps: 2, numEnvs: 2, observationSize: 1, actionSize: 1, actionDtype: 'int32', gamma: 1, gaeLambda: 1 });
    buffer.add({ observations: [10, 11], actions: Int32Array.of(0, 1), rewards: [1, 1], terminated: [1, 0], truncated: [0, 0], values: [0, 0], logProbs: [0, 0] });
    buffer.add({ observations: [12, 13], actions: Int32Array.of(1, 0), rewards: [0, 1], terminated: [0, 0], truncated: [0, 0], values: [0, 0], logProbs: [0, 0] });
    buffer.computeReturnsAndAdvantages({ lastValues: [0, 0] });
    const batch = policyBatch(buffer, { config: { observationSize: 1 } } as Parameters<typeof policyBatch>[1]);
    expect(batch.rows).toBe(3);
    expect(Array.from(batch.observations)).toEqual([10, 11, 13]);
    expect(Array.from(batch.actions)).toEqual([0, 1, 0]);
    // Â with γ = λ = 1, V = 0: env 0 at t0: 1 (terminated); env 1: 1 + 1 = 2 at t0, 1 at t1.
    expect(Array.from(batch.advantages)).toEqual([1, 2, 1]);
  });
});

describe('trpoConfig', () => {
  it('has sb3-contrib defaults; npgConfig turns the line search off', () => {
    expect(trpoConfig()).toMatchObject({ maxKl: 0.01, cgIterations: 15, cgDamping: 0.1, lineSearchShrink: 0.8, lineSearchMaxIterations: 10, valueEpochs: 10, lineSearch: true });
    expect(npgConfig({ maxKl: 0.05 })).toMatchObject({ lineSearch: false, maxKl: 0.05 });
    expect(JSON.parse(JSON.stringify(trpoConfig()))).toEqual(trpoConfig());
  });
});
