import { describe, expect, it } from 'vitest';
import { Box, DictSpace, Discrete, type Env } from '@tfrl/core';
import { describeEnvContract } from '@tfrl/testing';
import { FlattenObservation } from './flatten-observation.js';
import { CorridorEnv, PointEnv } from './test-envs.js';
import { TransformObservation } from './transform-observation.js';

/** PointEnv seen as a Dict { position: Box([-2], [2]), side: Discrete(2) } (1 when position > 0). */
function makeDictEnv(): TransformObservation<{ position: Float32Array; side: number }, Float32Array, Float32Array> {
  const space = new DictSpace({ position: new Box({ low: -2, high: 2, shape: [1] }), side: new Discrete(2) });
  return new TransformObservation(
    new PointEnv(),
    (o) => ({ position: o.slice(0, 1), side: o[0]! > 0 ? 1 : 0 }),
    space,
  );
}

describeEnvContract('FlattenObservation(CorridorEnv)', () => new FlattenObservation(new CorridorEnv()));
describeEnvContract('FlattenObservation(Dict env)', () => new FlattenObservation(makeDictEnv()));

describe('FlattenObservation', () => {
  it('one-hot encodes a Discrete observation in Box(0, 1, [n])', () => {
    const env = new FlattenObservation(new CorridorEnv());
    expect(String(env.observationSpace)).toBe('Box(0, 1, [5], float32)');
    expect(env.reset({ options: { cell: 2 } }).observation).toEqual(Float32Array.of(0, 0, 1, 0, 0));
    expect(env.step(1).observation).toEqual(Float32Array.of(0, 0, 0, 1, 0));
  });

  it('concatenates a Dict in sorted key order, with the flattened bounds', () => {
    const env = new FlattenObservation(makeDictEnv());
    // "position" < "side": [position, side one-hot (2)].
    expect(String(env.observationSpace)).toBe('Box([-2, 0, 0], [2, 1, 1], [3], float32)');
    expect(env.reset({ options: { position: 0.5 } }).observation).toEqual(Float32Array.of(0.5, 0, 1));
    expect(env.step(Float32Array.of(-1)).observation).toEqual(Float32Array.of(0, 1, 0));
  });

  it('flattens a multi-dimensional Box row-major and keeps its bounds', () => {
    const space = new Box({ low: [-1, -2, -3, -4], high: [1, 2, 3, 4], shape: [2, 2], dtype: 'float64' });
    const inner = new TransformObservation(new PointEnv(), (o) => Float64Array.of(o[0]!, o[1]!, 0, 0), space);
    const env = new FlattenObservation(inner);
    expect(String(env.observationSpace)).toBe('Box([-1, -2, -3, -4], [1, 2, 3, 4], [4], float32)');
    expect(env.reset({ options: { position: 0.25 } }).observation).toEqual(Float32Array.of(0.25, 0, 0, 0));
  });

  it('rejects an env without an observation Space', () => {
    const broken = { ...new PointEnv(), observationSpace: { kind: 'box' } } as unknown as Env;
    expect(() => new FlattenObservation(broken)).toThrow(
      new TypeError('FlattenObservation: the env\'s observation space must be a Space, got {"kind":"box"}'),
    );
  });
});
