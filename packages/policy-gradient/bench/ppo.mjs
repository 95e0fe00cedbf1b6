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
import { CartPoleVectorEnv, PendulumVectorEnv, makeEnv } from '@tfrl/envs';
import { dist, forTasks, runIfMain, setUpBackend, trainUntil } from './harness.mjs';

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

/** Trains every task for its seeds; returns one result per (task, seed). */
export async function run({ quick = false } = {}) {
  await setUpBackend();
  const { PPO } = await dist();
  return forTasks(TASKS, { quick, flag: 'PPO_PENDULUM' }, async (task, seed) => {
    const { result } = await trainUntil({
      name: task.name,
      seed,
      agent: new PPO({ ...task.config, seed }),
      env: task.makeTrainEnv(),
      evalEnv: makeEnv(task.envId),
      threshold: task.threshold,
      budget: task.budget,
      evalEvery: EVAL_EVERY,
      episodes: task.episodes,
      on: 'update',
      finalEvaluation: 'report',
    });
    return result;
  });
}

await runIfMain(import.meta.url, run);
