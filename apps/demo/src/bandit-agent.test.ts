import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoTensorLeak } from '@tfrl/testing';
import { GradientBanditAgent } from './bandit-agent.js';
import { ContextualBandit } from './contextual-bandit.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

const config = { contexts: 8, arms: 5, hiddenSizes: [32], learningRate: 0.01, entropyCoefficient: 0.05, seed: 1 };

function train(updates: number): { agent: GradientBanditAgent; bandit: ContextualBandit } {
  const bandit = new ContextualBandit({ contexts: 8, arms: 5, rewardNoise: 0.5, seed: 1 });
  const agent = new GradientBanditAgent(config);
  for (let u = 0; u < updates; u++) {
    const { contexts, observations } = bandit.observe(64);
    const arms = agent.act(observations);
    agent.update(observations, arms, bandit.pull(contexts, arms));
  }
  return { agent, bandit };
}

function greedyOptimalShare(agent: GradientBanditAgent, bandit: ContextualBandit): number {
  const test = bandit.observe(1000);
  const arms = agent.act(test.observations, { deterministic: true });
  let optimal = 0;
  for (let i = 0; i < arms.length; i++) if (arms[i] === bandit.bestArm(test.contexts[i]!)) optimal++;
  return optimal / arms.length;
}

describe('GradientBanditAgent', () => {
  it('learns to pick the best arm far above chance', () => {
    const untrained = train(0);
    const trained = train(300);
    expect(greedyOptimalShare(untrained.agent, untrained.bandit)).toBeLessThan(0.5);
    expect(greedyOptimalShare(trained.agent, trained.bandit)).toBeGreaterThan(0.8);
    untrained.agent.dispose();
    trained.agent.dispose();
  });

  it('is deterministic for a seed', () => {
    const a = train(20);
    const b = train(20);
    const obs = a.bandit.observe(16).observations;
    expect(Array.from(a.agent.act(obs, { deterministic: true }))).toEqual(
      Array.from(b.agent.act(obs, { deterministic: true })),
    );
    a.agent.dispose();
    b.agent.dispose();
  });

  it('does not leak tensors when acting or updating', async () => {
    const bandit = new ContextualBandit({ contexts: 8, arms: 5, rewardNoise: 0.5, seed: 2 });
    const agent = new GradientBanditAgent(config);
    await expectNoTensorLeak(() => {
      const { contexts, observations } = bandit.observe(8);
      const arms = agent.act(observations);
      agent.update(observations, arms, bandit.pull(contexts, arms));
    });
    agent.dispose();
  });
});

describe('ContextualBandit', () => {
  it('rejects bad configuration and arms outside the action space', () => {
    expect(() => new ContextualBandit({ contexts: 0, arms: 2, rewardNoise: 0, seed: 0 })).toThrow(/contexts/);
    expect(() => new ContextualBandit({ contexts: 2, arms: 1, rewardNoise: 0, seed: 0 })).toThrow(/arms/);
    expect(() => new ContextualBandit({ contexts: 2, arms: 2, rewardNoise: Number.NaN, seed: 0 })).toThrow(/rewardNoise/);
    const bandit = new ContextualBandit({ contexts: 2, arms: 3, rewardNoise: 0, seed: 0 });
    expect(() => bandit.pull(new Int32Array([0]), new Int32Array([3]))).toThrow(/arm 3 is outside Discrete\(3\)/);
  });

  it('pays the mean reward of the pulled arm when there is no noise', () => {
    const bandit = new ContextualBandit({ contexts: 3, arms: 4, rewardNoise: 0, seed: 5 });
    const rewards = bandit.pull(new Int32Array([2, 1]), new Int32Array([3, 0]));
    expect(rewards[0]).toBeCloseTo(bandit.means[2 * 4 + 3]!, 6);
    expect(rewards[1]).toBeCloseTo(bandit.means[1 * 4 + 0]!, 6);
    const { optimal, random } = bandit.referenceRewards();
    expect(optimal).toBeGreaterThan(random);
  });
});
