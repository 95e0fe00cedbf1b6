import { describe, expect, it } from 'vitest';
import { Discrete } from '@tfrl/core';
import { describeEnvContract } from '@tfrl/testing';
import { OneHotObservation } from './one-hot-observation.js';
import { CorridorEnv, PointEnv } from './test-envs.js';
import { TransformObservation } from './transform-observation.js';

describeEnvContract('OneHotObservation(CorridorEnv)', () => new OneHotObservation(new CorridorEnv()));

describe('OneHotObservation', () => {
  it('returns a one-hot Float32Array in Box(0, 1, [n])', () => {
    const env = new OneHotObservation(new CorridorEnv(4));
    expect(env.n).toBe(4);
    expect(String(env.observationSpace)).toBe('Box(0, 1, [4], float32)');
    expect(env.reset({ options: { cell: 0 } }).observation).toEqual(Float32Array.of(1, 0, 0, 0));
    expect(env.step(1).observation).toEqual(Float32Array.of(0, 1, 0, 0));
    expect(env.step(0).observation).toEqual(Float32Array.of(1, 0, 0, 0));
  });

  it('puts the 1 at observation − start', () => {
    const shifted = new TransformObservation(new CorridorEnv(3), (o: number) => o + 5, new Discrete(3, { start: 5 }));
    const env = new OneHotObservation(shifted);
    expect(env.reset({ options: { cell: 1 } }).observation).toEqual(Float32Array.of(0, 1, 0));
  });

  it('rejects a non-Discrete observation space, naming it', () => {
    expect(() => new OneHotObservation(new PointEnv() as never)).toThrow(
      new TypeError("OneHotObservation: the env's observation space must be a Discrete, got Box([-2, -1], [2, 1], [2], float32)"),
    );
  });

  it('throws when the inner env returns an observation outside its space', () => {
    const broken = new TransformObservation(new CorridorEnv(3), () => 7, new Discrete(3));
    expect(() => new OneHotObservation(broken).reset()).toThrow(
      new RangeError('OneHotObservation: the env returned observation 7, outside its space'),
    );
  });
});
