// Learning benchmark: DDPG on Pendulum-v1 (deterministic mean ≥ −250 within 30,000 steps), seeds
// 0, 1, 2 (quick: seed 0), wasm backend; evaluation and output as bench/td3.mjs.
//
//   node bench/ddpg.mjs [--quick]     # needs dist/ (npx tsup) of this package and its deps
import { pathToFileURL } from 'node:url';
import { PENDULUM, dist, trainPendulum } from './td3.mjs';

export async function run({ quick = false } = {}) {
  const { DDPG } = await dist();
  const results = [];
  for (const seed of quick ? [0] : [0, 1, 2]) {
    results.push(await trainPendulum({ name: 'DDPG', Agent: DDPG, config: PENDULUM, seed, threshold: -250, budget: 30_000 }));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exit(1);
}
