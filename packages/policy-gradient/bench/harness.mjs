// What every learning benchmark of this package shares: the backend, the build it loads, and the
// train-with-periodic-evaluation loop. An agent trains on `env` for at most `budget` env steps;
// every `evalEvery` env steps its deterministic policy is evaluated for `episodes` episodes on
// `evalEnv` (seeds 10000…), and a seed is solved at the first evaluation whose mean return is
// ≥ `threshold`, where training stops. bench/<algo>.mjs files pick the task and settings;
// bench/learning.mjs runs them and prints the summary.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none in Node)
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';

/** This package's build (PG_DIST points elsewhere, e.g. a partial build while tuning). */
export const dist = () => import(process.env.PG_DIST ?? '../dist/index.js');

/** The wasm backend (offline, single thread in Node) in production mode, unless it is already set. */
export async function setUpBackend() {
  if (tf.getBackend() === 'wasm') return;
  tf.enableProdMode();
  await initBackend({ prefer: 'wasm' });
}

/**
 * Trains `agent` on `env` until an evaluation on `evalEnv` reaches `threshold` or `budget` steps
 * are spent; disposes the agent and closes both envs after.
 *
 * - `on`: the hook that checks the schedule, `'step'` (after every env step; also evaluates at
 *   the budget) or `'update'` (after every gradient update).
 * - `evalFrom`: no evaluation before this step (e.g. the off-policy `learningStarts`).
 * - `finalEvaluation`: after training ends unsolved, `'none'`; `'report'` evaluates the final
 *   policy (unless just evaluated) for `finalMean` only; `'count'` evaluates it and counts it
 *   as solved when it reaches the threshold.
 * - `solvedStep`: the step an evaluation is credited to (default `state.step`; A3C reads
 *   `agent.steps`, the step at which the evaluated θ is read).
 * - `wallClock`: env steps/s over the whole run, evaluations included (default: training only).
 * - `learnOptions`: more `agent.learn` options; its `callbacks` run before the evaluation's.
 * - `note(run)`: more text for the line printed at the end (printResult).
 *
 * Prints the seed's line; resolves to `{ result, evals, report, cpuSeconds }`: `result` is the benchmark row
 * `{ name, envId, seed, threshold, budget, solvedAt, finalMean, seconds, stepsPerSecond, pass }`,
 * `evals` the rounded evaluation means, `report` what `learn` returned, `cpuSeconds` the CPU
 * time of the process (all threads) over the run.
 */
export async function trainUntil({
  name,
  seed,
  agent,
  env,
  evalEnv,
  threshold,
  budget,
  evalEvery,
  episodes,
  on = 'step',
  evalFrom = 0,
  finalEvaluation = 'none',
  solvedStep = (state) => state.step,
  wallClock = false,
  learnOptions = {},
  note = () => '',
}) {
  const evals = [];
  let solvedAt = null;
  let finalMean = Number.NaN;
  let nextEval = Math.max(1, Math.ceil(evalFrom / evalEvery)) * evalEvery;
  let evalSeconds = 0;
  let lastEvalAt = -1;
  const evaluate = () => {
    const t = performance.now();
    lastEvalAt = agent.steps;
    finalMean = evaluatePolicy(evalEnv, agent, { episodes, seed: 10_000, deterministic: true }).meanReturn;
    evalSeconds += (performance.now() - t) / 1000;
    evals.push(Math.round(finalMean));
    return finalMean;
  };
  const check = (state) => {
    if (state.step < nextEval && !(on === 'step' && state.step >= budget)) return true;
    nextEval = (Math.floor(state.step / evalEvery) + 1) * evalEvery;
    const step = solvedStep(state);
    if (evaluate() < threshold) return true;
    solvedAt = step;
    return false;
  };
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const report = await agent.learn({
    env,
    totalSteps: budget,
    ...learnOptions,
    callbacks: [...(learnOptions.callbacks ?? []), on === 'step' ? { onStep: check } : { onUpdate: check }],
  });
  if (solvedAt === null && finalEvaluation === 'report' && lastEvalAt !== agent.steps) evaluate();
  if (solvedAt === null && finalEvaluation === 'count') {
    const step = agent.steps;
    if (evaluate() >= threshold) solvedAt = step;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  agent.dispose();
  await env.close?.();
  evalEnv.close?.();
  const stepsPerSecond = report.steps / Math.max(1e-9, wallClock ? seconds : seconds - evalSeconds);
  const result = { name, envId: evalEnv.spec?.id ?? null, seed, threshold, budget, solvedAt, finalMean, seconds, stepsPerSecond, pass: solvedAt !== null };
  const run = { result, evals, report, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  printResult(run, note(run));
  return run;
}

/** Prints one seed's line: verdict, final mean, time, throughput, updates, `extra`, evaluations. */
export function printResult({ result, evals, report }, extra = '') {
  const { name, seed, threshold, budget, solvedAt, finalMean, seconds, stepsPerSecond } = result;
  const verdict = solvedAt === null ? `NOT solved in ${budget}` : `solved at ${solvedAt}`;
  console.log(
    `${name} seed ${seed}: ${verdict} steps; final mean ${finalMean.toFixed(1)} (threshold ${threshold}); ${seconds.toFixed(1)} s wall, ` +
      `${Math.round(stepsPerSecond)} steps/s, ${report.updates} updates${extra ? `, ${extra}` : ''} (backend ${tf.getBackend()}); ` +
      `evaluations ${evals.join(' ')}`,
  );
}

/** `train(seed)` for seeds 0, 1, 2 (quick: 0) in turn; the results in order. */
export async function forSeeds(quick, train) {
  const results = [];
  for (const seed of quick ? [0] : [0, 1, 2]) results.push(await train(seed));
  return results;
}

/** {@link forSeeds} for every task, leaving out the `optional` ones unless the env variable `flag` is 1. */
export async function forTasks(tasks, { quick, flag }, train) {
  const results = [];
  for (const task of tasks) {
    if (task.optional && process.env[flag] !== '1') continue;
    results.push(...(await forSeeds(quick, (seed) => train(task, seed))));
  }
  return results;
}

/** Runs `run({ quick })` when `moduleUrl` is the script node was started with; exits 1 on a missed target. */
export async function runIfMain(moduleUrl, run) {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const results = await run({ quick: process.argv.includes('--quick') });
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}
