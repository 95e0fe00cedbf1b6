// Learning benchmark: TD3 on Pendulum-v1, seeds 0, 1, 2 (quick: seed 0), on the wasm backend,
// single thread. Every 1,000 env steps (from learningStarts on) the deterministic policy is
// evaluated on 10 episodes (seeds 10000…10009, an env not trained on); a seed is solved at the
// first evaluation whose mean return reaches the threshold, and training stops there. Prints per
// seed the solved-at step, the final mean, wall-clock seconds and env steps/s (evaluations
// excluded). Training and evaluation are bench/sac.mjs's trainOnPendulum.
//
//   node bench/td3.mjs [--quick]      # needs dist/ (npx tsup) of this package and its deps
import { dist, forSeeds, runIfMain, setUpBackend } from './harness.mjs';
import { trainOnPendulum } from './sac.mjs';

export { dist };

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

/**
 * Trains `new Agent({ ...config, seed })` on Pendulum-v1 until the deterministic mean return over
 * 10 episodes reaches `threshold` or `budget` steps are spent (the result is named `name`).
 */
export async function trainPendulum({ name, Agent, config, seed, threshold, budget }) {
  await setUpBackend(); // before the agent builds its networks
  const agent = new Agent({ ...config, seed });
  return trainOnPendulum({ name, label: name, agent, seed, threshold, budget, evalFrom: config.learningStarts });
}

/** TD3: deterministic mean ≥ −200 within 20,000 steps. */
export async function run({ quick = false } = {}) {
  const { TD3 } = await dist();
  return forSeeds(quick, (seed) => trainPendulum({ name: 'TD3', Agent: TD3, config: PENDULUM, seed, threshold: -200, budget: 20_000 }));
}

await runIfMain(import.meta.url, run);
