// Learning benchmark of PPO: the default config (rl-zoo's CartPole-v1 settings) on CartPole-v1
// with 8 batched envs (CartPoleVectorEnv), seeds 0, 1, 2 (quick: seed 0), on the wasm backend,
// single thread. Every EVAL_EVERY env steps (checked after each PPO update) the deterministic
// policy is evaluated for 20 episodes on a separate env (seeds 10000…10019); a seed counts as
// solved at the first evaluation whose mean return is ≥ 475, and its training stops there.
// Budget: 100,000 env steps per seed (the learning-rate and clip-range schedules span it).
// With PPO_PENDULUM=1 also Pendulum-v1 (threshold −200, 10 episodes, 4 envs, 300k steps):
// informational, not part of the default run.
//
//   node bench/ppo.mjs           # seeds 0, 1, 2
//   node bench/ppo.mjs --quick   # seed 0 only
//
// Needs dist/ (npx tsup) of this package and of @tfrl/core, @tfrl/replay, @tfrl/envs.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';
import { CartPoleVectorEnv, PendulumVectorEnv, makeEnv } from '@tfrl/envs';
import { PPO } from '../dist/index.js';

const EVAL_EVERY = 5_000;

const TASKS = [
  {
    name: 'PPO CartPole-v1',
    envId: 'CartPole-v1',
    makeTrainEnv: () => new CartPoleVectorEnv({ numEnvs: 8 }),
    config: {},
    budget: 100_000,
    threshold: 475,
    episodes: 20,
  },
  {
    name: 'PPO Pendulum-v1',
    envId: 'Pendulum-v1',
    optional: true,
    makeTrainEnv: () => new PendulumVectorEnv({ numEnvs: 4 }),
    // rl-zoo's Pendulum-v1 PPO settings without gSDE.
    config: { nSteps: 1024, batchSize: 64, nEpochs: 10, gamma: 0.9, gaeLambda: 0.95, learningRate: 1e-3, clipRange: 0.2, clipRangeSchedule: 'constant', entCoef: 0, logStdInit: -0.5 },
    budget: 300_000,
    threshold: -200,
    episodes: 10,
  },
];

async function train(task, seed) {
  const agent = new PPO({ ...task.config, seed });
  const env = task.makeTrainEnv();
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
  const started = performance.now();
  const report = await agent.learn({
    env,
    totalSteps: task.budget,
    callbacks: [
      {
        onUpdate(state) {
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
  await env.close();
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
  };
}

/** Trains every task for its seeds; returns one result per (task, seed). */
export async function run({ quick = false } = {}) {
  await initBackend({ prefer: 'wasm' }); // offline wasm, single thread in Node
  const seeds = quick ? [0] : [0, 1, 2];
  const results = [];
  for (const task of TASKS) {
    if (task.optional && process.env.PPO_PENDULUM !== '1') continue;
    for (const seed of seeds) {
      const r = await train(task, seed);
      results.push(r);
      const verdict = r.solvedAt === null ? `NOT solved within ${r.budget}` : `solved at ${r.solvedAt}`;
      console.log(
        `${r.name} seed ${seed}: ${verdict} steps; final mean ${r.finalMean.toFixed(1)} (threshold ${r.threshold}); ` +
          `${r.seconds.toFixed(1)} s wall, ${Math.round(r.stepsPerSecond)} steps/s (backend ${tf.getBackend()}); evals ${r.evals.join(', ')}`,
      );
    }
  }
  return results.map(({ evals: _evals, ...r }) => r);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}
