import { describe, expect, it } from 'vitest';
import { describeEnvContract } from '@tfrl/testing';
import { CorridorEnv, ScriptedEnv } from './test-envs.js';
import { TransformReward } from './transform-reward.js';

describeEnvContract('TransformReward(CorridorEnv, sign)', () => new TransformReward(new CorridorEnv(), Math.sign));

describe('TransformReward', () => {
  it('returns fn(reward) and leaves the rest of the step alone', () => {
    const env = new TransformReward(new ScriptedEnv([{ reward: 3 }, { reward: -0.5, terminated: true }]), (r) => 0.1 * r + 1);
    env.reset();
    expect(env.step(0)).toEqual({ observation: Float32Array.of(1), reward: 1.3, terminated: false, truncated: false, info: {} });
    expect(env.step(0)).toMatchObject({ reward: 0.95, terminated: true });
  });

  it('rejects a non-function fn', () => {
    expect(() => new TransformReward(new CorridorEnv(), undefined as never)).toThrow(
      new TypeError('TransformReward: fn must be a function, got undefined'),
    );
  });
});
