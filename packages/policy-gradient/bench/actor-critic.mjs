// Learning benchmark: one-step Actor-Critic (the default config) on CartPole-v1 with 8 batched
// envs (CartPoleVectorEnv), seeds 0, 1, 2 (quick: seed 0), on the wasm backend, single thread;
// evaluation and output as bench/reinforce.mjs. The issue sets no threshold for this algorithm:
// the reported target is a deterministic mean ≥ 475 within 300,000 env steps, pass or miss.
//
//   node bench/actor-critic.mjs [--quick]   # needs dist/ (npx tsup) of this package and its deps
import { dist, forSeeds, runIfMain } from './harness.mjs';
import { trainCartPole } from './reinforce.mjs';

export async function run({ quick = false } = {}) {
  const { ActorCriticAgent } = await dist();
  return forSeeds(quick, (seed) => trainCartPole({ name: 'Actor-Critic (one-step) CartPole-v1', Agent: ActorCriticAgent, numEnvs: 8, seed }));
}

await runIfMain(import.meta.url, run);
