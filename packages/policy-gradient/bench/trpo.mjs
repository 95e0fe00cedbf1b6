// Learning benchmark of TRPO: CartPole-v1 with 8 batched envs (CartPoleVectorEnv), rollouts of
// 256 steps per env (2,048 transitions per update), δ = maxKl 0.02, γ 0.99, GAE λ 0.98, 64-64 tanh
// policy and value networks, value Adam lr 1e-3 × 10 epochs of 128-row minibatches (the rest
// sb3-contrib's defaults: CG 15 iterations, damping 0.1, line search 0.8^k up to 10 tries); seeds
// 0, 1, 2 (quick: seed 0), wasm backend, single thread. After every update once EVAL_EVERY more
// env steps have passed, the deterministic policy is evaluated for 20 episodes on a separate env
// (seeds 10000…10019); a seed counts as solved at the first evaluation with mean ≥ 475, and its
// training stops there. Budget: 200,000 env steps per seed.
// With TRPO_NPG=1 also the natural policy gradient (lineSearch: false) on the same task:
// informational, not part of the default run.
//
//   node bench/trpo.mjs           # seeds 0, 1, 2
//   node bench/trpo.mjs --quick   # seed 0 only
//
// Needs dist/ (npx tsup) of this package and of @tfrl/core, @tfrl/replay, @tfrl/envs.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { TRPO } from '../dist/index.js';

const EVAL_EVERY = 4_096;
const CARTPOLE = { nSteps: 256, maxKl: 0.02, gamma: 0.99, gaeLambda: 0.98, hiddenSizes: [64, 64], activation: 'tanh', valueLearningRate: 1e-3, valueEpochs: 10, valueBatchSize: 128 };

const TASKS = [
  { name: 'TRPO CartPole-v1', envId: 'CartPole-v1', config: CARTPOLE, numEnvs: 8, budget: 200_000, threshold: 475, episodes: 20 },
  { name: 'NPG CartPole-v1', envId: 'CartPole-v1', optional: true, config: { ...CARTPOLE, lineSearch: false }, numEnvs: 8, budget: 200_000, threshold: 475, episodes: 20 },
];

async function train(task, seed) {
  const agent = new TRPO({ ...task.config, seed });
  const env = new CartPoleVectorEnv({ numEnvs: task.numEnvs });
  const evalEnv = makeEnv(task.envId);
  const evals = [];
  let solvedAt = null;
  let finalMean = Number.NaN;
  let nextEval = EVAL_EVERY;
  let evalSeconds = 0;
  let lastEvalAt = -1;
  const evaluate = () => {
    const t = performance.now();
    lastEvalAt = agent.steps;
    finalMean = evaluatePolicy(evalEnv, agent, { episodes: task.episodes, seed: 10_000, deterministic: true }).meanReturn;
    evalSeconds += (performance.now() - t) / 1000;
    evals.push(Math.round(finalMean));
    return finalMean;
  };
  const lineSearch = { updates: 0, rejected: 0, meanKl: 0 };
  const started = performance.now();
  const report = await agent.learn({
    env,
    totalSteps: task.budget,
    callbacks: [
      {
        onUpdate(state, metrics) {
          lineSearch.updates++;
          lineSearch.rejected += 1 - metrics.lineSearchSuccess;
          lineSearch.meanKl += (metrics.kl - lineSearch.meanKl) / lineSearch.updates;
          if (state.step < nextEval) return true;
          nextEval = (Math.floor(state.step / EVAL_EVERY) + 1) * EVAL_EVERY;
          if (evaluate() < task.threshold) return true;
          solvedAt = state.step;
          return false;
        },
      },
    ],
  });
  if (solvedAt === null && lastEvalAt !== agent.steps) evaluate(); // the final policy
  const seconds = (performance.now() - started) / 1000;
  agent.dispose();
  await env.close?.();
  evalEnv.close?.();
  return {
    name: task.name,
    seed,
    threshold: task.threshold,
    budget: task.budget,
    solvedAt,
    finalMean,
    seconds,
    stepsPerSecond: report.steps / Math.max(1e-9, seconds - evalSeconds),
    pass: solvedAt !== null,
    evals,
    lineSearch,
  };
}

/** Trains every task for its seeds; returns one result per (task, seed). */
export async function run({ quick = false } = {}) {
  await initBackend({ prefer: 'wasm' }); // offline wasm, single thread in Node
  const seeds = quick ? [0] : [0, 1, 2];
  const results = [];
  for (const task of TASKS) {
    if (task.optional && process.env.TRPO_NPG !== '1') continue;
    for (const seed of seeds) {
      const r = await train(task, seed);
      results.push(r);
      const verdict = r.solvedAt === null ? `NOT solved within ${r.budget}` : `solved at ${r.solvedAt}`;
      console.log(
        `${r.name} seed ${seed}: ${verdict} steps; final mean ${r.finalMean.toFixed(1)} (threshold ${r.threshold}); ` +
          `${r.seconds.toFixed(1)} s wall, ${Math.round(r.stepsPerSecond)} steps/s (backend ${tf.getBackend()}); evals ${r.evals.join(', ')}; ` +
          `${r.lineSearch.updates} updates, ${r.lineSearch.rejected} line searches rejected, mean KL ${r.lineSearch.meanKl.toFixed(4)}`,
      );
    }
  }
  return results.map(({ evals: _evals, lineSearch: _lineSearch, ...r }) => r);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}
