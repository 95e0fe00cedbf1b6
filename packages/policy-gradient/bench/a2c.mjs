// Learning benchmark of A2C: the default config (8 CartPoleVectorEnv sub-envs) on CartPole-v1,
// seeds 0, 1, 2 (quick: seed 0), on the wasm backend, single thread. Every 10,000 env steps the
// deterministic policy is evaluated over 20 episodes (seeds 10000…10019) on an env not trained on;
// a seed is solved at the first evaluation with mean ≥ 475, and training stops there. Budget
// 500,000 env steps per seed. Prints per seed the solved-at step, final mean, wall-clock seconds
// and env steps/s (training only, evaluations excluded).
//
//   node bench/a2c.mjs [--quick]
//
// Needs dist/ (npx tsup) of this package and of @tfrl/core, @tfrl/replay, @tfrl/envs.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the built-in gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { A2C, defaultA2cConfig } from '../dist/index.js';

const NAME = 'A2C CartPole-v1';
const THRESHOLD = 475;
const BUDGET = 500_000;
const NUM_ENVS = 8;
const EVAL_EVERY = 10_000;
const EVAL_EPISODES = 20;

async function train(seed) {
  const agent = new A2C({ ...defaultA2cConfig, seed });
  const evalEnv = makeEnv('CartPole-v1');
  const evals = [];
  let solvedAt = null;
  let finalMean = Number.NaN;
  let evalSeconds = 0;
  const started = performance.now();
  const report = await agent.learn({
    env: new CartPoleVectorEnv({ numEnvs: NUM_ENVS }),
    totalSteps: BUDGET,
    callbacks: [
      {
        onStep(state) {
          // Steps advance by NUM_ENVS: evaluate on the first step past each multiple of EVAL_EVERY.
          if (state.step % EVAL_EVERY >= NUM_ENVS && state.step < BUDGET) return true;
          const t = performance.now();
          const { meanReturn } = evaluatePolicy(evalEnv, agent, { episodes: EVAL_EPISODES, seed: 10_000, deterministic: true });
          evalSeconds += (performance.now() - t) / 1000;
          evals.push(Math.round(meanReturn));
          finalMean = meanReturn;
          if (meanReturn >= THRESHOLD) {
            solvedAt = state.step;
            return false;
          }
          return true;
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  agent.dispose();
  return { name: NAME, seed, threshold: THRESHOLD, budget: BUDGET, solvedAt, finalMean, seconds, stepsPerSecond: report.steps / (seconds - evalSeconds), pass: solvedAt !== null, evals };
}

/** The wasm backend (offline, single thread in Node), unless it is already set. */
async function setBackend() {
  if (tf.getBackend() === 'wasm') return;
  tf.enableProdMode();
  await initBackend({ prefer: 'wasm' });
}

/** Trains seeds 0, 1, 2 (quick: 0) and returns one result per seed. */
export async function run({ quick = false } = {}) {
  await setBackend();
  const results = [];
  for (const seed of quick ? [0] : [0, 1, 2]) {
    const { evals, ...result } = await train(seed);
    results.push(result);
    const verdict = result.solvedAt === null ? `NOT solved in ${BUDGET}` : `solved at ${result.solvedAt}`;
    console.log(
      `${NAME} seed ${seed}: ${verdict} steps; final mean ${result.finalMean.toFixed(1)}; ${result.seconds.toFixed(1)} s wall, ` +
        `${Math.round(result.stepsPerSecond)} steps/s; evaluations ${evals.join(' ')}`,
    );
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  console.log(`(backend ${tf.getBackend()}, node ${process.version})`);
  if (results.some((r) => !r.pass)) process.exit(1);
}
