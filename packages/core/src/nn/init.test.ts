import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { createVariable, glorotUniform, heUniform, orthogonal, variableName, zeros } from './init.js';
import { useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

/** Gram matrix of the columns (rows = false) or rows (rows = true) of a row-major matrix. */
function gram(w: Float32Array, rows: number, cols: number, ofRows: boolean): number[][] {
  const n = ofRows ? rows : cols;
  const len = ofRows ? cols : rows;
  const at = (i: number, k: number): number => (ofRows ? w[i * cols + k]! : w[k * cols + i]!);
  const g: number[][] = [];
  for (let i = 0; i < n; i++) {
    g.push([]);
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < len; k++) dot += at(i, k) * at(j, k);
      g[i]!.push(dot);
    }
  }
  return g;
}

describe('initialisers', () => {
  it('glorotUniform and heUniform stay inside their limits, use the whole range, and are seeded', () => {
    const w = glorotUniform(Rng.fromSeed(1), 30, 20);
    const limit = Math.sqrt(6 / 50);
    expect(w.length).toBe(600);
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * limit);
    expect(glorotUniform(Rng.fromSeed(1), 30, 20)).toEqual(w);
    const he = heUniform(Rng.fromSeed(2), 24, 10);
    expect(Math.max(...he.map(Math.abs))).toBeLessThanOrEqual(0.5); // √(6/24)
    expect(Math.max(...he.map(Math.abs))).toBeGreaterThan(0.45);
  });

  it('orthogonal gives orthonormal columns (tall) or rows (wide) times the gain', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer(), fc.double({ min: 0.1, max: 3, noNaN: true }), (rows, cols, seed, gain) => {
        const w = orthogonal(Rng.fromSeed(seed), rows, cols, gain);
        expect(w.length).toBe(rows * cols);
        const g = gram(w, rows, cols, rows < cols);
        g.forEach((row, i) => row.forEach((value, j) => expect(Math.abs(value - (i === j ? gain * gain : 0))).toBeLessThan(1e-5 * gain * gain + 1e-6)));
      }),
      { numRuns: 60 },
    );
  });

  it('orthogonal of a 2×2 matrix is a rotation or reflection with unit columns', () => {
    const w = orthogonal(Rng.fromSeed(3), 2, 2);
    expect(Math.abs(Math.abs(w[0]! * w[3]! - w[1]! * w[2]!) - 1)).toBeLessThan(1e-6);
  });

  it('zeros and input validation', () => {
    expect(zeros(3)).toEqual(new Float32Array(3));
    expect(zeros(2, 3).length).toBe(6);
    expect(() => glorotUniform(Rng.fromSeed(0), 0, 3)).toThrow(/positive integers/);
    expect(() => orthogonal(Rng.fromSeed(0), 2.5, 3)).toThrow(/positive integers/);
  });
});

describe('createVariable', () => {
  it('reshapes the values, checks the size and keeps the requested name across duplicates', () => {
    const before = tf.memory().numTensors;
    const a = createVariable(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], 'init_test/w');
    const b = createVariable(new Float32Array(6), [2, 3], 'init_test/w', false);
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.name).toBe('init_test/w');
    expect(b.name).not.toBe(a.name);
    expect(variableName(b)).toBe('init_test/w');
    expect(b.trainable).toBe(false);
    expect(tf.memory().numTensors).toBe(before + 2); // the initial tensors were freed
    const ints = createVariable(new Int32Array([1, 2]), [2], 'init_test/i');
    expect(ints.dtype).toBe('int32');
    expect(() => createVariable(new Float32Array(5), [2, 3], 'init_test/bad')).toThrow(/5 values do not fill shape \[2, 3\]/);
    tf.dispose([a, b, ints]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
