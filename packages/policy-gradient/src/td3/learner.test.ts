import { Rng } from '@tfrl/core';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Td3Learner, type Td3Batch, type Td3LearnerSettings } from './learner.js';

beforeAll(useCpuBackend);

const settings = (overrides: Partial<Td3LearnerSettings> = {}): Td3LearnerSettings => ({
  observationSize: 3,
  actionSize: 2,
  hiddenSizes: [8, 8],
  activation: 'relu',
  learningRate: 1e-2,
  gamma: 0.99,
  tau: 0.1,
  critics: 2,
  policyDelay: 2,
  targetPolicyNoise: 0.2,
  targetNoiseClip: 0.5,
  ...overrides,
});

function batchOf(size: number, rng: Rng): Td3Batch {
  return {
    size,
    observations: rng.fillNormal(new Float32Array(size * 3)),
    actions: rng.fillUniform(new Float32Array(size * 2), -1, 1),
    rewards: rng.fillNormal(new Float32Array(size)),
    nextObservations: rng.fillNormal(new Float32Array(size * 3)),
    terminated: Uint8Array.from({ length: size }, (_, i) => (i % 5 === 0 ? 1 : 0)),
  };
}

function snapshot(learner: Td3Learner): Record<string, Float32Array> {
  const groups = learner.variableGroups();
  return Object.fromEntries(Object.entries(groups).map(([name, variables]) => [name, weightsOf(variables)]));
}

describe('Td3Learner', () => {
  it('starts with targets equal to the online nets, two critics for TD3 and one for DDPG', () => {
    const learner = new Td3Learner(settings(), Rng.fromSeed(0), 'test');
    const w = snapshot(learner);
    expect(w.actorTarget).toEqual(w.actor);
    expect(w.criticTargets).toEqual(w.critics);
    expect(learner.critics).toHaveLength(2);
    const ddpg = new Td3Learner(settings({ critics: 1, policyDelay: 1, targetPolicyNoise: 0 }), Rng.fromSeed(0), 'ddpg');
    expect(ddpg.critics).toHaveLength(1);
    learner.dispose();
    ddpg.dispose();
  });

  it('moves the critics every update, the actor and the targets every policyDelay updates', () => {
    const rng = Rng.fromSeed(1);
    const learner = new Td3Learner(settings({ policyDelay: 2 }), rng, 'test');
    const batch = batchOf(16, rng);
    const before = snapshot(learner);
    const first = learner.update(batch);
    const afterOne = snapshot(learner);
    expect(first.actorLoss).toBeUndefined();
    expect(afterOne.critics).not.toEqual(before.critics);
    expect(afterOne.actor).toEqual(before.actor);
    expect(afterOne.actorTarget).toEqual(before.actorTarget);
    expect(afterOne.criticTargets).toEqual(before.criticTargets);
    const second = learner.update(batch);
    const afterTwo = snapshot(learner);
    expect(Number.isFinite(second.actorLoss)).toBe(true);
    expect(afterTwo.actor).not.toEqual(afterOne.actor);
    // Polyak with τ = 0.1: θ' = 0.1·θ + 0.9·θ'_old
    for (const [target, online] of [['actorTarget', 'actor'], ['criticTargets', 'critics']] as const) {
      const want = afterTwo[online]!.map((w, i) => 0.1 * w + 0.9 * afterOne[target]![i]!);
      afterTwo[target]!.forEach((w, i) => expect(w).toBeCloseTo(want[i]!, 5));
    }
    expect(learner.updates).toBe(2);
    learner.dispose();
  });

  it('learns a bandit: Q fits r = −(a₀ − 0.5)² (γ = 0) and the actor moves a₀ towards 0.5 in every state', () => {
    const rng = Rng.fromSeed(2);
    const learner = new Td3Learner(settings({ gamma: 0, policyDelay: 1 }), rng, 'test');
    const size = 32;
    const fresh = (): Td3Batch => {
      const batch = batchOf(size, rng);
      const rewards = Float32Array.from({ length: size }, (_, i) => -((batch.actions[2 * i]! - 0.5) ** 2));
      return { ...batch, rewards };
    };
    const states = rng.fillNormal(new Float32Array(10 * 3));
    const initial = learner.actions(states);
    const first = learner.update(fresh()).criticLoss!;
    let last = first;
    for (let t = 0; t < 300; t++) last = learner.update(fresh()).criticLoss!;
    expect(last).toBeLessThan(first / 10);
    const mu = learner.actions(states);
    const distance = (actions: Float32Array) => Array.from({ length: 10 }, (_, i) => Math.abs(actions[2 * i]! - 0.5));
    const before = distance(initial);
    const after = distance(mu);
    // Every state's a₀ moved towards 0.5, on average more than half the way.
    for (let i = 0; i < 10; i++) expect(after[i], `state ${i}: a₀ from ${initial[2 * i]} to ${mu[2 * i]}`).toBeLessThan(before[i]!);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(after)).toBeLessThan(sum(before) / 2);
    learner.dispose();
  });

  it('throws on a non-finite loss and leaves every weight and the Adam states untouched', () => {
    const rng = Rng.fromSeed(3);
    const learner = new Td3Learner(settings({ policyDelay: 1 }), rng, 'test');
    const batch = batchOf(8, rng);
    learner.update(batch);
    const before = snapshot(learner);
    const state = learner.getState();
    const bad = { ...batch, rewards: Float32Array.from(batch.rewards, (r, i) => (i === 3 ? Number.NaN : r)) };
    expect(() => learner.update(bad)).toThrow(/non-finite critic loss \(NaN\) at update 2/);
    expect(snapshot(learner)).toEqual(before);
    expect(learner.getState()).toEqual(state);
  });

  it('refuses a malformed batch', () => {
    const rng = Rng.fromSeed(4);
    const learner = new Td3Learner(settings(), rng, 'test');
    expect(() => learner.update({ ...batchOf(4, rng), actions: new Float32Array(7) })).toThrow('batch actions has length 7, expected 8');
    learner.dispose();
  });

  it('updates without leaking tensors (critic-only and actor updates)', async () => {
    for (const variant of [settings(), settings({ critics: 1, policyDelay: 1, targetPolicyNoise: 0 })]) {
      const rng = Rng.fromSeed(5);
      const learner = new Td3Learner(variant, rng, 'test');
      const batch = batchOf(16, rng);
      await expectNoTensorLeak(() => learner.update(batch), { warmup: 2, runs: 4 });
      await expectNoTensorLeak(() => learner.actions(batch.observations));
      const bad = { ...batch, rewards: new Float32Array(16).fill(Number.NaN) };
      await expectNoTensorLeak(() => expect(() => learner.update(bad)).toThrow(/non-finite/));
      learner.dispose();
    }
  });
});
