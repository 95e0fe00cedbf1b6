// Learning benchmark: the off-policy actor-critic of CS285 lecture 6 (OffPolicyActorCritic,
// default config) on Pendulum-v1, seeds 0, 1, 2 (quick: seed 0). No official threshold: the
// reported target is a deterministic mean ≥ −400 within 30,000 env steps. Evaluation and output
// as bench/sac.mjs.
//
//   node bench/off-policy-ac.mjs [--quick]     # needs dist/ (npx tsup) of this package and its deps
import { pathToFileURL } from 'node:url';
import { trainOnPendulum } from './sac.mjs';

export async function run({ quick = false } = {}) {
  const { OffPolicyActorCritic } = await import(process.env.PG_DIST ?? '../dist/index.js');
  const results = [];
  for (const seed of quick ? [0] : [0, 1, 2]) {
    results.push(await trainOnPendulum({ name: 'OffPolicyAC', agent: new OffPolicyActorCritic({ seed }), seed, threshold: -400, budget: 30_000 }));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exit(1);
}
