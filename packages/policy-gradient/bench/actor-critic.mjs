// Learning benchmark: one-step Actor-Critic (the default config) on CartPole-v1 with 8 batched
// envs (CartPoleVectorEnv), seeds 0, 1, 2 (quick: seed 0), on the wasm backend, single thread;
// evaluation and output as bench/reinforce.mjs. The issue sets no threshold for this algorithm:
// the reported target is a deterministic mean ≥ 475 within 300,000 env steps, pass or miss.
//
//   node bench/actor-critic.mjs [--quick]   # needs dist/ (npx tsup) of this package and its deps
import { pathToFileURL } from 'node:url';
import { dist, trainCartPole } from './reinforce.mjs';

export async function run({ quick = false } = {}) {
  const { ActorCriticAgent } = await dist();
  const results = [];
  for (const seed of quick ? [0] : [0, 1, 2]) {
    results.push(await trainCartPole({ name: 'Actor-Critic (one-step) CartPole-v1', Agent: ActorCriticAgent, numEnvs: 8, seed }));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exit(1);
}
