import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the built-in gradients
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { createAdam, createRmsProp, createSgd } from './adam.js';
import { mlp } from './mlp.js';

beforeAll(async () => {
  tf.enableProdMode();
  expect(await tf.setBackend('cpu')).toBe(true);
});

const values = (v: tf.Tensor) => Array.from(v.dataSync());
/** L = ½Σθ², so g = θ. */
const halfSquaredNorm = (theta: tf.Variable) => () => tf.mul(0.5, tf.sum(tf.square(theta))) as tf.Scalar;

/** Expects the tensor count after 1 call of `fn` to equal the count after 5. */
describe.each(['auto', 'js'] as const)('createAdam (kernel %s)', (kernel) => {
  it('takes the steps worked out by hand on L = ½‖θ‖², θ₀ = (1, −2), α = 0.1', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const adam = createAdam({ learningRate: 0.1, kernel }); // β₁ = 0.9, β₂ = 0.999, ε = 1e-8
    // t = 1: g = (1, −2); m = 0.1g = (0.1, −0.2); v = 0.001g² = (0.001, 0.004);
    //   m̂ = m/0.1 = g, v̂ = v/0.001 = g², so Δ = 0.1·g/|g| = (0.1, −0.1): θ = (0.9, −1.9).
    expect(adam.minimize(halfSquaredNorm(theta), [theta])).toBeCloseTo(2.5, 6);
    expect(values(theta)[0]).toBeCloseTo(0.9, 6);
    expect(values(theta)[1]).toBeCloseTo(-1.9, 6);
    // t = 2: g = (0.9, −1.9); m = 0.9m + 0.1g = (0.18, −0.37); v = 0.999v + 0.001g² = (0.001809, 0.007606);
    //   m̂ = m/(1 − 0.9²) = m/0.19 = (0.947368, −1.947368); v̂ = v/(1 − 0.999²) = v/0.001999 = (0.904952, 3.804902);
    //   Δ = 0.1·m̂/√v̂ = 0.1·(0.947368/0.951290, −1.947368/1.950616) = (0.0995878, −0.0998335): θ = (0.8004122, −1.8001665).
    adam.minimize(halfSquaredNorm(theta), [theta]);
    expect(values(theta)[0]).toBeCloseTo(0.8004122, 6);
    expect(values(theta)[1]).toBeCloseTo(-1.8001665, 6);
    // t = 3: g = θ; m = (0.2420412, −0.5130166); v = (0.00244785, 0.01083899);
    //   m̂ = m/0.271 = (0.8931410, −1.8930504); v̂ = v/0.002997001 = (0.8167665, 3.6166121);
    //   Δ = 0.1·m̂/√v̂ = (0.0988260, −0.0995431): θ = (0.7015863, −1.7006234).
    adam.minimize(halfSquaredNorm(theta), [theta]);
    expect(values(theta)[0]).toBeCloseTo(0.7015863, 6);
    expect(values(theta)[1]).toBeCloseTo(-1.7006234, 6);
    expect(adam.iterations).toBe(3);
    const state = adam.getState();
    expect(state.step).toBe(3);
    expect(state.m[0]).toBeCloseTo(0.2420412, 6);
    expect(state.v[1]).toBeCloseTo(0.01083899, 7);
    theta.dispose();
  });

  it('follows tf.train.adam over 50 steps on a small network (1e-5 relative)', () => {
    const make = (name: string) =>
      mlp({ inputSize: 3, hiddenSizes: [16, 16], outputSize: 2, activation: 'tanh', rng: Rng.fromSeed(4), name });
    const ours = make(`adam_ours_${kernel}`);
    const theirs = make(`adam_theirs_${kernel}`);
    const rng = Rng.fromSeed(5);
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(24 * 3)), [24, 3]);
    const y = tf.tensor2d(rng.fillNormal(new Float32Array(24 * 2)), [24, 2]);
    const adam = createAdam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-7, kernel });
    const reference = tf.train.adam(0.01, 0.8, 0.99, 1e-7);
    for (let i = 0; i < 50; i++) {
      adam.minimize(() => tf.mean(tf.square(tf.sub(ours.apply(x), y))), ours.trainableVariables());
      reference.minimize(() => tf.mean(tf.square(tf.sub(theirs.apply(x), y))), false, theirs.trainableVariables());
    }
    const a = ours.trainableVariables().flatMap(values);
    const b = theirs.trainableVariables().flatMap(values);
    let scale = 0;
    let worst = 0;
    for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
    for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst / scale).toBeLessThan(1e-5);
    const initial = make(`adam_initial_${kernel}`);
    expect(a).not.toEqual(initial.trainableVariables().flatMap(values)); // it did move
    tf.dispose([x, y]);
    reference.dispose();
    for (const net of [ours, theirs, initial]) net.dispose();
  });

  it('refuses a non-finite loss before writing anything', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const adam = createAdam({ learningRate: 0.1, kernel });
    adam.minimize(halfSquaredNorm(theta), [theta]);
    const before = { theta: values(theta), state: adam.getState() };
    expect(() => adam.minimize(() => tf.mul(tf.sum(theta), NaN) as tf.Scalar, [theta])).toThrow(/non-finite loss/);
    expect(() => adam.minimize(() => tf.div(tf.sum(theta), 0) as tf.Scalar, [theta])).toThrow(/non-finite loss/);
    expect(values(theta)).toEqual(before.theta);
    expect(adam.getState()).toEqual(before.state);
    theta.dispose();
  });

  it('refuses a non-finite gradient norm under a finite loss before writing anything', () => {
    const theta = tf.variable(tf.tensor1d([0, 1]));
    const adam = createAdam({ learningRate: 0.1, kernel });
    // L = Σ√|θ| is finite (1) but ∂L/∂θ₀ = ±∞ at θ₀ = 0.
    const loss = () => tf.sum(tf.sqrt(tf.abs(theta))) as tf.Scalar;
    expect(() => adam.minimize(loss, [theta])).toThrow(/non-finite loss gradient/);
    expect(values(theta)).toEqual([0, 1]);
    expect(adam.iterations).toBe(0);
    theta.dispose();
  });

  it('restores a checkpointed state: the resumed run equals the uninterrupted one', () => {
    const theta = tf.variable(tf.tensor1d([1, -2, 3]));
    const adam = createAdam({ learningRate: 0.05, kernel });
    for (let i = 0; i < 3; i++) adam.minimize(halfSquaredNorm(theta), [theta]);
    const state = adam.getState();
    const resumed = tf.variable(theta.clone());
    for (let i = 0; i < 2; i++) adam.minimize(halfSquaredNorm(theta), [theta]);
    const restored = createAdam({ learningRate: 0.05, kernel });
    restored.setState(state); // before its first step: checked when it binds
    for (let i = 0; i < 2; i++) restored.minimize(halfSquaredNorm(resumed), [resumed]);
    expect(values(resumed)).toEqual(values(theta));
    expect(restored.iterations).toBe(5);
    expect(() => restored.setState({ step: 1, m: new Float32Array(2), v: new Float32Array(3) })).toThrow(/3 values/);
    expect(state.m).toBeInstanceOf(Float32Array);
    tf.dispose([theta, resumed]);
  });

  it('takes a new learning rate at run time, and 0 leaves the weights alone', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const adam = createAdam({ learningRate: 0.1, kernel });
    adam.learningRate = 0;
    adam.minimize(halfSquaredNorm(theta), [theta]);
    expect(values(theta)).toEqual([1, -2]);
    adam.learningRate = 0.2;
    expect(adam.learningRate).toBe(0.2);
    adam.minimize(halfSquaredNorm(theta), [theta]);
    // t = 2: m = (0.19, −0.38), v = (0.001999, 0.007996): m̂ = g, v̂ = g², Δ = 0.2·sign(g).
    expect(values(theta)[0]).toBeCloseTo(0.8, 6);
    expect(values(theta)[1]).toBeCloseTo(-1.8, 6);
    expect(() => (adam.learningRate = NaN)).toThrow(/learningRate/);
    theta.dispose();
  });

  it('re-reads a variable that was assigned elsewhere and skips variables without a gradient', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const other = tf.variable(tf.tensor1d([5]));
    const adam = createAdam({ learningRate: 0.5, kernel });
    adam.minimize(halfSquaredNorm(theta), [theta, other]); // Δ = 0.5·sign(g): θ = (0.5, −1.5); `other` has no gradient
    expect(values(other)).toEqual([5]);
    theta.assign(tf.tensor1d([4, 4])); // e.g. weights loaded from a file
    // t = 2 from θ = (4, 4): m = 0.9·(0.1, −0.2) + 0.1·4 = (0.49, 0.22); v = 0.999·(0.001, 0.004) + 0.001·16
    //   = (0.016999, 0.019996); Δ = 0.5·(m/0.19)/√(v/0.001999) = (0.442188, 0.183052): θ = (3.557812, 3.816948).
    adam.minimize(halfSquaredNorm(theta), [theta, other]);
    expect(values(theta)[0]).toBeCloseTo(3.557812, 5);
    expect(values(theta)[1]).toBeCloseTo(3.816948, 5);
    expect(values(other)).toEqual([5]);
    expect(() => adam.minimize(halfSquaredNorm(theta), [theta])).toThrow(/one list of variables/);
    tf.dispose([theta, other]);
  });

  it('leaks no tensor over updates', async () => {
    const net = mlp({ inputSize: 2, hiddenSizes: [8], outputSize: 1, activation: 'relu', rng: Rng.fromSeed(0), name: `adam_leak_${kernel}` });
    const adam = createAdam({ learningRate: 1e-3, maxGradNorm: 0.5, kernel });
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    await expectNoTensorLeak(() => {
      adam.minimize(() => tf.mean(tf.square(net.apply(x))), net.trainableVariables());
    });
    x.dispose();
    net.dispose();
  });
});

