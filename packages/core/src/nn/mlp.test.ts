import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the built-in gradients we compare against
import fc from 'fast-check';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { createAdam } from './adam.js';
import type { LinearActivation } from './linear.js';
import { mlp, type Mlp } from './mlp.js';

beforeAll(async () => {
  tf.enableProdMode();
  expect(await tf.setBackend('cpu')).toBe(true);
});

let counter = 0;
const uniqueName = () => `mlp_test_${counter++}`;

/** Expects the tensor count after 1 call of `fn` to equal the count after 5. */
/** The same network from built-in ops: plain matMul, add and activation (built-in gradients). */
function referenceApply(net: Mlp, x: tf.Tensor2D, activation: LinearActivation, outputActivation: LinearActivation) {
  const act = (name: LinearActivation, z: tf.Tensor2D): tf.Tensor2D =>
    name === 'relu' ? tf.relu(z) : name === 'elu' ? tf.elu(z) : name === 'tanh' ? tf.tanh(z) : z;
  return net.layers.reduce(
    (h, { weight, bias }, i) =>
      act(i + 1 === net.layers.length ? outputActivation : activation, tf.add(tf.matMul(h, weight), bias)),
    x,
  );
}

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-3;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

describe('mlp', () => {
  it('maps [batch, in] to [batch, out] with variables [W1, b1, W2, b2, …] of the right shapes', () => {
    const net = mlp({ inputSize: 4, hiddenSizes: [8, 6], outputSize: 2, activation: 'relu', rng: Rng.fromSeed(0), name: uniqueName() });
    const y = tf.tidy(() => net.apply(tf.zeros([5, 4])));
    expect(y.shape).toEqual([5, 2]);
    expect(net.trainableVariables().map((v) => v.shape)).toEqual([[4, 8], [8], [8, 6], [6], [6, 2], [2]]);
    expect(net.trainableVariables().every((v) => v.trainable)).toBe(true);
    expect(Array.from(net.layers[1]!.bias.dataSync())).toEqual(new Array(6).fill(0));
    const single = mlp({ inputSize: 3, hiddenSizes: [], outputSize: 1, activation: 'tanh', rng: Rng.fromSeed(0), name: uniqueName() });
    expect(single.trainableVariables().map((v) => v.shape)).toEqual([[3, 1], [1]]);
    tf.dispose(y);
    net.dispose();
    single.dispose();
  });

  it('draws the same weights from the same seed and different ones from another seed', () => {
    const make = (seed: number, init: 'glorot' | 'he' | 'orthogonal') =>
      mlp({ inputSize: 5, hiddenSizes: [7], outputSize: 3, activation: 'tanh', rng: Rng.fromSeed(seed), init, name: uniqueName() });
    for (const init of ['glorot', 'he', 'orthogonal'] as const) {
      const [a, b, c] = [make(1, init), make(1, init), make(2, init)];
      const values = (net: Mlp) => net.trainableVariables().flatMap((v) => Array.from(v.dataSync()));
      expect(values(a)).toEqual(values(b));
      expect(values(a)).not.toEqual(values(c));
      for (const net of [a, b, c]) net.dispose();
    }
  });

  it('uses orthogonal weights with gain √2 on hidden layers and 1 on the output layer', () => {
    const net = mlp({ inputSize: 6, hiddenSizes: [6], outputSize: 6, activation: 'relu', rng: Rng.fromSeed(3), init: 'orthogonal', name: uniqueName() });
    const gram = (w: tf.Variable) => tf.tidy(() => tf.matMul(w as tf.Tensor2D, w as tf.Tensor2D, true, false).dataSync());
    const eye = (g: number) => Array.from({ length: 36 }, (_, k) => (k % 7 === 0 ? g * g : 0));
    expect(relativeDifference(gram(net.layers[0]!.weight), eye(Math.SQRT2))).toBeLessThan(1e-5);
    expect(relativeDifference(gram(net.layers[1]!.weight), eye(1))).toBeLessThan(1e-5);
    net.dispose();
  });

  it('rejects sizes that are not positive integers', () => {
    const config = { inputSize: 4, hiddenSizes: [8], outputSize: 2, activation: 'relu' as const, rng: Rng.fromSeed(0), name: uniqueName() };
    expect(() => mlp({ ...config, hiddenSizes: [0] })).toThrow(/positive integers/);
    expect(() => mlp({ ...config, inputSize: 2.5 })).toThrow(/positive integers/);
  });

  it('matches the built-in forward pass and gradients (1e-5 relative) over random architectures', () => {
    const activation = fc.constantFrom<LinearActivation>('relu', 'tanh', 'elu', 'linear');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 20 }),
        activation,
        activation,
        fc.integer({ min: 0, max: 1_000_000 }),
        (inputSize, hiddenSizes, outputSize, batch, act, outputActivation, seed) => {
          const rng = Rng.fromSeed(seed);
          const net = mlp({ inputSize, hiddenSizes, outputSize, activation: act, outputActivation, rng, name: uniqueName() });
          const x = tf.tensor2d(rng.fillNormal(new Float32Array(batch * inputSize)), [batch, inputSize]);
          const c = tf.tensor2d(rng.fillNormal(new Float32Array(batch * outputSize)), [batch, outputSize]);
          const variables = net.trainableVariables();
          const ours = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), c)) as tf.Scalar, variables);
          const theirs = tf.variableGrads(
            () => tf.sum(tf.mul(referenceApply(net, x, act, outputActivation), c)) as tf.Scalar,
            variables,
          );
          expect(relativeDifference(ours.value.dataSync(), theirs.value.dataSync())).toBeLessThan(1e-5);
          for (const v of variables) {
            expect(relativeDifference(ours.grads[v.name]!.dataSync(), theirs.grads[v.name]!.dataSync())).toBeLessThan(1e-5);
          }
          tf.dispose([x, c, ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);
          net.dispose();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('passes the gradient on to its input when the input depends on variables', () => {
    const net = mlp({ inputSize: 3, hiddenSizes: [4], outputSize: 2, activation: 'elu', rng: Rng.fromSeed(5), name: uniqueName() });
    const encoder = tf.variable(tf.tensor2d([[0.5, -1, 2], [1, 0.25, -0.5]]));
    const x = tf.tensor2d([[1, 2], [-1, 0.5], [0, 3]]);
    const ours = tf.variableGrads(() => tf.sum(net.apply(tf.matMul(x, encoder))) as tf.Scalar, [encoder]);
    const theirs = tf.variableGrads(() => tf.sum(referenceApply(net, tf.matMul(x, encoder), 'elu', 'linear')) as tf.Scalar, [encoder]);
    expect(relativeDifference(ours.grads[encoder.name]!.dataSync(), theirs.grads[encoder.name]!.dataSync())).toBeLessThan(1e-6);
    tf.dispose([encoder, x, ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);
    net.dispose();
  });

  it('leaks no tensor over training updates and acting', async () => {
    const net = mlp({ inputSize: 4, hiddenSizes: [16, 16], outputSize: 2, activation: 'relu', rng: Rng.fromSeed(0), name: uniqueName() });
    const optimizer = createAdam({ learningRate: 1e-3 });
    const rng = Rng.fromSeed(1);
    const observations = rng.fillNormal(new Float32Array(32 * 4));
    const targets = rng.fillNormal(new Float32Array(32 * 2));
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const x = tf.tensor2d(observations, [32, 4]);
        const y = tf.tensor2d(targets, [32, 2]);
        optimizer.minimize(() => tf.mean(tf.square(tf.sub(net.apply(x), y))), net.trainableVariables());
        tf.argMax(net.apply(tf.tensor2d(observations.subarray(0, 4), [1, 4])), 1).dataSync();
      });
    });
    const before = tf.memory().numTensors;
    net.dispose();
    expect(tf.memory().numTensors).toBe(before - 6);
  });
});
