import { Rng } from '@tfrl/core';
import type { RolloutMinibatch } from '@tfrl/replay';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActorCritic } from '../common/actor-critic.js';
import { PpoLearner } from './learner.js';

beforeAll(useCpuBackend);

function makeLearner(kind: 'discrete' | 'box', sharedTrunk = false): PpoLearner {
  const action =
    kind === 'discrete'
      ? ({ kind: 'discrete', n: 3, start: 0 } as const)
      : ({ kind: 'box', size: 2, shape: [2], low: Float32Array.of(-1, -1), high: Float32Array.of(1, 1) } as const);
  const policy = new ActorCritic({
    observationSize: 4,
    action,
    hiddenSizes: [8],
    activation: 'tanh',
    sharedTrunk,
    withValue: true,
    logStdInit: 0,
    rng: Rng.fromSeed(1),
    name: `ppo_learner_test_${kind}_${sharedTrunk}`,
  });
  return new PpoLearner(policy, { learningRate: 1e-2, adamEpsilon: 1e-5, maxGradNorm: 0.5, clipRangeVf: 0.2, entCoef: 0.01, vfCoef: 0.5 });
}

/** A minibatch whose log-probabilities are those the policy gives now (ratio 1). */
function batchFor(learner: PpoLearner, size = 6): RolloutMinibatch {
  const rng = Rng.fromSeed(7);
  const observations = rng.fillNormal(new Float32Array(size * 4));
  const { actions, logProbs, values } = learner.policy.act(observations, rng);
  return {
    size,
    indices: Int32Array.from({ length: size }, (_, i) => i),
    observations,
    actions,
    values: values!,
    logProbs,
    advantages: rng.fillNormal(new Float32Array(size)),
    returns: rng.fillNormal(new Float32Array(size)),
    extras: {},
  };
}

const settings = { clipRange: 0.2, learningRate: 1e-2, targetKl: null };

describe('PpoLearner', () => {
  for (const [kind, shared] of [['discrete', false], ['discrete', true], ['box', false], ['box', true]] as const) {
    it(`${kind} actions, ${shared ? 'shared trunk' : 'separate nets'}: loss = policy + c1·value − c2·entropy, one step, no leak`, async () => {
      const learner = makeLearner(kind, shared);
      const batch = batchFor(learner);
      const before = weightsOf(learner.trainableVariables());
      const result = learner.step(batch, settings);
      expect(result.applied).toBe(true);
      expect(result.loss).toBeCloseTo(result.policyLoss + 0.5 * result.valueLoss - 0.01 * result.entropy, 5);
      // The ratio is 1 at the first step: nothing clipped, KL 0, loss −mean(A).
      expect(result.clipFraction).toBe(0);
      expect(Math.abs(result.approxKl)).toBeLessThan(1e-6);
      const meanAdvantage = batch.advantages.reduce((a, b) => a + b, 0) / batch.size;
      expect(result.policyLoss).toBeCloseTo(-meanAdvantage, 5);
      expect(weightsOf(learner.trainableVariables())).not.toEqual(before);
      expect(learner.updates).toBe(1);
      await expectNoTensorLeak(() => learner.step(batch, settings));
      learner.policy.dispose();
    });
  }

  it('a non-finite loss throws before any weight is written', () => {
    const learner = makeLearner('discrete');
    const batch = batchFor(learner);
    batch.returns[2] = Number.NaN;
    const before = weightsOf(learner.trainableVariables());
    expect(() => learner.step(batch, settings)).toThrow(/non-finite loss/);
    expect(weightsOf(learner.trainableVariables())).toEqual(before);
    expect(learner.updates).toBe(0);
    learner.policy.dispose();
  });

  it('skips the step when the approximate KL exceeds 1.5 × targetKl', () => {
    const learner = makeLearner('discrete');
    const batch = batchFor(learner);
    for (let i = 0; i < batch.size; i++) batch.logProbs[i]! -= 0.5; // the policy has moved: r = e^0.5
    const before = weightsOf(learner.trainableVariables());
    const result = learner.step(batch, { ...settings, targetKl: 0.01 });
    expect(result.approxKl).toBeCloseTo(Math.exp(0.5) - 1 - 0.5, 5);
    expect(result.applied).toBe(false);
    expect(weightsOf(learner.trainableVariables())).toEqual(before);
    expect(learner.step(batch, { ...settings, targetKl: 1 }).applied).toBe(true);
    learner.policy.dispose();
  });
});