describe('createAdam kernels', () => {
  it('agree: the WebAssembly SIMD kernel and the JS loop (odd sizes, clipping, 20 steps)', () => {
    const rng = Rng.fromSeed(11);
    const shapes = [[7, 5], [5], [5, 3], [3], [1]];
    const initial = shapes.map((shape) => rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))));
    const run = (kernel: 'auto' | 'js') => {
      const variables = shapes.map((shape, i) => tf.variable(tf.tensor(initial[i]!, shape)));
      const adam = createAdam({ learningRate: 0.01, maxGradNorm: 1, kernel });
      const gradRng = Rng.fromSeed(12);
      for (let t = 0; t < 20; t++) {
        const grads = shapes.map((shape) => tf.tensor(gradRng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape));
        adam.step(variables, grads);
        tf.dispose(grads);
      }
      const result = variables.flatMap(values);
      tf.dispose(variables);
      return result;
    };
    const [simd, js] = [run('auto'), run('js')];
    for (let i = 0; i < js.length; i++) expect(Math.abs(simd[i]! - js[i]!)).toBeLessThan(1e-6);
  });
});

describe('optimizer checks', () => {
  it('rejects bad settings, gradients and states with a clear error', () => {
    expect(() => createAdam({ learningRate: -1 })).toThrow(/learningRate/);
    expect(() => createAdam({ learningRate: 1e-3, beta1: 1 })).toThrow(/beta1/);
    expect(() => createAdam({ learningRate: 1e-3, maxGradNorm: 0 })).toThrow(/maxGradNorm/);
    expect(() => createSgd({ learningRate: 1e-3, momentum: -0.5 })).toThrow(/momentum/);
    expect(() => createRmsProp({ learningRate: 1e-3, alpha: 1 })).toThrow(/rmsprop: alpha/);
    expect(() => createRmsProp({ learningRate: 1e-3, epsilon: -1 })).toThrow(/rmsprop: epsilon/);
    expect(() => createRmsProp({ learningRate: 1e-3, momentum: 1.5 })).toThrow(/rmsprop: momentum/);
    const theta = tf.variable(tf.tensor1d([1, 2, 3]));
    const adam = createAdam({ learningRate: 1e-3 });
    expect(() => adam.step([], [])).toThrow(/no variables/);
    expect(() => adam.step([theta], [])).toThrow(/1 variables but 0 gradients/);
    const wrong = tf.tensor1d([1, 2]);
    expect(() => adam.step([theta], [wrong])).toThrow(/gradient \[2\]/);
    expect(values(theta)).toEqual([1, 2, 3]);
    expect(() => adam.setState({ step: -1, m: new Float32Array(3), v: new Float32Array(3) })).toThrow(/step/);
    // A state for other variables is caught when the first step binds, and nothing is applied.
    const restored = createAdam({ learningRate: 1e-3 });
    restored.setState({ step: 2, m: new Float32Array(4), v: new Float32Array(4) });
    const grad = tf.tensor1d([1, 1, 1]);
    expect(() => restored.step([theta], [grad])).toThrow(/3 values, got 4 values/);
    expect(values(theta)).toEqual([1, 2, 3]);
    expect(adam.getState()).toEqual({ step: 0, m: new Float32Array(3), v: new Float32Array(3) }); // bound, untouched
    tf.dispose([theta, wrong, grad]);
  });
});

