import { describe, expect, it } from 'vitest';
import { Box, type Env } from '@tfrl/core';
import { describeEnvContract } from '@tfrl/testing';
import { RescaleAction } from './rescale-action.js';
import { BoxActionEnv, CorridorEnv, PointEnv } from './test-envs.js';

describeEnvContract('RescaleAction(PointEnv, 0, 4)', () => new RescaleAction(new PointEnv(), 0, 4));

describe('RescaleAction', () => {
  it('maps [min, max] affinely onto the inner bounds: both ends and the middle', () => {
    // Inner Box([-2, 0], [2, 10]); outer [-1, 1] on both elements.
    const inner = new BoxActionEnv({ low: [-2, 0], high: [2, 10] });
    const env = new RescaleAction(inner, -1, 1);
    env.reset();
    const action = Float32Array.of(-1, 1);
    env.step(action);
    env.step(Float32Array.of(1, -1));
    env.step(Float32Array.of(0, 0));
    env.step(Float32Array.of(0.5, -0.5));
    expect(inner.received).toEqual([
      Float32Array.of(-2, 10),
      Float32Array.of(2, 0),
      Float32Array.of(0, 5),
      Float32Array.of(1, 2.5),
    ]);
    expect(action).toEqual(Float32Array.of(-1, 1)); // the caller's array is not modified
  });

  it('takes one bound per element and has Box(minAction, maxAction) as action space', () => {
    const inner = new BoxActionEnv({ low: [-2, 0], high: [2, 10] });
    const env = new RescaleAction(inner, [0, -5], [4, 5]);
    expect(String(env.actionSpace)).toBe('Box([0, -5], [4, 5], [2], float32)');
    env.reset();
    env.step(Float32Array.of(1, 5));
    expect(inner.received).toEqual([Float32Array.of(-1, 10)]);
    expect(String(new RescaleAction(new PointEnv(), 0, 4).actionSpace)).toBe('Box(0, 4, [1], float32)');
  });

  it('keeps the inner dtype', () => {
    const inner = new BoxActionEnv({ low: 0, high: 1, shape: [1], dtype: 'float64' });
    const env = new RescaleAction(inner, -1, 1);
    env.reset();
    env.step(Float64Array.of(0.1));
    expect(inner.received[0]).toBeInstanceOf(Float64Array);
    expect(inner.received[0]![0]).toBeCloseTo(0.55, 15);
  });

  it('throws for actions outside [min, max] without stepping the inner env', () => {
    const inner = new BoxActionEnv({ low: -2, high: 2, shape: [1] });
    const env = new RescaleAction(inner, -1, 1);
    env.reset();
    for (const action of [Float32Array.of(1.5), Float32Array.of(NaN), Float32Array.of(0, 0)]) {
      expect(() => env.step(action)).toThrow(/^RescaleAction: action .* is not in Box\(-1, 1, \[1\], float32\)$/);
    }
    expect(inner.received).toEqual([]);
  });

  it('rejects inner spaces it cannot rescale onto', () => {
    expect(() => new RescaleAction(new CorridorEnv() as never, -1, 1)).toThrow(
      new TypeError("RescaleAction: the env's action space must be a Box, got Discrete(2)"),
    );
    const unbounded = new BoxActionEnv({ low: -Infinity, high: 1, shape: [1] });
    expect(() => new RescaleAction(unbounded, -1, 1)).toThrow(
      new TypeError("RescaleAction: the env's action space must be a bounded float Box, got Box(-inf, 1, [1], float32)"),
    );
    const int32 = { ...new PointEnv(), actionSpace: new Box({ low: 0, high: 3, shape: [1], dtype: 'int32' }) };
    expect(() => new RescaleAction(int32 as unknown as Env<unknown, Float32Array>, -1, 1)).toThrow(/bounded float Box/);
  });

  it('rejects bad minAction and maxAction, naming the field', () => {
    const env = (): BoxActionEnv => new BoxActionEnv({ low: -2, high: 2, shape: [2] });
    expect(() => new RescaleAction(env(), 1, 1)).toThrow(
      new RangeError('RescaleAction: minAction[0] = 1 must be < maxAction[0] = 1'),
    );
    expect(() => new RescaleAction(env(), [0, 2], [1, 1])).toThrow(
      new RangeError('RescaleAction: minAction[1] = 2 must be < maxAction[1] = 1'),
    );
    expect(() => new RescaleAction(env(), -1, [1, 1, 1])).toThrow(
      new RangeError('RescaleAction: maxAction must be a number or 2 numbers, got [1,1,1]'),
    );
    expect(() => new RescaleAction(env(), -Infinity, 1)).toThrow(
      new RangeError('RescaleAction: minAction[0] must be finite, got -Infinity'),
    );
    expect(() => new RescaleAction(env(), 1, 1 + 1e-12)).toThrow(
      new RangeError('RescaleAction: minAction[0] and maxAction[0] are equal in float32'),
    );
  });
});
