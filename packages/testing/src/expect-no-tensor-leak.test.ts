import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoTensorLeak } from './expect-no-tensor-leak.js';

describe('expectNoTensorLeak', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('passes for a function that disposes what it creates', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    await expectNoTensorLeak(() => tf.tidy(() => tf.sum(tf.mul(x, 2)).dataSync()[0]));
    x.dispose();
  });

  it('passes for an async function', async () => {
    await expectNoTensorLeak(async () => {
      const y = tf.scalar(2);
      await y.data();
      y.dispose();
    });
  });

  it('fails with the growth and the counts for a function that leaks', async () => {
    const before = tf.memory().numTensors;
    const leaked: tf.Tensor[] = [];
    const run = expectNoTensorLeak(() => leaked.push(tf.scalar(1)), { warmup: 1, runs: 3 });
    await expect(run).rejects.toThrow(
      `expectNoTensorLeak: 3 tensor(s) leaked over 3 run(s) (numTensors ${before + 1} after warmup, ${before + 4} after the runs)`,
    );
    tf.dispose(leaked);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lets warmup create lazily cached tensors', async () => {
    let cache: tf.Tensor | undefined;
    const lazy = (): number => {
      cache ??= tf.ones([2]);
      return tf.tidy(() => tf.sum(cache!).dataSync()[0]!);
    };
    await expect(expectNoTensorLeak(lazy, { warmup: 0, runs: 2 })).rejects.toThrow(/1 tensor\(s\) leaked/);
    await expectNoTensorLeak(lazy, { warmup: 1, runs: 2 });
    cache?.dispose();
  });

  it('rejects invalid options', async () => {
    await expect(expectNoTensorLeak(() => 0, { runs: -1 })).rejects.toThrow(RangeError);
  });
});