describe('createRmsProp', () => {
  it('takes the steps worked out by hand on L = ½‖θ‖², θ₀ = (1, −2), α = 0.1, ρ = 0.9, ε = 0', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const rms = createRmsProp({ learningRate: 0.1, alpha: 0.9, epsilon: 0 });
    // t = 1: v = 0.1g² = (0.1, 0.4), Δ = 0.1·g/√v = 0.1·(√10, −√10): θ = (0.6837722, −1.6837722).
    rms.minimize(halfSquaredNorm(theta), [theta]);
    expect(values(theta)[0]).toBeCloseTo(0.6837722, 6);
    expect(values(theta)[1]).toBeCloseTo(-1.6837722, 6);
    // t = 2: v = 0.9v + 0.1θ² = (0.1367544, 0.6435089): θ = (0.4988706, −1.4738753).
    rms.minimize(halfSquaredNorm(theta), [theta]);
    expect(values(theta)[0]).toBeCloseTo(0.4988706, 6);
    expect(values(theta)[1]).toBeCloseTo(-1.4738753, 6);
    const state = rms.getState();
    expect(state.step).toBe(2);
    expect(state.squareAverage[1]).toBeCloseTo(0.6435089, 6);
    expect(Array.from(state.gradAverage)).toEqual([0, 0]);
    theta.dispose();
  });

  it('centered, with momentum 0.5: divides by √(v − ḡ²) and steps along the buffer', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const rms = createRmsProp({ learningRate: 0.1, alpha: 0.9, epsilon: 0, momentum: 0.5, centered: true });
    // t = 1: v = (0.1, 0.4), ḡ = (0.1, −0.2), √(v − ḡ²) = (0.3, 0.6), b = g/d = (10/3, −10/3): θ = (2/3, −5/3).
    rms.minimize(halfSquaredNorm(theta), [theta]);
    expect(values(theta)[0]).toBeCloseTo(2 / 3, 6);
    expect(values(theta)[1]).toBeCloseTo(-5 / 3, 6);
    // t = 2: v = (0.1344444, 0.6377778), ḡ = (0.1566667, −0.3466667), b = (3.6776566, −3.9832697).
    rms.minimize(halfSquaredNorm(theta), [theta]);
    expect(values(theta)[0]).toBeCloseTo(0.298901, 5);
    expect(values(theta)[1]).toBeCloseTo(-1.2683397, 5);
    const state = rms.getState();
    expect(state.gradAverage[1]).toBeCloseTo(-0.3466667, 6);
    expect(state.momentumBuffer[0]).toBeCloseTo(3.6776566, 5);
    theta.dispose();
  });

  it.each([false, true])('follows tf.train.rmsprop over 50 steps on a small network (centered %s)', (centered) => {
    const make = (name: string) => mlp({ inputSize: 3, hiddenSizes: [16], outputSize: 2, activation: 'tanh', rng: Rng.fromSeed(6), name });
    const ours = make(`rms_ours_${centered}`);
    const theirs = make(`rms_theirs_${centered}`);
    const rng = Rng.fromSeed(7);
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(24 * 3)), [24, 3]);
    const y = tf.tensor2d(rng.fillNormal(new Float32Array(24 * 2)), [24, 2]);
    // tfjs puts ε inside the root (√(v + ε)); with ε tiny against v both agree.
    const rms = createRmsProp({ learningRate: 0.01, alpha: 0.95, epsilon: 1e-10, momentum: 0.3, centered });
    const reference = tf.train.rmsprop(0.01, 0.95, 0.3, 1e-20, centered);
    for (let i = 0; i < 50; i++) {
      rms.minimize(() => tf.mean(tf.square(tf.sub(ours.apply(x), y))), ours.trainableVariables());
      reference.minimize(() => tf.mean(tf.square(tf.sub(theirs.apply(x), y))) as tf.Scalar, false, theirs.trainableVariables());
    }
    ours.trainableVariables().forEach((v, k) => {
      const a = v.dataSync();
      const b = theirs.trainableVariables()[k]!.dataSync();
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(b[i]!)));
    });
    tf.dispose([x, y]);
    ours.dispose();
    theirs.dispose();
    reference.dispose();
  });

  it('restores its state: a copy resumed from getState() takes the same next step', () => {
    const a = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const b = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const first = createRmsProp({ learningRate: 0.05, momentum: 0.9, centered: true });
    for (let i = 0; i < 3; i++) first.minimize(halfSquaredNorm(a), [a]);
    b.assign(a);
    const second = createRmsProp({ learningRate: 0.05, momentum: 0.9, centered: true });
    second.setState(first.getState());
    first.minimize(halfSquaredNorm(a), [a]);
    second.minimize(halfSquaredNorm(b), [b]);
    expect(values(b)).toEqual(values(a));
    expect(second.iterations).toBe(4);
    tf.dispose([a, b]);
  });
});

