import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { hardUpdate, polyakUpdate } from './target-update.js';
import { useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

describe('target updates', () => {
  it('hardUpdate copies the values; later source changes do not reach the target', () => {
    const source: tf.Variable[] = [tf.variable(tf.tensor2d([[1, 2]])), tf.variable(tf.tensor1d([3]))];
    const target = [tf.variable(tf.zeros([1, 2])), tf.variable(tf.zeros([1]))];
    hardUpdate(target, source);
    expect(Array.from(target[0]!.dataSync())).toEqual([1, 2]);
    expect(Array.from(target[1]!.dataSync())).toEqual([3]);
    tf.tidy(() => source[0]!.assign(tf.tensor2d([[9, 9]])));
    expect(Array.from(target[0]!.dataSync())).toEqual([1, 2]);
    source[1]!.dispose();
    expect(Array.from(target[1]!.dataSync())).toEqual([3]);
    tf.dispose([source[0]!, ...target]);
  });

  it("polyakUpdate θ' ← τθ + (1−τ)θ' (by hand)", () => {
    const source = [tf.variable(tf.tensor1d([1, 10]))];
    const target = [tf.variable(tf.tensor1d([0, 0]))];
    polyakUpdate(target, source, 0.1);
    expect(Array.from(target[0]!.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([0.1, 1]);
    polyakUpdate(target, source, 0.1);
    expect(Array.from(target[0]!.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([0.19, 1.9]);
    polyakUpdate(target, source, 1);
    expect(Array.from(target[0]!.dataSync())).toEqual([1, 10]);
    const other = tf.variable(tf.tensor1d([5, 5]));
    polyakUpdate(target, [other], 0);
    expect(Array.from(target[0]!.dataSync())).toEqual([1, 10]);
    tf.dispose([...source, ...target, other]);
  });

  it('validates lengths, shapes, dtypes and tau', () => {
    const a = tf.variable(tf.zeros([2]));
    const b = tf.variable(tf.zeros([3]));
    const c = tf.variable(tf.zeros([2], 'int32'));
    expect(() => hardUpdate([a], [a, b])).toThrow(/1 variables, source 2/);
    expect(() => hardUpdate([a], [b])).toThrow(/variable 0 differs/);
    expect(() => polyakUpdate([a], [c], 0.5)).toThrow(/int32/);
    expect(() => polyakUpdate([a], [a], 1.5)).toThrow(/tau must be in \[0, 1\]/);
    expect(() => polyakUpdate([a], [a], NaN)).toThrow(/tau/);
    tf.dispose([a, b, c]);
  });

  it('leaks no tensor', async () => {
    const source = [tf.variable(tf.ones([3, 3]))];
    const target = [tf.variable(tf.zeros([3, 3]))];
    await expectNoTensorLeak(() => {
      polyakUpdate(target, source, 0.005);
      hardUpdate(target, source);
    });
    tf.dispose([...source, ...target]);
  });
});
