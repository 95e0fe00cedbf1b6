import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

// tfjs set-up and read-back helpers shared by the algorithm packages' tests.

/** Registers tfjs-layers' gradients and selects the cpu backend (bit-reproducible, slow). */
export async function useCpuBackend(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-layers');
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) throw new Error('useCpuBackend: tf.setBackend("cpu") failed');
}

/** Registers the gradients and selects the wasm backend (4–20× faster updates in Node). */
export async function useWasmBackend(): Promise<void> {
  await import('@tensorflow/tfjs-layers');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(path.join(packageDir, 'dist') + path.sep);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.enableProdMode();
  if (!(await tf.setBackend('wasm'))) throw new Error('useWasmBackend: tf.setBackend("wasm") failed');
  await tf.ready();
}

/** Values of the tensor `f` returns, computed in tf.tidy, as a plain array. */
export function read(f: () => tf.Tensor): number[] {
  const tensor = tf.tidy(f);
  const values = Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}

/** Every trainable value of `variables`, concatenated. */
export function weightsOf(variables: readonly tf.Variable[]): Float32Array {
  const parts = variables.map((v) => v.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
