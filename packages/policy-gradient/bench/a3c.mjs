// Learning benchmark: A3C (Algorithm S3; the default config: shared Adam η = 2e-3, t_max = 20,
// β = 0.01, γ = 0.99, 64-64 tanh) with 2 worker threads on CartPole-v1, seeds 0, 1, 2 (quick:
// seed 0); the workers and the main thread run tfjs on wasm, single-threaded each. Every
// EVAL_EVERY env steps (over both workers) the main thread evaluates the deterministic policy
// of the global θ for 20 episodes on its own env (seeds 10000…10019) while the workers keep
// training; a seed is solved at the first evaluation whose mean return is ≥ 475 (the step
// reported is the one at which the evaluated θ was read), and its training stops there.
// Budget: 500,000 env steps per seed. Prints per seed the solved-at step, the final mean,
// wall-clock seconds, env steps/s (wall clock, evaluations included: they run beside the
// workers) and the CPU time used per wall-clock second (cores busy, all threads).
//
// Asynchronous updates are not reproducible: the numbers differ from run to run.
//
//   node bench/a3c.mjs [--quick]   # needs dist/ (npx tsup) of this package and its deps
import { fileURLToPath } from 'node:url';
import { makeEnv } from '@tfrl/envs';
import { dist, forSeeds, runIfMain, setUpBackend, trainUntil } from './harness.mjs';

const ENV = { module: fileURLToPath(new URL('./a3c-env.mjs', import.meta.url)), export: 'registered', options: { id: 'CartPole-v1' } };

async function train(A3C, seed, numWorkers) {
  const agent = new A3C({ seed, numWorkers });
  const run = await trainUntil({
    name: `A3C (${numWorkers} workers) CartPole-v1`,
    seed,
    agent,
    env: ENV,
    evalEnv: makeEnv('CartPole-v1'),
    threshold: 475,
    budget: 500_000,
    evalEvery: 10_000,
    episodes: 20,
    on: 'update',
    solvedStep: () => agent.steps, // θ is read at the first act
    finalEvaluation: 'count',
    wallClock: true,
    note: ({ cpuSeconds, result }) => `${(cpuSeconds / result.seconds).toFixed(2)} cores busy`,
  });
  return { ...run.result, cores: run.cpuSeconds / run.result.seconds };
}

/** A3C with 2 workers: deterministic mean ≥ 475 on CartPole-v1 within 500,000 steps. */
export async function run({ quick = false } = {}) {
  await setUpBackend();
  const { A3C } = await dist();
  return forSeeds(quick, (seed) => train(A3C, seed, 2));
}

await runIfMain(import.meta.url, run);
