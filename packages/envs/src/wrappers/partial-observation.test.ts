import { describe, expect, it } from 'vitest';
import { Box } from '@tfrl/core';
import { describeEnvContract } from '@tfrl/testing';
import { PartialObservation } from './partial-observation.js';
import { CorridorEnv, PointEnv } from './test-envs.js';
import { TransformObservation } from './transform-observation.js';

/** A CartPole-shaped observation [x, ẋ, θ, θ̇] made from PointEnv's [position, last action]. */
function makeCartPoleLike(): TransformObservation<Float32Array, Float32Array, Float32Array> {
  const space = new Box({ low: [-4.8, -Infinity, -0.41887903, -Infinity], high: [4.8, Infinity, 0.41887903, Infinity] });
  return new TransformObservation(new PointEnv(), (o) => Float32Array.of(o[0]!, o[1]!, o[0]! / 10, -o[1]!), space);
}

describeEnvContract('PartialObservation(CartPole-like, keep [0, 2])', () => new PartialObservation(makeCartPoleLike(), { keep: [0, 2] }));
describeEnvContract('PartialObservation(PointEnv, hide [0])', () => new PartialObservation(new PointEnv(), { hide: [0] }));

describe('PartialObservation', () => {
  it('keeps positions and drops velocities, with the kept bounds (CartPole without velocities)', () => {
    const env = new PartialObservation(makeCartPoleLike(), { keep: [0, 2] });
    expect(env.kept).toEqual([0, 2]);
    expect(env.observationSpace.toJSON()).toEqual({
      kind: 'box',
      shape: [2],
      low: [-4.800000190734863, Math.fround(-0.41887903)],
      high: [4.800000190734863, Math.fround(0.41887903)],
      dtype: 'float32',
    });
    expect(env.reset({ options: { position: 1 } }).observation).toEqual(Float32Array.of(1, 0.1));
    expect(env.step(Float32Array.of(1)).observation).toEqual(Float32Array.of(1.5, 0.15));
  });

  it('hide removes the listed elements and keeps the rest in order', () => {
    const env = new PartialObservation(makeCartPoleLike(), { hide: [3, 1] });
    expect(env.kept).toEqual([0, 2]);
    const hidePosition = new PartialObservation(new PointEnv(), { hide: [0] });
    expect(String(hidePosition.observationSpace)).toBe('Box(-1, 1, [1], float32)');
    hidePosition.reset({ options: { position: 1 } });
    expect(hidePosition.step(Float32Array.of(-0.5)).observation).toEqual(Float32Array.of(-0.5));
  });

  it('keep may reorder, and the inner dtype is kept', () => {
    const space = new Box({ low: [0, 10, 20], high: [1, 11, 21], dtype: 'float64' });
    const inner = new TransformObservation(new PointEnv(), () => Float64Array.of(0.1, 10.1, 20.1), space);
    const env = new PartialObservation(inner, { keep: [2, 0] });
    expect(String(env.observationSpace)).toBe('Box([20, 0], [21, 1], [2], float64)');
    expect(env.reset().observation).toEqual(Float64Array.of(20.1, 0.1));
  });

  it('rejects bad selections, naming the field', () => {
    const env = (): PointEnv => new PointEnv();
    expect(() => new PartialObservation(env(), { keep: [2] })).toThrow(
      new RangeError('PartialObservation: keep[0] = 2 is not an index in [0, 2)'),
    );
    expect(() => new PartialObservation(env(), { hide: [0.5] })).toThrow(
      new RangeError('PartialObservation: hide[0] = 0.5 is not an index in [0, 2)'),
    );
    expect(() => new PartialObservation(env(), { keep: [1, 1] })).toThrow(
      new RangeError('PartialObservation: keep lists index 1 twice'),
    );
    expect(() => new PartialObservation(env(), { keep: [] })).toThrow(
      new RangeError('PartialObservation: keep leaves no element of the observation'),
    );
    expect(() => new PartialObservation(env(), { hide: [1, 0] })).toThrow(
      new RangeError('PartialObservation: hide leaves no element of the observation'),
    );
    expect(() => new PartialObservation(env(), { keep: [0], hide: [1] } as never)).toThrow(
      new TypeError('PartialObservation: selection must have exactly one of keep or hide'),
    );
    expect(() => new PartialObservation(env(), { keep: 0 } as never)).toThrow(
      new TypeError('PartialObservation: keep must be an array of indices, got 0'),
    );
  });

  it('rejects a non-Box observation space, naming it', () => {
    expect(() => new PartialObservation(new CorridorEnv() as never, { keep: [0] })).toThrow(
      new TypeError("PartialObservation: the env's observation space must be a Box, got Discrete(5)"),
    );
  });
});
