import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { GruCell, unroll } from './gru-cell.js';
import { read, useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

describe('GruCell', () => {
  it('one step with known weights (PyTorch gate convention, by hand)', () => {
    const cell = new GruCell({ inputSize: 1, hiddenSize: 1, rng: Rng.fromSeed(0) });
    cell.inputWeight.assign(tf.tensor2d([[0.5, -0.5, 1]])); // W_ir, W_iz, W_in
    cell.hiddenWeight.assign(tf.tensor2d([[1, 1, 2]])); // W_hr, W_hz, W_hn
    cell.inputBias.assign(tf.tensor1d([0, 0, 0]));
    cell.hiddenBias.assign(tf.tensor1d([0, 0, 0.5])); // b_hn sits inside r ⊙ (…)
    const x = tf.tensor2d([[1]]);
    const h = tf.tensor2d([[0.5]]);
    // r = σ(0.5 + 0.5) = σ(1); z = σ(−0.5 + 0.5) = 0.5; n = tanh(1 + r·(2·0.5 + 0.5)); h' = 0.5n + 0.5·0.5
    const r = 1 / (1 + Math.exp(-1));
    const n = Math.tanh(1 + r * 1.5);
    expect(read(() => cell.apply(x, h))[0]).toBeCloseTo(0.5 * n + 0.25, 6);
    expect(read(() => cell.apply(x, h))[0]).toBeCloseTo(0.7351263063334148, 6);
    tf.dispose([x, h]);
    cell.dispose();
  });

  it('initialises every weight in U(−1/√H, 1/√H) and starts from a zero state', () => {
    const cell = new GruCell({ inputSize: 3, hiddenSize: 4, rng: Rng.fromSeed(1) });
    expect(cell.trainableVariables().map((v) => v.shape)).toEqual([[3, 12], [4, 12], [12], [12]]);
    for (const v of cell.trainableVariables()) expect(Math.max(...v.dataSync().map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(Array.from(read(() => cell.initialState(2)))).toEqual(new Array(8).fill(0));
    cell.dispose();
  });

  it('unroll equals stepping by hand, and zeroes the state where an episode starts', () => {
    const rng = Rng.fromSeed(2);
    const cell = new GruCell({ inputSize: 2, hiddenSize: 3, rng });
    const time = 3;
    const batch = 2;
    const inputs = tf.tensor3d(rng.fillNormal(new Float32Array(time * batch * 2)), [time, batch, 2]);
    const h0 = tf.tensor2d(rng.fillNormal(new Float32Array(batch * 3)), [batch, 3]);
    // env 0 starts a new episode at t = 1
    const starts = new Float32Array([0, 0, 1, 0, 0, 0]);
    const [outputs, finalState, manual] = tf.tidy(() => {
      const result = unroll(cell, inputs, h0, starts);
      const steps = tf.unstack(inputs) as tf.Tensor2D[];
      const h1 = cell.apply(steps[0]!, h0);
      const h1Reset = tf.mul(h1, tf.tensor2d([[0], [1]]));
      const h2 = cell.apply(steps[1]!, h1Reset as tf.Tensor2D);
      const h3 = cell.apply(steps[2]!, h2);
      return [result.outputs, result.finalState, tf.stack([h1, h2, h3])];
    });
    expect(outputs!.shape).toEqual([time, batch, 3]);
    Array.from(outputs!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(manual!.dataSync()[i]!, 6));
    Array.from(finalState!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(manual!.dataSync()[2 * batch * 3 + i]!, 6));
    // without resets env 0's step-1 output differs
    const plain = read(() => unroll(cell, inputs, h0).outputs);
    expect(plain[6]).not.toBeCloseTo(outputs!.dataSync()[6]!, 6);
    expect(plain[9]).toBeCloseTo(outputs!.dataSync()[9]!, 6); // env 1 unaffected
    const tensorStarts = tf.tensor2d(starts, [time, batch]);
    expect(Array.from(read(() => unroll(cell, inputs, h0, tensorStarts).outputs))).toEqual(Array.from(outputs!.dataSync()));
    expect(() => tf.tidy(() => unroll(cell, inputs, h0, new Uint8Array(5)).finalState)).toThrow();
    expect(() => unroll(cell, inputs, tf.zeros([batch, 4]) as tf.Tensor2D)).toThrow(/initialState/);
    tf.dispose([inputs, h0, outputs!, finalState!, manual!, tensorStarts]);
    cell.dispose();
  });

  it('leaks no tensor in an unrolled forward or a BPTT Adam step', async () => {
    const rng = Rng.fromSeed(4);
    const cell = new GruCell({ inputSize: 2, hiddenSize: 2, rng });
    const inputs = tf.tensor3d(rng.fillNormal(new Float32Array(12)), [3, 2, 2]);
    const starts = new Uint8Array([1, 1, 0, 1, 0, 0]);
    const optimizer = tf.train.adam(1e-3);
    await expectNoTensorLeak(() => {
      tf.dispose(tf.tidy(() => unroll(cell, inputs, cell.initialState(2), starts).finalState));
      optimizer.minimize(() => tf.mean(tf.square(unroll(cell, inputs, cell.initialState(2), starts).outputs)) as tf.Scalar, false, cell.trainableVariables());
    });
    optimizer.dispose();
    inputs.dispose();
    cell.dispose();
  });
});
