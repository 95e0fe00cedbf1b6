import { describe, expect, it } from 'vitest';
import { checkEnvContract, describeEnvContract, type EnvContractCheck } from '@tfrl/testing';
import { NormalizeReward } from './normalize-reward.js';
import { CorridorEnv, PointEnv, ScriptedEnv } from './test-envs.js';

describeEnvContract('NormalizeReward(PointEnv), frozen statistics', () => {
  const env = new NormalizeReward(new PointEnv(), { training: false });
  env.setState({ shape: [], count: 10, mean: [-3], var: [2.5] });
  return env;
});

describe('NormalizeReward', () => {
  it('satisfies the Env contract while training, except reseeded determinism (the statistics move on)', () => {
    const checks: EnvContractCheck[] = ['reset', 'step', 'stepAfterEnd', 'invalidActions', 'flatten', 'close'];
    expect(checkEnvContract(() => new NormalizeReward(new CorridorEnv()), {}, checks)).toEqual([]);
  });

  it('divides each reward by √(Var[G] + ε), G the discounted return so far (hand-computed episode)', () => {
    // γ = 0.5, rewards 1, 2, 3 (terminated), then 1 in the next episode.
    const env = new NormalizeReward(new ScriptedEnv([{ reward: 1 }, { reward: 2 }, { reward: 3, terminated: true }, { reward: 1 }]), {
      gamma: 0.5,
    });
    // Exact statistics (no prior) make the arithmetic checkable by hand.
    env.setState({ shape: [1], count: 0, mean: [0], var: [1] });
    env.reset();
    // G = 1; Var{1} = 0: 1/√1e-8 = 10⁴.
    expect(env.step(0).reward).toBeCloseTo(1e4, 6);
    expect(env.returnEstimate).toBe(1);
    // G = 0.5·1 + 2 = 2.5; Var{1, 2.5} = 0.5625 = 0.75²: 2/0.75.
    expect(env.step(0).reward).toBeCloseTo(2 / 0.75, 6);
    expect(env.returnEstimate).toBe(2.5);
    // G = 0.5·2.5 + 3 = 4.25; Var{1, 2.5, 4.25} = 127/72: 3/√(127/72).
    const last = env.step(0);
    expect(last.reward).toBeCloseTo(3 / Math.sqrt(127 / 72), 6);
    expect(last.terminated).toBe(true);
    expect(env.returnEstimate).toBe(0); // restarts after the episode
    expect(env.getState().mean[0]).toBeCloseTo(7.75 / 3, 12);
    env.reset();
    // G = 1 again (not 0.5·4.25 + 1); Var{1, 2.5, 4.25, 1} = 459/256: 1/√(459/256) = 16/√459.
    expect(env.step(0).reward).toBeCloseTo(16 / Math.sqrt(459), 6);
  });

  it("starts from Gymnasium's prior: count 1e-4, mean 0, variance 1", () => {
    const env = new NormalizeReward(new ScriptedEnv([{ reward: 1 }]));
    env.reset();
    // Merging G = 1 into (c = 1e-4, μ = 0, σ² = 1): σ² = (c·1 + 1²·c·1/(1 + c))/(1 + c) ≈ 2c,
    // so the first reward is divided by ≈ √(2·10⁻⁴): about 70.7, not 10⁴.
    const c = 1e-4;
    const variance = (c + c / (1 + c)) / (1 + c);
    expect(env.step(0).reward).toBeCloseTo(1 / Math.sqrt(variance + 1e-8), 6);
    expect(env.getState().count).toBeCloseTo(1 + c, 12);
  });

  it('restarts G after a truncated step and at a reset mid-episode', () => {
    const env = new NormalizeReward(new ScriptedEnv([{ reward: 2, truncated: true }, { reward: 4 }]), { gamma: 0.9 });
    env.reset();
    env.step(0);
    expect(env.returnEstimate).toBe(0);
    env.reset();
    env.step(0);
    expect(env.returnEstimate).toBe(4);
    env.reset();
    expect(env.returnEstimate).toBe(0);
  });

  it('uses but does not update the statistics while training is false', () => {
    const env = new NormalizeReward(new ScriptedEnv([{ reward: 3 }]), { training: false });
    env.setState({ shape: [], count: 5, mean: [1], var: [4] });
    env.reset();
    expect(env.step(0).reward).toBeCloseTo(3 / 2, 6);
    expect(env.getState()).toEqual({ shape: [], count: 5, mean: [1], var: [4] });
  });

  it('round-trips its statistics through JSON', () => {
    const env = new NormalizeReward(new ScriptedEnv([{ reward: 1 }, { reward: -2 }, { reward: 0.5, terminated: true }]));
    env.reset();
    for (let i = 0; i < 3; i++) env.step(0);
    const copy = new NormalizeReward(new ScriptedEnv([{ reward: 1 }]));
    copy.setState(JSON.parse(JSON.stringify(env.getState())));
    expect(copy.getState()).toEqual(env.getState());
  });

  it('rejects a bad gamma, epsilon or state', () => {
    for (const gamma of [-0.1, 1.5, NaN]) {
      expect(() => new NormalizeReward(new CorridorEnv(), { gamma })).toThrow(
        new RangeError(`NormalizeReward: gamma must be in [0, 1], got ${gamma}`),
      );
    }
    expect(() => new NormalizeReward(new CorridorEnv(), { epsilon: 0 })).toThrow(
      new RangeError('NormalizeReward: epsilon must be finite and > 0, got 0'),
    );
    const env = new NormalizeReward(new CorridorEnv());
    expect(() => env.setState({ shape: [2], count: 1, mean: [0, 0], var: [1, 1] })).toThrow(
      new RangeError('NormalizeReward.setState: state must be scalar statistics, got shape [2]'),
    );
  });
});
