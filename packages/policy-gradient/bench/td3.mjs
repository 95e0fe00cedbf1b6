// Learning benchmark: TD3 on Pendulum-v1, seeds 0, 1, 2 (quick: seed 0), on the wasm backend,
// single thread. Every EVAL_EVERY env steps the deterministic policy is evaluated on 10 episodes
// (seeds 10000…10009, an env not trained on); a seed is solved at the first evaluation whose mean
// return reaches the threshold, and training stops there. Prints per seed the solved-at step,
// the final mean, wall-clock seconds and env steps/s (evaluations excluded).
//
//   node bench/td3.mjs [--quick]      # needs dist/ (npx tsup) of this package and its deps
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the built-in gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';

/** This package's build (PG_DIST points elsewhere, e.g. a partial build while tuning). */
export const dist = () => import(process.env.PG_DIST ?? '../dist/index.js');

/** Pendulum settings after rl-zoo's (lr 1e-3, Gaussian σ 0.1, γ 0.98) with smaller nets for wasm. */
export const PENDULUM = {
  hiddenSizes: [64, 64],
  learningRate: 1e-3,
  batchSize: 256,
  gamma: 0.98,
  tau: 0.005,
  learningStarts: 1_000,
  bufferSize: 200_000,
  actionNoise: { kind: 'gaussian', sigma: 0.1 },
};

const EVAL_EVERY = 1_000;
const EVAL_EPISODES = 10;

async function setBackend() {
  if (tf.getBackend() === 'wasm') return;
  tf.enableProdMode();
  await initBackend({ prefer: 'wasm' }); // offline wasm, single thread in Node
}

/**
 * Trains `new Agent({ ...config, seed })` on Pendulum-v1 until the deterministic mean return over
 * 10 episodes reaches `threshold` or `budget` steps are spent.
 */
export async function trainPendulum({ name, Agent, config, seed, threshold, budget }) {
  await setBackend();
  const agent = new Agent({ ...config, seed });
  const env = makeEnv('Pendulum-v1');
  const evalEnv = makeEnv('Pendulum-v1');
  const evals = [];
  let solvedAt = null;
  let finalMean = Number.NaN;
  let evalSeconds = 0;
  const started = performance.now();
  const report = await agent.learn({
    env,
    totalSteps: budget,
    callbacks: [
      {
        onStep(state) {
          if (state.step % EVAL_EVERY !== 0 || state.step < config.learningStarts) return true;
          const t = performance.now();
          finalMean = evaluatePolicy(evalEnv, agent, { episodes: EVAL_EPISODES, seed: 10_000, deterministic: true }).meanReturn;
          evalSeconds += (performance.now() - t) / 1000;
          evals.push(Math.round(finalMean));
          if (finalMean >= threshold) {
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
  env.close?.();
  evalEnv.close?.();
  const stepsPerSecond = report.steps / (seconds - evalSeconds);
  const verdict = solvedAt === null ? `NOT solved in ${budget}` : `solved at ${solvedAt}`;
  console.log(
    `${name.padEnd(5)} Pendulum-v1 seed ${seed}: ${verdict} steps; final mean ${finalMean.toFixed(1)}; ${seconds.toFixed(1)} s wall, ` +
      `${Math.round(stepsPerSecond)} steps/s, ${report.updates} updates; evaluations ${evals.join(' ')}`,
  );
  return { name, seed, threshold, budget, solvedAt, finalMean, seconds, stepsPerSecond, pass: solvedAt !== null };
}

/** TD3: deterministic mean ≥ −200 within 20,000 steps. */
export async function run({ quick = false } = {}) {
  const { TD3 } = await dist();
  const results = [];
  for (const seed of quick ? [0] : [0, 1, 2]) {
    results.push(await trainPendulum({ name: 'TD3', Agent: TD3, config: PENDULUM, seed, threshold: -200, budget: 20_000 }));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exit(1);
}
