// Learning benchmark: DDPG on Pendulum-v1 (deterministic mean ≥ −250 within 30,000 steps), seeds
// 0, 1, 2 (quick: seed 0), wasm backend; evaluation and output as bench/td3.mjs.
//
//   node bench/ddpg.mjs [--quick]     # needs dist/ (npx tsup) of this package and its deps
import { dist, forSeeds, runIfMain } from './harness.mjs';
import { PENDULUM, trainPendulum } from './td3.mjs';

export async function run({ quick = false } = {}) {
  const { DDPG } = await dist();
  return forSeeds(quick, (seed) => trainPendulum({ name: 'DDPG', Agent: DDPG, config: PENDULUM, seed, threshold: -250, budget: 30_000 }));
}

await runIfMain(import.meta.url, run);
