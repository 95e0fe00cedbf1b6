// Learning benchmark: SAC on Pendulum-v1 (deterministic mean ≥ −200 within 20,000 env steps),
// seeds 0, 1, 2 (quick: seed 0), default config (rl-zoo's Pendulum SAC on 64-64 networks), on the
// wasm backend, single thread. Every 1,000 env steps the deterministic policy is evaluated on 10
// episodes (seeds 10000…10009, an env not trained on); a seed is solved at the first evaluation
// reaching the threshold, and training stops there. Prints per seed the solved-at step, the final
// mean, wall-clock seconds and env steps/s (evaluations excluded).
//
//   node bench/sac.mjs [--quick]      # needs dist/ (npx tsup) of this package and its deps
import { makeEnv } from '@tfrl/envs';
import { dist, forSeeds, runIfMain, setUpBackend, trainUntil } from './harness.mjs';

const EVAL_EVERY = 1_000;
const EVAL_EPISODES = 10;

/**
 * Trains `agent` on Pendulum-v1 until the deterministic mean over 10 episodes reaches `threshold`
 * or `budget` steps are spent; no evaluation before step `evalFrom`. The result's name is
 * `${name} Pendulum-v1` unless `label` names it.
 */
export async function trainOnPendulum({ name, agent, seed, threshold, budget, evalFrom = 0, label = `${name} Pendulum-v1` }) {
  await setUpBackend();
  const { result } = await trainUntil({
    name: label,
    seed,
    agent,
    env: makeEnv('Pendulum-v1'),
    evalEnv: makeEnv('Pendulum-v1'),
    threshold,
    budget,
    evalEvery: EVAL_EVERY,
    episodes: EVAL_EPISODES,
    evalFrom,
  });
  return result;
}

/** SAC: deterministic mean ≥ −200 within 20,000 steps. */
export async function run({ quick = false } = {}) {
  const { SAC } = await dist();
  return forSeeds(quick, (seed) => trainOnPendulum({ name: 'SAC', agent: new SAC({ seed }), seed, threshold: -200, budget: 20_000 }));
}

await runIfMain(import.meta.url, run);
