import { Box, Discrete, MultiBinary, MultiDiscrete } from '@tfrl/core';
import { describe, expect, it } from 'vitest';
import {
  actionSize,
  actionSpec,
  actionSpecFromJSON,
  actionSpecToJSON,
  sameActionSpec,
  scaleToBounds,
  scaleToUnit,
  toEnvActions,
  type BoxActionSpec,
} from './action-spec.js';

const box = (low: number[], high: number[]) => new Box({ low, high });

describe('actionSpec', () => {
  it('reads a Discrete space with its start and a bounded Box with its shape and bounds', () => {
    expect(actionSpec(new Discrete(3, { start: -1 }), 'test')).toEqual({ kind: 'discrete', n: 3, start: -1 });
    const spec = actionSpec(box([-2, 0], [2, 1]), 'test') as BoxActionSpec;
    expect(spec).toMatchObject({ kind: 'box', size: 2, shape: [2] });
    expect(Array.from(spec.low)).toEqual([-2, 0]);
    expect(Array.from(spec.high)).toEqual([2, 1]);
    expect(actionSize(spec)).toBe(2);
    expect(actionSize({ kind: 'discrete', n: 5, start: 0 })).toBe(1);
  });

  it('flattens a multi-dimensional Box', () => {
    const spec = actionSpec(new Box({ low: -1, high: 1, shape: [2, 3] }), 'test');
    expect(spec).toMatchObject({ kind: 'box', size: 6, shape: [2, 3] });
  });

  it('rejects an unbounded Box with a TypeError naming the caller', () => {
    expect(() => actionSpec(box([-Infinity, 0], [1, 1]), 'PPO.learn')).toThrow(TypeError);
    expect(() => actionSpec(box([0], [Infinity]), 'PPO.learn')).toThrow(/^PPO.learn: Box action spaces need finite bounds/);
  });

  it('rejects MultiDiscrete and MultiBinary, and kinds not allowed', () => {
    expect(() => actionSpec(new MultiDiscrete([2, 3]), 'X')).toThrow(TypeError);
    expect(() => actionSpec(new MultiDiscrete([2, 3]), 'X')).toThrow('X: needs a Discrete or Box action space, got');
    expect(() => actionSpec(new MultiBinary(3), 'X')).toThrow(TypeError);
    expect(() => actionSpec(new Discrete(2), 'SAC.learn', ['box'])).toThrow('SAC.learn: needs a Box action space');
    expect(() => actionSpec(box([0], [1]), 'DQN', ['discrete'])).toThrow('DQN: needs a Discrete action space');
  });
});

describe('toEnvActions', () => {
  it('shifts Discrete indices by start into an Int32Array', () => {
    const out = toEnvActions({ kind: 'discrete', n: 3, start: 5 }, Int32Array.of(0, 2, 1));
    expect(out).toBeInstanceOf(Int32Array);
    expect(Array.from(out)).toEqual([5, 7, 6]);
  });

  it('clips Box actions to the bounds of each dimension, leaving the input alone', () => {
    const spec = actionSpec(box([-2, 0], [2, 1]), 'test');
    const raw = Float32Array.of(-3, 0.5, 1.5, 7, 2.5, -0.25);
    const out = toEnvActions(spec, raw);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([-2, 0.5, 1.5, 1, 2, 0]);
    expect(Array.from(raw)).toEqual([-3, 0.5, 1.5, 7, 2.5, -0.25]);
  });
});

describe('scaleToBounds / scaleToUnit', () => {
  const spec = actionSpec(box([-2, 0], [2, 10]), 'test') as BoxActionSpec;

  it('maps [−1, 1] to [low, high] per dimension (hand-computed)', () => {
    // dim 0: −2 + 0.5·(u + 1)·4; dim 1: 0 + 0.5·(u + 1)·10.
    expect(Array.from(scaleToBounds(spec, Float32Array.of(-1, 0.5, 1, -1)))).toEqual([-2, 7.5, 2, 0]);
    expect(Array.from(scaleToUnit(spec, [-2, 7.5, 2, 0]))).toEqual([-1, 0.5, 1, -1]);
  });

  it('are inverse of each other', () => {
    const unit = Float32Array.of(-0.3, 0.9, 0.25, -0.75);
    const back = scaleToUnit(spec, scaleToBounds(spec, unit));
    unit.forEach((u, i) => expect(back[i]).toBeCloseTo(u, 6));
  });
});

describe('action spec JSON', () => {
  it('round-trips and compares', () => {
    const specs = [actionSpec(new Discrete(4, { start: 1 }), 't'), actionSpec(new Box({ low: -1, high: 2, shape: [2, 2] }), 't')];
    for (const spec of specs) {
      const json = JSON.parse(JSON.stringify(actionSpecToJSON(spec)));
      const back = actionSpecFromJSON(json);
      expect(sameActionSpec(back, spec)).toBe(true);
      expect(actionSize(back)).toBe(actionSize(spec));
    }
    expect(sameActionSpec(specs[0]!, specs[1]!)).toBe(false);
    expect(sameActionSpec(specs[0]!, { kind: 'discrete', n: 4, start: 0 })).toBe(false);
  });
});
