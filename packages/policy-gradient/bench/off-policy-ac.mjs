// Learning benchmark: the off-policy actor-critic of CS285 lecture 6 (OffPolicyActorCritic,
// default config) on Pendulum-v1, seeds 0, 1, 2 (quick: seed 0). No official threshold: the
// reported target is a deterministic mean ≥ −400 within 30,000 env steps. Evaluation and output
// as bench/sac.mjs.
//
//   node bench/off-policy-ac.mjs [--quick]     # needs dist/ (npx tsup) of this package and its deps
import { dist, forSeeds, runIfMain } from './harness.mjs';
import { trainOnPendulum } from './sac.mjs';

export async function run({ quick = false } = {}) {
  const { OffPolicyActorCritic } = await dist();
  return forSeeds(quick, (seed) => trainOnPendulum({ name: 'OffPolicyAC', agent: new OffPolicyActorCritic({ seed }), seed, threshold: -400, budget: 30_000 }));
}

await runIfMain(import.meta.url, run);