describe('createSgd', () => {
  it('applies momentum in the PyTorch form: u ← μu + g, θ ← θ − αu', () => {
    const theta = tf.variable(tf.tensor1d([1]));
    const sgd = createSgd({ learningRate: 0.1, momentum: 0.9 });
    sgd.minimize(halfSquaredNorm(theta), [theta]); // u = 1, θ = 0.9
    sgd.minimize(halfSquaredNorm(theta), [theta]); // u = 0.9 + 0.9 = 1.8, θ = 0.72
    expect(values(theta)[0]).toBeCloseTo(0.72, 6);
    expect(sgd.getState().velocity[0]).toBeCloseTo(1.8, 6);
    theta.dispose();
  });
  it('re-reads a reassigned variable and skips variables without a gradient', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const other = tf.variable(tf.tensor1d([5]));
    const sgd = createSgd({ learningRate: 0.5 });
    sgd.minimize(halfSquaredNorm(theta), [theta, other]); // θ ← θ − 0.5θ; `other` has no gradient
    expect(values(theta)).toEqual([0.5, -1]);
    expect(values(other)).toEqual([5]);
    theta.assign(tf.tensor1d([4, 4])); // e.g. weights loaded from a file
    sgd.minimize(halfSquaredNorm(theta), [theta, other]);
    expect(values(theta)).toEqual([2, 2]);
    expect(() => sgd.minimize(halfSquaredNorm(theta), [theta])).toThrow(/one list of variables/);
    tf.dispose([theta, other]);
  });

  it('clips the global gradient norm to maxGradNorm', () => {
    const theta = tf.variable(tf.tensor1d([3, 4])); // g = θ, ‖g‖ = 5
    const sgd = createSgd({ learningRate: 1, maxGradNorm: 1 });
    const grads = [tf.tensor1d([3, 4])];
    expect(sgd.step([theta], grads)).toBeCloseTo(5, 6);
    // Δ = g·1/(5 + 1e-6) = (0.6, 0.8)
    expect(values(theta)[0]).toBeCloseTo(2.4, 5);
    expect(values(theta)[1]).toBeCloseTo(3.2, 5);
    tf.dispose([theta, ...grads]);
  });
});
