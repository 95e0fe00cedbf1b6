import { describe, expect, it } from 'vitest';
import { describeEnvContract } from '@tfrl/testing';
import { ClipAction } from './clip-action.js';
import { BoxActionEnv, CorridorEnv, PointEnv } from './test-envs.js';

describeEnvContract('ClipAction(PointEnv)', () => new ClipAction(new PointEnv()));

describe('ClipAction', () => {
  it('clips each element into the inner bounds and leaves in-bounds values alone', () => {
    const inner = new BoxActionEnv({ low: [-2, 0], high: [2, 10] });
    const env = new ClipAction(inner);
    env.reset();
    const action = Float32Array.of(5, -3);
    env.step(action);
    env.step(Float32Array.of(-2.5, 4.5));
    env.step(Float32Array.of(1e30, 10));
    expect(inner.received).toEqual([Float32Array.of(2, 0), Float32Array.of(-2, 4.5), Float32Array.of(2, 10)]);
    expect(action).toEqual(Float32Array.of(5, -3)); // the caller's array is not modified
  });

  it('has the unbounded Box of the inner shape and dtype as action space (Gymnasium 1.x)', () => {
    expect(String(new ClipAction(new PointEnv()).actionSpace)).toBe('Box(-inf, inf, [1], float32)');
    const float64 = new ClipAction(new BoxActionEnv({ low: -1, high: 1, shape: [3], dtype: 'float64' }));
    expect(String(float64.actionSpace)).toBe('Box(-inf, inf, [3], float64)');
    expect(float64.observationSpace).toBe(float64.env.observationSpace);
  });

  it('throws for NaN, infinite and wrong-length actions without stepping the inner env', () => {
    const inner = new BoxActionEnv({ low: -1, high: 1, shape: [2] });
    const env = new ClipAction(inner);
    env.reset();
    for (const action of [Float32Array.of(NaN, 0), Float32Array.of(Infinity, 0), Float32Array.of(0), Float64Array.of(0, 0)]) {
      expect(() => env.step(action as Float32Array)).toThrow(/^ClipAction: action .* is not in Box\(-inf, inf, \[2\], float32\)/);
    }
    expect(inner.received).toEqual([]);
  });

  it('rejects an env whose action space is not a Box', () => {
    expect(() => new ClipAction(new CorridorEnv() as never)).toThrow(
      new TypeError("ClipAction: the env's action space must be a Box, got Discrete(2)"),
    );
  });
});
