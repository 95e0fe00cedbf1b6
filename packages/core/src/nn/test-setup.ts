import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Test setup for nn: registers the cpu backend and tfjs-layers' gradients (tfjs-core alone
 * registers none in Node), silences the banner and selects 'cpu'.
 */
export async function useCpuBackend(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-layers');
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) throw new Error('useCpuBackend: tf.setBackend("cpu") failed');
}

/** The values of the tensor `f` returns, computed inside `tf.tidy` and then disposed. */
export function read(f: () => tf.Tensor): Float32Array {
  const tensor = tf.tidy(f);
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

/** Largest |a_i − b_i| relative to max(1e-3, max_i |b_i|). */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-3;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}
