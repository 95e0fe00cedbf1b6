// Learning benchmark: REINFORCE with a learned value baseline (the default config: reward-to-go,
// normalised advantages, 64-64 tanh, 4 episodes per update) on CartPole-v1 with 4 batched envs
// (CartPoleVectorEnv), seeds 0, 1, 2 (quick: seed 0), on the wasm backend, single thread. Every
// EVAL_EVERY env steps the deterministic policy is evaluated for 20 episodes on a separate env
// (seeds 10000…10019); a seed is solved at the first evaluation whose mean return is ≥ 475, and
// its training stops there. Budget: 300,000 env steps per seed. Prints per seed the solved-at
// step, the final mean, wall-clock seconds and env steps/s (evaluations excluded).
//
//   node bench/reinforce.mjs [--quick]   # needs dist/ (npx tsup) of this package and its deps
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { dist, forSeeds, runIfMain, setUpBackend, trainUntil } from './harness.mjs';

export { dist };

const EVAL_EVERY = 5_000;
const EVAL_EPISODES = 20;

/**
 * Trains `new Agent({ ...config, seed })` on `numEnvs` batched CartPole-v1 envs until the
 * deterministic mean return over 20 episodes reaches `threshold` or `budget` steps are spent.
 */
export async function trainCartPole({ name, Agent, config = {}, numEnvs, seed, threshold = 475, budget = 300_000 }) {
  await setUpBackend();
  const { result } = await trainUntil({
    name,
    seed,
    agent: new Agent({ ...config, seed }),
    env: new CartPoleVectorEnv({ numEnvs }),
    evalEnv: makeEnv('CartPole-v1'),
    threshold,
    budget,
    evalEvery: EVAL_EVERY,
    episodes: EVAL_EPISODES,
  });
  return result;
}

/** REINFORCE with a value baseline: deterministic mean ≥ 475 within 300,000 steps. */
export async function run({ quick = false } = {}) {
  const { Reinforce } = await dist();
  return forSeeds(quick, (seed) => trainCartPole({ name: 'REINFORCE (value baseline) CartPole-v1', Agent: Reinforce, numEnvs: 4, seed }));
}

await runIfMain(import.meta.url, run);
