import { describe, expect, it } from 'vitest';
import { describeEnvContract } from '@tfrl/testing';
import { FrameStack } from './frame-stack.js';
import { CorridorEnv, PointEnv } from './test-envs.js';

describeEnvContract('FrameStack(PointEnv, 4)', () => new FrameStack(new PointEnv(), 4));
describeEnvContract('FrameStack(CorridorEnv, 2)', () => new FrameStack(new CorridorEnv(), 2));

describe('FrameStack', () => {
  it('pads with the reset observation, then rolls the newest frame in at the end', () => {
    const env = new FrameStack(new PointEnv(), 3);
    expect(env.reset({ options: { position: 1 } }).observation).toEqual(Float32Array.of(1, 0, 1, 0, 1, 0));
    expect(env.step(Float32Array.of(1)).observation).toEqual(Float32Array.of(1, 0, 1, 0, 1.5, 1));
    expect(env.step(Float32Array.of(-1)).observation).toEqual(Float32Array.of(1, 0, 1.5, 1, 1, -1));
    expect(env.step(Float32Array.of(-0.5)).observation).toEqual(Float32Array.of(1.5, 1, 1, -1, 0.75, -0.5));
    // A new episode forgets the old frames.
    expect(env.reset({ options: { position: -1 } }).observation).toEqual(Float32Array.of(-1, 0, -1, 0, -1, 0));
  });

  it('has a Box of shape [n, ...inner shape] with the inner bounds in every frame', () => {
    const env = new FrameStack(new PointEnv(), 3);
    expect(String(env.observationSpace)).toBe('Box([-2, -1, -2, -1, -2, -1], [2, 1, 2, 1, 2, 1], [3, 2], float32)');
    const discrete = new FrameStack(new CorridorEnv(3), 2);
    expect(String(discrete.observationSpace)).toBe('Box(0, 1, [2, 3], float32)');
    expect(discrete.reset({ options: { cell: 0 } }).observation).toEqual(Float32Array.of(1, 0, 0, 1, 0, 0));
    expect(discrete.step(1).observation).toEqual(Float32Array.of(1, 0, 0, 0, 1, 0));
  });

  it('returns a fresh array each time', () => {
    const env = new FrameStack(new PointEnv(), 2);
    const first = env.reset({ options: { position: 0 } }).observation;
    first.fill(9);
    expect(env.step(Float32Array.of(1)).observation).toEqual(Float32Array.of(0, 0, 0.5, 1));
  });

  it('with stackSize 1 is the flattened observation', () => {
    const env = new FrameStack(new PointEnv(), 1);
    expect(env.reset({ options: { position: 0.5 } }).observation).toEqual(Float32Array.of(0.5, 0));
  });

  it('rejects a stackSize that is not a positive integer', () => {
    for (const stackSize of [0, -2, 1.5, NaN]) {
      expect(() => new FrameStack(new PointEnv(), stackSize)).toThrow(
        new RangeError(`FrameStack: stackSize must be a positive integer, got ${stackSize}`),
      );
    }
  });
});
