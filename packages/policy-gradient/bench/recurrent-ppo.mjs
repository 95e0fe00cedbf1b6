// Learning benchmark of RecurrentPPO: CartPole-v1 with the velocities hidden (PartialObservation
// keeping dims 0 and 2, cart position and pole angle), a POMDP a feed-forward policy cannot
// solve. RecurrentPPO must reach a deterministic evaluation mean ≥ 400 (20 episodes, seeds
// 10000…10019, GRU state reset at every episode) within 500,000 env steps; feed-forward PPO with
// the same budget and rollout settings must stay below it (its best evaluation over the run is
// reported). Seeds 0, 1, 2 (quick: seed 0); evaluation every 10,000 steps with core's
// evaluatePolicy on the agent itself (it calls resetState() after every env reset). A seed counts
// as solved at the first evaluation ≥ 400 and stops there. Wasm backend, single thread.
//
//   node bench/recurrent-ppo.mjs [--quick]
//
// Needs dist/ (npx tsup) of this package and of @tfrl/core, @tfrl/replay, @tfrl/envs.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';
import { PartialObservation, SyncVectorEnv, makeEnv } from '@tfrl/envs';
import * as pg from '../dist/index.js';

const THRESHOLD = 400;
const BUDGET = 500_000;
const EVAL_EVERY = 10_000;
const EVAL_EPISODES = 20;
const NUM_ENVS = 8;

/** Tuned RecurrentPPO settings for masked CartPole: the defaults (defaultRecurrentPpoConfig), spelled out. */
export const RECURRENT_CONFIG = {
  nSteps: 32,
  sequenceLength: null,
  numMinibatches: 1,
  nEpochs: 10,
  learningRate: 1e-3,
  learningRateSchedule: 'linear',
  gamma: 0.98,
  gaeLambda: 0.8,
  hiddenSize: 64,
  headSizes: [64],
  activation: 'relu',
};

/** Feed-forward PPO with the same rollout and optimisation settings. */
const FEED_FORWARD_CONFIG = {
  nSteps: 32,
  batchSize: 32 * NUM_ENVS,
  nEpochs: 10,
  learningRate: 1e-3,
  learningRateSchedule: 'linear',
  gamma: 0.98,
  gaeLambda: 0.8,
  hiddenSizes: [64, 64],
  activation: 'relu',
};

export const maskedCartPole = () => new PartialObservation(makeEnv('CartPole-v1'), { keep: [0, 2] });

/** Deterministic mean return over EVAL_EPISODES (evaluatePolicy resets a recurrent agent's state at every episode). */
function evaluate(agent, env) {
  return evaluatePolicy(env, agent, { episodes: EVAL_EPISODES, seed: 10_000, deterministic: true }).meanReturn;
}

async function train(name, makeAgent, seed, log) {
  const agent = makeAgent(seed);
  const env = new SyncVectorEnv(Array.from({ length: NUM_ENVS }, () => maskedCartPole));
  const evalEnv = maskedCartPole();
  let solvedAt = null;
  let finalMean = Number.NaN;
  let bestMean = Number.NEGATIVE_INFINITY;
  let evalSeconds = 0;
  let nextEval = EVAL_EVERY;
  const started = performance.now();
  const report = await agent.learn({
    env,
    totalSteps: BUDGET,
    callbacks: [
      {
        onStep(state) {
          if (state.step < nextEval) return true;
          nextEval += EVAL_EVERY;
          const t = performance.now();
          finalMean = evaluate(agent, evalEnv);
          bestMean = Math.max(bestMean, finalMean);
          evalSeconds += (performance.now() - t) / 1000;
          log(`  ${name} seed ${seed}: ${state.step} steps, eval ${finalMean.toFixed(1)}, recent ${state.recentReturn.toFixed(1)}`);
          if (finalMean >= THRESHOLD) {
            solvedAt = state.step;
            return false;
          }
          return true;
        },
      },
    ],
  });
  if (solvedAt === null) {
    const t = performance.now();
    finalMean = evaluate(agent, evalEnv);
    bestMean = Math.max(bestMean, finalMean);
    evalSeconds += (performance.now() - t) / 1000;
  }
  const seconds = (performance.now() - started) / 1000;
  const stepsPerSecond = report.steps / Math.max(1e-9, seconds - evalSeconds);
  agent.dispose();
  return { seed, solvedAt, finalMean, bestMean, seconds, stepsPerSecond };
}

export async function run({ quick = false, log = console.log } = {}) {
  await initBackend({ prefer: 'wasm' }); // offline wasm, single thread in Node
  const seeds = quick ? [0] : [0, 1, 2];
  const tasks = [
    { name: 'RecurrentPPO masked CartPole-v1', make: (seed) => new pg.RecurrentPPO({ ...RECURRENT_CONFIG, seed }), solves: true },
  ];
  if (typeof pg.PPO === 'function') {
    tasks.push({ name: 'PPO (feed-forward) masked CartPole-v1', make: (seed) => new pg.PPO({ ...FEED_FORWARD_CONFIG, seed }), solves: false });
  } else {
    log('PPO (feed-forward): not in dist/ — comparison skipped');
  }
  const results = [];
  for (const task of tasks) {
    for (const seed of seeds) {
      const r = await train(task.name, task.make, seed, log);
      // The recurrent agent must reach the threshold; the feed-forward one must stay below it.
      const pass = task.solves ? r.solvedAt !== null : r.solvedAt === null;
      results.push({ name: task.name, envId: 'CartPole-v1', seed, threshold: THRESHOLD, budget: BUDGET, ...r, pass });
      log(
        `${task.name} seed ${seed}: ${r.solvedAt === null ? 'not solved' : `solved at ${r.solvedAt}`}, final mean ${r.finalMean.toFixed(1)}, best ${r.bestMean.toFixed(1)}, ` +
          `${r.seconds.toFixed(1)} s, ${Math.round(r.stepsPerSecond)} steps/s — ${pass ? 'PASS' : 'FAIL'}`,
      );
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.exitCode = results.every((r) => r.pass) ? 0 : 1;
}
