import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { linear } from './linear.js';
import { maxRelativeDifference, useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

const normal = (rng: Rng, shape: number[]): tf.Tensor =>
  tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape);

describe('linear custom gradient', () => {
  it('equals the built-in matMul gradient (relative 1e-5) over random shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer(),
        fc.boolean(),
        (batch, inputs, outputs, seed, withBias) => {
          const rng = Rng.fromSeed(seed);
          tf.tidy(() => {
            const x = normal(rng, [batch, inputs]) as tf.Tensor2D;
            const w = normal(rng, [inputs, outputs]) as tf.Tensor2D;
            const b = normal(rng, [outputs]) as tf.Tensor1D;
            const upstream = normal(rng, [batch, outputs]); // a generic dL/dy
            const custom = withBias
              ? tf.grads((xi, wi, bi) => tf.sum(tf.mul(linear(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D), upstream)))([x, w, b])
              : tf.grads((xi, wi) => tf.sum(tf.mul(linear(xi as tf.Tensor2D, wi as tf.Tensor2D), upstream)))([x, w]);
            const builtIn = withBias
              ? tf.grads((xi, wi, bi) => tf.sum(tf.mul(tf.add(tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D), bi), upstream)))([x, w, b])
              : tf.grads((xi, wi) => tf.sum(tf.mul(tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D), upstream)))([x, w]);
            expect(custom.length).toBe(builtIn.length);
            custom.forEach((g, i) => {
              expect(g.shape).toEqual(builtIn[i]!.shape);
              expect(maxRelativeDifference(g.dataSync(), builtIn[i]!.dataSync())).toBeLessThan(1e-5);
            });
            const value = withBias ? linear(x, w, b) : linear(x, w);
            const expected = withBias ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w);
            expect(maxRelativeDifference(value.dataSync(), expected.dataSync())).toBeLessThan(1e-6);
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('leaks no tensor in forward or gradient', async () => {
    const rng = Rng.fromSeed(4);
    const x = normal(rng, [3, 4]) as tf.Tensor2D;
    const w = tf.variable(normal(rng, [4, 2]));
    const b = tf.variable(tf.zeros([2]));
    const optimizer = tf.train.adam(1e-2);
    await expectNoTensorLeak(() => {
      tf.dispose(tf.tidy(() => linear(x, w as tf.Tensor2D, b as tf.Tensor1D)));
      optimizer.minimize(() => tf.sum(tf.square(linear(x, w as tf.Tensor2D, b as tf.Tensor1D))), false, [w, b]);
    });
    optimizer.dispose();
    tf.dispose([x, w, b]);
  });
});
