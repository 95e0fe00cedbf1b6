import { describe, expect, it } from 'vitest';
import { checkEnvContract, describeEnvContract, type EnvContractCheck } from '@tfrl/testing';
import { NormalizeObservation } from './normalize-observation.js';
import { CorridorEnv, PointEnv } from './test-envs.js';

const frozenState = { shape: [2], count: 100, mean: [0.5, -0.25], var: [0.25, 4] };

describeEnvContract('NormalizeObservation(PointEnv), frozen statistics', () => {
  const env = new NormalizeObservation(new PointEnv(), { training: false });
  env.setState(frozenState);
  return env;
});

describe('NormalizeObservation', () => {
  it('satisfies the Env contract while training, except reseeded determinism (the statistics move on)', () => {
    const checks: EnvContractCheck[] = ['reset', 'step', 'stepAfterEnd', 'invalidActions', 'flatten', 'close'];
    expect(checkEnvContract(() => new NormalizeObservation(new PointEnv()), {}, checks)).toEqual([]);
  });

  it('returns (obs − μ)/√(σ² + ε) with the statistics of every observation so far, this one included', () => {
    const env = new NormalizeObservation(new PointEnv());
    // Exact statistics (no prior) make the arithmetic checkable by hand.
    env.setState({ shape: [2], count: 0, mean: [0, 0], var: [1, 1] });
    // The first observation is its own mean: 0 / √(0 + ε) = 0.
    expect(env.reset({ options: { position: 1 } }).observation).toEqual(Float32Array.of(0, 0));
    // Observations [1, 0] and [1.5, 1]: μ = [1.25, 0.5], σ² = [0.0625, 0.25], so both normalise to ≈ 1.
    const second = env.step(Float32Array.of(1)).observation;
    expect(second[0]).toBeCloseTo(0.25 / Math.sqrt(0.0625 + 1e-8), 6);
    expect(second[1]).toBeCloseTo(0.5 / Math.sqrt(0.25 + 1e-8), 6);
    expect(env.getState()).toEqual({ shape: [2], count: 2, mean: [1.25, 0.5], var: [0.0625, 0.25] });
  });

  it("starts from Gymnasium's prior: count 1e-4, mean 0, variance 1", () => {
    const env = new NormalizeObservation(new PointEnv());
    // Merging x into (c = 1e-4, μ = 0, σ² = 1): μ = x/(1 + c), σ² = (c + x²·c/(1 + c))/(1 + c).
    const c = 1e-4;
    const observation = env.reset({ options: { position: 1 } }).observation; // [1, 0]
    const mean = 1 / (1 + c);
    const variance = (c + c / (1 + c)) / (1 + c);
    expect(observation[0]).toBeCloseTo((1 - mean) / Math.sqrt(variance + 1e-8), 5);
    expect(observation[1]).toBe(0);
  });

  it('uses but does not update the statistics while training is false', () => {
    const env = new NormalizeObservation(new PointEnv());
    env.setState(frozenState);
    env.training = false;
    const observation = env.reset({ options: { position: 1 } }).observation;
    // [1, 0]: ((1 − 0.5)/√0.25, (0 + 0.25)/√4) = (1, 0.125).
    expect(observation[0]).toBeCloseTo(1, 6);
    expect(observation[1]).toBeCloseTo(0.125, 6);
    expect(env.getState()).toEqual(frozenState);
    env.training = true;
    env.step(Float32Array.of(0));
    expect(env.getState().count).toBe(101);
  });

  it('round-trips its statistics through JSON', () => {
    const env = new NormalizeObservation(new PointEnv());
    env.reset({ seed: 3 });
    for (let i = 0; i < 3; i++) env.step(Float32Array.of(0.5 - i * 0.25));
    const state = JSON.parse(JSON.stringify(env.getState()));
    const copy = new NormalizeObservation(new PointEnv(), { training: false });
    copy.setState(state);
    env.training = false;
    expect(copy.getState()).toEqual(env.getState());
    expect(copy.reset({ seed: 7 }).observation).toEqual(env.reset({ seed: 7 }).observation);
  });

  it('has an unbounded float32 Box of the inner shape as observation space', () => {
    const env = new NormalizeObservation(new PointEnv());
    expect(String(env.observationSpace)).toBe('Box(-inf, inf, [2], float32)');
    expect(env.actionSpace).toBe(env.env.actionSpace);
  });

  it('rejects non-Box observation spaces, a bad epsilon and a state of the wrong size', () => {
    expect(() => new NormalizeObservation(new CorridorEnv() as never)).toThrow(
      new TypeError("NormalizeObservation: the env's observation space must be a Box, got Discrete(5)"),
    );
    for (const epsilon of [0, -1, NaN, Infinity]) {
      expect(() => new NormalizeObservation(new PointEnv(), { epsilon })).toThrow(
        new RangeError(`NormalizeObservation: epsilon must be finite and > 0, got ${epsilon}`),
      );
    }
    const env = new NormalizeObservation(new PointEnv());
    expect(() => env.setState({ shape: [3], count: 1, mean: [0, 0, 0], var: [1, 1, 1] })).toThrow(
      new RangeError('NormalizeObservation.setState: state has 3 elements, the observation space 2'),
    );
    expect(() => env.setState({ shape: [2], count: 1, mean: [0, NaN], var: [1, 1] })).toThrow(RangeError);
  });
});
