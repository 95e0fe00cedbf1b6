// Env throughput: a single CartPole-v1 loop against the vector envs, in env-steps per second.
// Run after a build: `pnpm build && pnpm bench` (imports ../dist/index.js).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Rng } from '@tfrl/core';
import { AsyncVectorEnv, CartPoleVectorEnv, SyncVectorEnv, makeEnv, stepCartPoleState } from '../dist/index.js';

const WARMUP_S = 0.5;
const MEASURE_S = Number(process.env.BENCH_SECONDS ?? 3);
const TARGET = 50;

// Actions are drawn from an Rng ahead of time, so that every loop times the env alone.
const rng = Rng.fromSeed(0);
const ACTION_ROWS = 64;
const actionTable = (numEnvs) =>
  Array.from({ length: ACTION_ROWS }, () => Int32Array.from({ length: numEnvs }, () => rng.int(2)));

/** Runs `chunk` (which returns env-steps done) for WARMUP_S, then MEASURE_S; env-steps per second. */
async function measure(chunk) {
  let end = performance.now() + WARMUP_S * 1000;
  while (performance.now() < end) await chunk();
  let steps = 0;
  const start = performance.now();
  end = start + MEASURE_S * 1000;
  while (performance.now() < end) steps += await chunk();
  return steps / ((performance.now() - start) / 1000);
}

async function singleLoop() {
  const env = makeEnv('CartPole-v1');
  env.reset({ seed: 0 });
  const actions = actionTable(4096).flatMap((row) => Array.from(row));
  let t = 0;
  // The loop body is synchronous; a chunk of 10 000 steps keeps the timing overhead out.
  return measure(() => {
    for (let k = 0; k < 10_000; k++) {
      const step = env.step(actions[t++ & (actions.length - 1)]);
      if (step.terminated || step.truncated) env.reset();
    }
    return 10_000;
  });
}

async function vectorLoop(env, stepsPerChunk) {
  const actions = actionTable(env.numEnvs);
  await env.reset({ seed: 0 });
  let t = 0;
  const rate = await measure(async () => {
    for (let k = 0; k < stepsPerChunk; k++) await env.step(actions[t++ % ACTION_ROWS]);
    return stepsPerChunk * env.numEnvs;
  });
  await env.close();
  return rate;
}

const format = (rate) => `${(rate / 1e6).toFixed(2).padStart(8)} M env-steps/s`;
const cores = availableParallelism();
console.log(`@tfrl/envs bench: Node ${process.version}, ${cores} cores, ${MEASURE_S} s per case, CartPole-v1`);

const single = await singleLoop();
const rows = [['single env loop (makeEnv, reset on done)', single]];
rows.push(['SyncVectorEnv, 16 envs', await vectorLoop(new SyncVectorEnv(Array.from({ length: 16 }, () => () => makeEnv('CartPole-v1'))), 100)]);
const kernel = await vectorLoop(new CartPoleVectorEnv({ numEnvs: 1024 }), 20);
rows.push(['CartPoleVectorEnv (batched kernel), 1024 envs', kernel]);
const asyncEnv = await AsyncVectorEnv.create({ numEnvs: 16, workers: 2, env: { id: 'CartPole-v1' } });
rows.push([`AsyncVectorEnv, 16 envs in 2 workers (${asyncEnv.sharedMemory ? 'shared memory' : 'copies'})`, await vectorLoop(asyncEnv, 100)]);

for (const [name, rate] of rows) console.log(`${name.padEnd(60)} ${format(rate)}  ${(rate / single).toFixed(2).padStart(7)}×`);
const ratio = kernel / single;
console.log(`batched kernel per env-step: ${ratio.toFixed(1)}× the single-env loop (target ≥ ${TARGET}×): ${ratio >= TARGET ? 'PASS' : 'MISS'}`);

// Ceilings for any CartPole kernel on this machine, measured in the same run: the dynamics alone
// (1,024 states stepped in place, no termination checks, observations or resets), and the two
// transcendental calls every step needs. No kernel computing the same dynamics can beat them.
const STATES = 1024;
const physics = await measure(() => {
  const state = new Float64Array(STATES * 4);
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < STATES; i++) stepCartPoleState(state, i * 4, (round + i) & 1);
  }
  return 20 * STATES;
});
let sink = 0;
const trig = await measure(() => {
  let acc = 0;
  for (let k = 0; k < 20_480; k++) {
    const theta = k * 1e-4;
    acc += Math.sin(theta) + Math.cos(theta);
  }
  sink += acc;
  return 20_480;
});
console.log(`${'ceiling: CartPole dynamics alone, in place'.padEnd(60)} ${format(physics)}  ${(physics / single).toFixed(2).padStart(7)}×`);
console.log(`${'ceiling: Math.sin + Math.cos alone'.padEnd(60)} ${format(trig)}  ${(trig / single).toFixed(2).padStart(7)}×${sink === 0 ? ' ' : ''}`);
console.log(
  `the ${TARGET}× target needs ${format(TARGET * single).trim()}; the bare dynamics reach ${(physics / single).toFixed(1)}× the single-env loop on this machine`,
);
