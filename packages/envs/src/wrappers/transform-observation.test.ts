import { describe, expect, it } from 'vitest';
import { Box } from '@tfrl/core';
import { describeEnvContract } from '@tfrl/testing';
import { PointEnv } from './test-envs.js';
import { TransformObservation } from './transform-observation.js';

const doubled = new Box({ low: [-4, -2], high: [4, 2] });
const double = (o: Float32Array): Float32Array => o.map((x) => 2 * x);

describeEnvContract('TransformObservation(PointEnv, 2x)', () => new TransformObservation(new PointEnv(), double, doubled));

describe('TransformObservation', () => {
  it('applies fn to the observations of reset and step and reports the given space', () => {
    const env = new TransformObservation(new PointEnv(), double, doubled);
    expect(env.observationSpace).toBe(doubled);
    expect(env.reset({ options: { position: 0.75 } }).observation).toEqual(Float32Array.of(1.5, 0));
    const step = env.step(Float32Array.of(1));
    expect(step.observation).toEqual(Float32Array.of(2.5, 2));
    expect(step.reward).toBe(-1.5625); // rewards pass through
  });

  it('keeps the inner observation space when none is given', () => {
    const inner = new PointEnv();
    const env = new TransformObservation(inner, (o: Float32Array) => o.map((x) => x / 2));
    expect(env.observationSpace).toBe(inner.observationSpace);
  });

  it('rejects a non-function fn and a non-Space observationSpace', () => {
    expect(() => new TransformObservation(new PointEnv(), 3 as never)).toThrow(
      new TypeError('TransformObservation: fn must be a function, got number'),
    );
    expect(() => new TransformObservation(new PointEnv(), double, { kind: 'box' } as never)).toThrow(
      new TypeError('TransformObservation: observationSpace must be a Space, got {"kind":"box"}'),
    );
  });
});
