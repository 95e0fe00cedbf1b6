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
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { dist, forTasks, runIfMain, setUpBackend, trainUntil } from './harness.mjs';

const EVAL_EVERY = 4_096;
const CARTPOLE = { nSteps: 256, maxKl: 0.02, gamma: 0.99, gaeLambda: 0.98, hiddenSizes: [64, 64], activation: 'tanh', valueLearningRate: 1e-3, valueEpochs: 10, valueBatchSize: 128 };

const TASKS = [
  { name: 'TRPO CartPole-v1', envId: 'CartPole-v1', config: CARTPOLE, numEnvs: 8, budget: 200_000, threshold: 475, episodes: 20 },
  { name: 'NPG CartPole-v1', envId: 'CartPole-v1', optional: true, config: { ...CARTPOLE, lineSearch: false }, numEnvs: 8, budget: 200_000, threshold: 475, episodes: 20 },
];

/** Trains every task for its seeds; returns one result per (task, seed). */
export async function run({ quick = false } = {}) {
  await setUpBackend();
  const { TRPO } = await dist();
  return forTasks(TASKS, { quick, flag: 'TRPO_NPG' }, async (task, seed) => {
    const lineSearch = { updates: 0, rejected: 0, meanKl: 0 };
    const countLineSearches = {
      onUpdate(_state, metrics) {
        lineSearch.updates++;
        lineSearch.rejected += 1 - metrics.lineSearchSuccess;
        lineSearch.meanKl += (metrics.kl - lineSearch.meanKl) / lineSearch.updates;
      },
    };
    const { result } = await trainUntil({
      name: task.name,
      seed,
      agent: new TRPO({ ...task.config, seed }),
      env: new CartPoleVectorEnv({ numEnvs: task.numEnvs }),
      evalEnv: makeEnv(task.envId),
      threshold: task.threshold,
      budget: task.budget,
      evalEvery: EVAL_EVERY,
      episodes: task.episodes,
      on: 'update',
      finalEvaluation: 'report',
      learnOptions: { callbacks: [countLineSearches] },
      note: () => `${lineSearch.rejected} line searches rejected, mean KL ${lineSearch.meanKl.toFixed(4)}`,
    });
    return result;
  });
}

await runIfMain(import.meta.url, run);
