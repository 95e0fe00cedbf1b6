import { describe, expect, it } from 'vitest';
import { describeEnvContract } from '@tfrl/testing';
import { BoxActionEnv, CorridorEnv, PointEnv, ScriptedEnv } from './test-envs.js';

describeEnvContract('PointEnv', () => new PointEnv());
describeEnvContract('CorridorEnv', () => new CorridorEnv());
describeEnvContract('BoxActionEnv', () => new BoxActionEnv({ low: [-2, 0], high: [2, 10] }));

describe('test envs', () => {
  it('PointEnv moves by half the action and ends at |position| = 2', () => {
    const env = new PointEnv();
    expect(env.reset({ options: { position: 1.5 } }).observation).toEqual(Float32Array.of(1.5, 0));
    const step = env.step(Float32Array.of(1));
    expect(step.observation).toEqual(Float32Array.of(2, 1));
    expect(step).toMatchObject({ reward: -4, terminated: true, truncated: false });
  });

  it('PointEnv with clipActions clips finite out-of-bounds actions and still rejects NaN', () => {
    const env = new PointEnv({ clipActions: true });
    env.reset({ options: { position: 0 } });
    expect(env.step(Float32Array.of(5)).observation).toEqual(Float32Array.of(0.5, 1));
    expect(() => env.step(Float32Array.of(NaN))).toThrow(RangeError);
  });

  it('ScriptedEnv plays its script back across episodes', () => {
    const env = new ScriptedEnv([{ reward: 1 }, { reward: 2, terminated: true }]);
    env.reset();
    expect(env.step(0).reward).toBe(1);
    expect(env.step(0)).toMatchObject({ reward: 2, terminated: true });
    expect(() => env.step(0)).toThrow(/after the episode ended/);
    env.reset();
    expect(env.step(1).reward).toBe(1);
  });
});
