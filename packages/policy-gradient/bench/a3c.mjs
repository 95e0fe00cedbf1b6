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
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';

/** This package's build (PG_DIST points elsewhere, e.g. a partial build while tuning). */
const dist = () => import(process.env.PG_DIST ?? '../dist/index.js');

const EVAL_EVERY = 10_000;
const EVAL_EPISODES = 20;
const BUDGET = 500_000;
const THRESHOLD = 475;
const ENV = { module: fileURLToPath(new URL('./a3c-env.mjs', import.meta.url)), export: 'registered', options: { id: 'CartPole-v1' } };

async function setBackend() {
  if (tf.getBackend() === 'wasm') return;
  tf.enableProdMode();
  await initBackend({ prefer: 'wasm' }); // offline wasm, single thread in Node
}

async function train(A3C, seed, numWorkers) {
  const agent = new A3C({ seed, numWorkers });
  const evalEnv = makeEnv('CartPole-v1');
  const evals = [];
  let solvedAt = null;
  let finalMean = Number.NaN;
  let nextEval = EVAL_EVERY;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const report = await agent.learn({
    env: ENV,
    totalSteps: BUDGET,
    callbacks: [
      {
        onUpdate(state) {
          if (state.step < nextEval) return true;
          nextEval += EVAL_EVERY;
          const step = agent.steps; // θ is read at the first act
          finalMean = evaluatePolicy(evalEnv, agent, { episodes: EVAL_EPISODES, seed: 10_000, deterministic: true }).meanReturn;
          evals.push(Math.round(finalMean));
          if (finalMean >= THRESHOLD) {
            solvedAt = step;
            return false;
          }
          return true;
        },
      },
    ],
  });
  if (solvedAt === null) {
    finalMean = evaluatePolicy(evalEnv, agent, { episodes: EVAL_EPISODES, seed: 10_000, deterministic: true }).meanReturn;
    evals.push(Math.round(finalMean));
    if (finalMean >= THRESHOLD) solvedAt = agent.steps;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cores = (cpu.user + cpu.system) / 1e6 / seconds;
  agent.dispose();
  evalEnv.close?.();
  const stepsPerSecond = report.steps / seconds;
  const name = `A3C (${numWorkers} workers) CartPole-v1`;
  const verdict = solvedAt === null ? `NOT solved in ${BUDGET}` : `solved at ${solvedAt}`;
  console.log(
    `${name} seed ${seed}: ${verdict} steps; final mean ${finalMean.toFixed(1)}; ${seconds.toFixed(1)} s wall, ` +
      `${Math.round(stepsPerSecond)} steps/s, ${report.updates} updates, ${cores.toFixed(2)} cores busy; evaluations ${evals.join(' ')}`,
  );
  return { name, seed, threshold: THRESHOLD, budget: BUDGET, solvedAt, finalMean, seconds, stepsPerSecond, cores, pass: solvedAt !== null };
}

/** A3C with 2 workers: deterministic mean ≥ 475 on CartPole-v1 within 500,000 steps. */
export async function run({ quick = false } = {}) {
  await setBackend();
  const { A3C } = await dist();
  const results = [];
  for (const seed of quick ? [0] : [0, 1, 2]) results.push(await train(A3C, seed, 2));
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exit(1);
}
