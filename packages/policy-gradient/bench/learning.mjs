// Learning benchmark of @tfrl/policy-gradient: every algorithm trains with fixed seeds on the
// issue's task and budget, evaluated deterministically (20 episodes; 10 for Pendulum) every few
// thousand steps; a seed passes when the mean reaches the threshold within the budget.
// Each algorithm's run lives in bench/<algo>.mjs (`run({ quick })`); this file runs them in turn,
// measures the env alone (random actions) as the baseline of the same run, prints a summary with
// training throughput as a ratio to that baseline, and exits 1 when a target is missed.
//
//   node bench/learning.mjs                 # everything, seeds 0, 1, 2 (long: tens of minutes)
//   node bench/learning.mjs --quick         # seed 0 only
//   node bench/learning.mjs --only ppo,sac  # some algorithms
//
// Needs dist/ (pnpm build) of this package and of @tfrl/core, @tfrl/replay, @tfrl/envs.
import { performance } from 'node:perf_hooks';
import { Rng } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';

const ALGORITHMS = ['reinforce', 'actor-critic', 'a2c', 'a3c', 'ppo', 'trpo', 'recurrent-ppo', 'sac', 'off-policy-ac', 'td3', 'ddpg'];
const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1].split(',') : ALGORITHMS;
for (const name of only) if (!ALGORITHMS.includes(name)) throw new Error(`--only: unknown algorithm ${name}; choose from ${ALGORITHMS.join(', ')}`);

/** Env steps per second of `envId` alone with uniformly random actions (reset on done). */
function envAlone(envId, seconds = 1) {
  const env = makeEnv(envId);
  const rng = Rng.fromSeed(0);
  env.reset({ seed: 0 });
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 1000; k++) {
      const step = env.step(env.actionSpace.sample(rng));
      if (step.terminated || step.truncated) env.reset();
    }
    steps += 1000;
  }
  return steps / ((performance.now() - start) / 1000);
}

const baseline = { 'CartPole-v1': envAlone('CartPole-v1'), 'Pendulum-v1': envAlone('Pendulum-v1') };
console.log(`baseline, env alone with random actions: CartPole-v1 ${Math.round(baseline['CartPole-v1']).toLocaleString('en')} steps/s, Pendulum-v1 ${Math.round(baseline['Pendulum-v1']).toLocaleString('en')} steps/s`);
/** The baseline of the env a row was evaluated on (masked CartPole counts as CartPole-v1). */
function baselineOf(row) {
  const id = row.envId ?? '';
  const key = Object.keys(baseline).find((k) => id.startsWith(k.split('-')[0]));
  if (key === undefined) throw new Error(`${row.name}: no baseline for env ${JSON.stringify(row.envId)}`);
  return baseline[key];
}

const rows = [];
for (const name of only) {
  console.log(`\n== ${name} ==`);
  const { run } = await import(`./${name}.mjs`);
  for (const result of await run({ quick })) rows.push({ algorithm: name, ...result });
}

console.log('\nsummary (training steps/s as a ratio to the env alone):');
for (const row of rows) {
  const ratio = row.stepsPerSecond / baselineOf(row);
  const solved = row.solvedAt === null ? `not within ${row.budget.toLocaleString('en')}` : `at ${row.solvedAt.toLocaleString('en')}`;
  console.log(
    `${row.pass ? 'PASS' : 'MISS'}  ${row.name.padEnd(34)} seed ${row.seed}  ≥ ${row.threshold} ${solved.padEnd(20)} ` +
      `final ${row.finalMean.toFixed(1).padStart(7)}  ${row.seconds.toFixed(1).padStart(6)} s  ` +
      `${Math.round(row.stepsPerSecond).toLocaleString('en').padStart(7)} steps/s (${ratio.toExponential(2)}× env alone)`,
  );
}
const missed = rows.filter((row) => !row.pass);
console.log(`\n${rows.length - missed.length}/${rows.length} runs met their target`);
if (missed.length > 0) process.exitCode = 1;
