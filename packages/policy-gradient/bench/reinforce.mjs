// Learning benchmark: REINFORCE with a learned value baseline (the default config: reward-to-go,
// normalised advantages, 64-64 tanh, 4 episodes per update) on CartPole-v1 with 4 batched envs
// (CartPoleVectorEnv), seeds 0, 1, 2 (quick: seed 0), on the wasm backend, single thread. Every
// EVAL_EVERY env steps the deterministic policy is evaluated for 20 episodes on a separate env
// (seeds 10000…10019); a seed is solved at the first evaluation whose mean return is ≥ 475, and
// its training stops there. Budget: 300,000 env steps per seed. Prints per seed the solved-at
// step, the final mean, wall-clock seconds and env steps/s (evaluations excluded).
//
//   node bench/reinforce.mjs [--quick]   # needs dist/ (npx tsup) of this package and its deps
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';

/** This package's build (PG_DIST points elsewhere, e.g. a partial build while tuning). */
export const dist = () => import(process.env.PG_DIST ?? '../dist/index.js');

const EVAL_EVERY = 5_000;
const EVAL_EPISODES = 20;

async function setBackend() {
  if (tf.getBackend() === 'wasm') return;
  tf.enableProdMode();
  await initBackend({ prefer: 'wasm' }); // offline wasm, single thread in Node
}

/**
 * Trains `new Agent({ ...config, seed })` on `numEnvs` batched CartPole-v1 envs until the
 * deterministic mean return over 20 episodes reaches `threshold` or `budget` steps are spent.
 */
export async function trainCartPole({ name, Agent, config = {}, numEnvs, seed, threshold = 475, budget = 300_000 }) {
  await setBackend();
  const agent = new Agent({ ...config, seed });
  const env = new CartPoleVectorEnv({ numEnvs });
  const evalEnv = makeEnv('CartPole-v1');
  const evals = [];
  let solvedAt = null;
  let finalMean = Number.NaN;
  let nextEval = EVAL_EVERY;
  let evalSeconds = 0;
  const started = performance.now();
  const report = await agent.learn({
    env,
    totalSteps: budget,
    callbacks: [
      {
        onStep(state) {
          if (state.step < nextEval && state.step < budget) return true;
          nextEval += EVAL_EVERY;
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
  await env.close();
  evalEnv.close?.();
  const stepsPerSecond = report.steps / (seconds - evalSeconds);
  const verdict = solvedAt === null ? `NOT solved in ${budget}` : `solved at ${solvedAt}`;
  console.log(
    `${name} seed ${seed}: ${verdict} steps; final mean ${finalMean.toFixed(1)}; ${seconds.toFixed(1)} s wall, ` +
      `${Math.round(stepsPerSecond)} steps/s, ${report.updates} updates; evaluations ${evals.join(' ')}`,
  );
  return { name, seed, threshold, budget, solvedAt, finalMean, seconds, stepsPerSecond, pass: solvedAt !== null };
}

/** REINFORCE with a value baseline: deterministic mean ≥ 475 within 300,000 steps. */
export async function run({ quick = false } = {}) {
  const { Reinforce } = await dist();
  const results = [];
  for (const seed of quick ? [0] : [0, 1, 2]) {
    results.push(await trainCartPole({ name: 'REINFORCE (value baseline) CartPole-v1', Agent: Reinforce, numEnvs: 4, seed }));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exit(1);
}
