// Learning benchmark: DQN and Rainbow (rainbow()) with their default configs on CartPole-v1,
// seeds 0, 1, 2, and DQN on Acrobot-v1, on the wasm backend, single thread. A run counts as
// solved at the first evaluation (every EVAL_EVERY env steps; 20 episodes, greedy actions, seeds
// 10000…10019, on an env not trained on) whose mean return reaches the env's threshold; training
// stops there. Asserts: DQN and Rainbow solve CartPole-v1 (mean ≥ 475) within 50,000 steps for
// 3 of 3 seeds; DQN solves Acrobot-v1 (mean ≥ −100) within 100,000 steps (seeds 0, 1, 2). Prints wall-clock
// seconds, env steps/s (training, evaluations excluded) and the median cost of one update of the
// default networks. Exits 1 when an assertion fails.
//
//   node bench/learning.mjs           # the full benchmark (~10 min on a 2-vCPU machine)
//   node bench/learning.mjs --quick   # seed 0 only, no Acrobot, fewer timing reps
//
// Needs dist/ (pnpm build) of this package and of @tfrl/core, @tfrl/replay, @tfrl/envs.
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the built-in gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { Rng, evaluatePolicy } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { DQN, DqnLearner, createQNetwork, defaultDqnConfig, rainbow } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const SEEDS = quick ? [0] : [0, 1, 2];
const EVAL_EPISODES = 20;
const EVAL_EVERY = 2_500;

const TASKS = [
  { name: 'DQN', envId: 'CartPole-v1', config: defaultDqnConfig, maxSteps: 50_000, threshold: 475, seeds: SEEDS },
  { name: 'Rainbow', envId: 'CartPole-v1', config: rainbow(), maxSteps: 50_000, threshold: 475, seeds: SEEDS },
  ...(quick ? [] : [{ name: 'DQN', envId: 'Acrobot-v1', config: defaultDqnConfig, maxSteps: 100_000, threshold: -100, seeds: SEEDS }]),
];

/** Trains until solved or `maxSteps`; evaluations run every EVAL_EVERY steps. */
async function train(task, seed) {
  const agent = new DQN({ ...task.config, seed });
  const env = makeEnv(task.envId);
  const evalEnv = makeEnv(task.envId);
  const evals = [];
  let solvedAt = null;
  let evalSeconds = 0;
  const started = performance.now();
  const report = await agent.learn({
    env,
    totalSteps: task.maxSteps,
    callbacks: [
      {
        onStep(state) {
          if (state.step % EVAL_EVERY !== 0) return true;
          const t = performance.now();
          const { meanReturn } = evaluatePolicy(evalEnv, agent, { episodes: EVAL_EPISODES, seed: 10_000 });
          evalSeconds += (performance.now() - t) / 1000;
          evals.push(Math.round(meanReturn));
          if (meanReturn >= task.threshold) {
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
  return { seed, solvedAt, evals, steps: report.steps, updates: report.updates, seconds, stepsPerSecond: report.steps / (seconds - evalSeconds) };
}

/** Median µs of one DqnLearner update on a random CartPole-shaped batch of the config's size. */
function updateCost(config, reps) {
  const rng = Rng.fromSeed(0);
  const online = createQNetwork({ ...config, inputSize: 4, actions: 2, name: 'bench/online' }, rng);
  const learner = new DqnLearner(online, config, rng);
  const size = config.batchSize;
  const batch = {
    size,
    observations: rng.fillNormal(new Float32Array(size * 4)),
    actions: Int32Array.from({ length: size }, () => rng.int(2)),
    rewards: new Float32Array(size).fill(1),
    nextObservations: rng.fillNormal(new Float32Array(size * 4)),
    terminated: Uint8Array.from({ length: size }, () => (rng.uniform() < 0.05 ? 1 : 0)),
    discounts: new Float32Array(size).fill(config.gamma ** config.nStep),
    ...(config.prioritized ? { weights: rng.fillUniform(new Float32Array(size), 0.1, 1) } : {}),
  };
  for (let i = 0; i < 50; i++) learner.update(batch);
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    learner.update(batch);
    times.push((performance.now() - t) * 1000);
  }
  online.dispose();
  learner.target.dispose();
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

tf.enableProdMode();
await initBackend({ prefer: 'wasm' }); // offline wasm, single thread in Node
console.log(`learning benchmark (${quick ? 'quick' : 'full'}), backend ${tf.getBackend()}, node ${process.version}`);
const failures = [];
for (const task of TASKS) {
  const results = [];
  for (const seed of task.seeds) {
    const r = await train(task, seed);
    results.push(r);
    const verdict = r.solvedAt === null ? `NOT solved in ${task.maxSteps}` : `solved at ${r.solvedAt}`;
    console.log(
      `${task.name.padEnd(7)} ${task.envId.padEnd(11)} seed ${seed}: ${verdict} steps; ${r.seconds.toFixed(1)} s wall, ` +
        `${Math.round(r.stepsPerSecond)} steps/s, ${r.updates} updates; evaluations ${r.evals.join(' ')}`,
    );
  }
  const solved = results.filter((r) => r.solvedAt !== null).length;
  const line = `${task.name} on ${task.envId}: ${solved} of ${results.length} seeds reach ${task.threshold} within ${task.maxSteps} steps`;
  console.log(`  => ${line}`);
  if (solved < results.length) failures.push(line);
}
const reps = quick ? 200 : 1000;
console.log(`update cost, default network ${JSON.stringify(defaultDqnConfig.hiddenSizes)} batch ${defaultDqnConfig.batchSize}: median ${Math.round(updateCost(defaultDqnConfig, reps))} µs`);
console.log(`update cost, rainbow() network, batch ${rainbow().batchSize}: median ${Math.round(updateCost(rainbow(), reps))} µs`);
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('all learning assertions passed');
