// Learning benchmark of A2C: the default config (8 CartPoleVectorEnv sub-envs), with Adam and with
// RMSProp (SB3's optimizer), on CartPole-v1,
// seeds 0, 1, 2 (quick: seed 0), on the wasm backend, single thread. Every 10,000 env steps the
// deterministic policy is evaluated over 20 episodes (seeds 10000…10019) on an env not trained on;
// a seed is solved at the first evaluation with mean ≥ 475, and training stops there. Budget
// 500,000 env steps per seed. Prints per seed the solved-at step, final mean, wall-clock seconds
// and env steps/s (training only, evaluations excluded).
//
//   node bench/a2c.mjs [--quick]
//
// Needs dist/ (npx tsup) of this package and of @tfrl/core, @tfrl/replay, @tfrl/envs.
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { dist, forSeeds, runIfMain, setUpBackend, trainUntil } from './harness.mjs';

/** Trains seeds 0, 1, 2 (quick: 0) with Adam (the default) and with RMSProp; one result per seed and optimizer. */
export async function run({ quick = false } = {}) {
  await setUpBackend();
  const { A2C, defaultA2cConfig } = await dist();
  const variants = [
    { name: 'A2C CartPole-v1', config: defaultA2cConfig },
    { name: 'A2C (RMSProp) CartPole-v1', config: { ...defaultA2cConfig, optimizer: 'rmsprop' } },
  ];
  const results = [];
  for (const { name, config } of variants) {
    results.push(
      ...(await forSeeds(quick, async (seed) => {
        const { result } = await trainUntil({
          name,
          seed,
          agent: new A2C({ ...config, seed }),
          env: new CartPoleVectorEnv({ numEnvs: 8 }),
          evalEnv: makeEnv('CartPole-v1'),
          threshold: 475,
          budget: 500_000,
          evalEvery: 10_000,
          episodes: 20,
        });
        return result;
      })),
    );
  }
  return results;
}

await runIfMain(import.meta.url, run);
