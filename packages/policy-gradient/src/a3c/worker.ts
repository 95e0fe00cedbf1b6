// Entry script of an A3C worker thread (built to dist/a3c-worker.js). It sets up tfjs on the
// configured backend, builds its own env and network copy, and runs Algorithm S3's loop until
// the shared step budget is spent or a stop is asked, reporting each rollout to the host.
// Unlike the package's modules it acts on load: it is only ever started as a worker.
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { A3cWorkerBackend } from './config.js';
import { buildEnv } from './env-spec.js';
import { A3cActorLearner } from './learner.js';
import { serializeError, type A3cStartMessage, type A3cWorkerMessage } from './protocol.js';

async function useBackend(backend: A3cWorkerBackend): Promise<void> {
  await import('@tensorflow/tfjs-layers'); // registers the gradient functions
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  tf.enableProdMode();
  if (!(await tf.setBackend(backend))) throw new Error(`A3C worker: tf.setBackend('${backend}') failed`);
  await tf.ready();
}

async function run(port: NonNullable<typeof parentPort>, message: A3cStartMessage): Promise<void> {
  const { setup } = message;
  const post = (m: A3cWorkerMessage): void => port.postMessage(m);
  let learner: A3cActorLearner | null = null;
  try {
    await useBackend(setup.config.workerBackend);
    const env = await buildEnv(message.env, setup.index);
    try {
      learner = new A3cActorLearner(setup, env);
    } catch (error) {
      env.close?.();
      throw error;
    }
    const started = learner.shared.arriveAndWait(setup.config.numWorkers);
    for (; started; ) {
      const result = learner.rollout();
      if (result === null) break;
      post({ type: 'rollout', index: setup.index, ...result });
    }
    post({ type: 'done', index: setup.index });
  } catch (error) {
    // Stop the others promptly; the host rejects learn() with this error.
    learner?.shared.requestStop();
    post({ type: 'error', index: setup.index, error: serializeError(error) });
  } finally {
    learner?.dispose();
  }
}

if (parentPort === null) throw new Error('A3C worker: not started as a worker thread');
const port = parentPort;
port.once('message', (message: A3cStartMessage) => {
  void run(port, message);
});
