// Core micro-benchmarks: each workload against a naive baseline measured in the same run.
// Run with `pnpm bench` (builds dist/ with tsup first). Medians over REPS repetitions after
// WARMUP untimed ones; throughput in millions per second; ratio = baseline time / our time.
import { performance } from 'node:perf_hooks';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { purify } from 'pure-rand/utils/purify';
import { computeGae, createRng } from '../dist/index.js';

const WARMUP = 2;
const REPS = 9;
let sink = 0; // results feed this so that no timed loop is dead code

/**
 * Median seconds of `ours` and of `baseline` over REPS timed runs each, after WARMUP untimed
 * ones. The two alternate run by run, so that a busy machine slows both alike.
 */
function compare(ours, baseline) {
  for (let i = 0; i < WARMUP; i++) {
    baseline();
    ours();
  }
  const times = { ours: [], baseline: [] };
  const time = (fn) => {
    const start = performance.now();
    fn();
    return (performance.now() - start) / 1000;
  };
  for (let i = 0; i < REPS; i++) {
    times.baseline.push(time(baseline));
    times.ours.push(time(ours));
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ours: median(times.ours), baseline: median(times.baseline) };
}

// ---------------------------------------------------------------------------------------------
// GAE over 1e6 steps: 1000 steps × 1000 envs, ~1% terminations and ~0.5% truncations.
const STEPS = 1000;
const ENVS = 1000;
const N = STEPS * ENVS;
const GAMMA = 0.99;
const LAMBDA = 0.95;

const dataRng = createRng(0);
const rewards = dataRng.fillUniform(new Float32Array(N), -1, 1);
const values = dataRng.fillNormal(new Float32Array(N));
const nextValues = new Float32Array(N);
const terminated = new Uint8Array(N);
const truncated = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  const u = dataRng.uniform();
  terminated[i] = u < 0.01 ? 1 : 0;
  truncated[i] = u >= 0.01 && u < 0.015 ? 1 : 0;
  const continues = i + ENVS < N && !terminated[i] && !truncated[i];
  nextValues[i] = continues ? values[i + ENVS] : dataRng.normal();
}
const gaeInput = { rewards, values, nextValues, terminated, truncated, numEnvs: ENVS, gamma: GAMMA, gaeLambda: LAMBDA };
const gaeOut = { advantages: new Float32Array(N), returns: new Float32Array(N) };

// Naive baseline: the rollout as an array of per-step objects holding number[] / boolean[],
// advantages and returns built as number[][], written the obvious way.
const rollout = [];
for (let t = 0; t < STEPS; t++) {
  const row = (xs) => Array.from(xs.subarray(t * ENVS, (t + 1) * ENVS));
  rollout.push({
    rewards: row(rewards),
    values: row(values),
    nextValues: row(nextValues),
    terminated: row(terminated).map((x) => x === 1),
    truncated: row(truncated).map((x) => x === 1),
  });
}

function naiveGae(steps, gamma, lambda) {
  const numEnvs = steps[0].rewards.length;
  const advantages = new Array(steps.length);
  let nextAdvantage = new Array(numEnvs).fill(0);
  for (let t = steps.length - 1; t >= 0; t--) {
    const step = steps[t];
    const row = [];
    for (let e = 0; e < numEnvs; e++) {
      const notTerminated = step.terminated[e] ? 0 : 1;
      const notDone = step.terminated[e] || step.truncated[e] ? 0 : 1;
      const delta = step.rewards[e] + gamma * notTerminated * step.nextValues[e] - step.values[e];
      row.push(delta + gamma * lambda * notDone * nextAdvantage[e]);
    }
    advantages[t] = row;
    nextAdvantage = row;
  }
  const returns = advantages.map((row, t) => row.map((a, e) => a + steps[t].values[e]));
  return { advantages, returns };
}

// The two must agree before their speeds mean anything.
{
  const ours = computeGae(gaeInput, { advantages: new Float64Array(N), returns: new Float64Array(N) });
  const naive = naiveGae(rollout, GAMMA, LAMBDA);
  for (let i = 0; i < N; i += 997) {
    const diff = Math.abs(ours.advantages[i] - naive.advantages[Math.floor(i / ENVS)][i % ENVS]);
    if (!(diff < 1e-9)) throw new Error(`GAE mismatch at ${i}: ${diff}`);
  }
}

const rows = [];
const naiveRun = () => {
  sink += naiveGae(rollout, GAMMA, LAMBDA).returns[0][0];
};
const gaeInto = compare(() => {
  sink += computeGae(gaeInput, gaeOut).returns[0];
}, naiveRun);
const gaeFresh = compare(() => {
  sink += computeGae(gaeInput).returns[0];
}, naiveRun);
const steps = (s) => `${(N / s / 1e6).toFixed(1)} M steps/s`;
for (const [name, t] of [
  ['into out', gaeInto],
  ['new arrays', gaeFresh],
]) {
  rows.push([`GAE ${STEPS} steps × ${ENVS} envs, ${name}`, steps(t.ours), steps(t.baseline), t.baseline / t.ours]);
}

// ---------------------------------------------------------------------------------------------
// RNG draws. Baseline: the same xoroshiro128+ generator through pure-rand's immutable API
// (`purify`: every draw clones the generator and returns a fresh [value, generator] tuple).
const DRAWS = 2_000_000;
const pureUniform = purify(uniformFloat64);
const pureInt = purify(uniformInt);
const TWO_PI = 2 * Math.PI;
// Box–Muller written the obvious way: two uniforms per call, the second deviate is dropped.
function pureNormal(gen) {
  let u = 0;
  let g = gen;
  while (u === 0) [u, g] = pureUniform(g);
  const [v, g2] = pureUniform(g);
  return [Math.sqrt(-2 * Math.log(u)) * Math.cos(TWO_PI * v), g2];
}

const rng = createRng(1);
const rngWorkloads = [
  [
    'rng.uniform()',
    () => {
      let s = 0;
      for (let i = 0; i < DRAWS; i++) s += rng.uniform();
      sink += s;
    },
    () => {
      let g = xoroshiro128plus(1);
      let s = 0;
      for (let i = 0; i < DRAWS; i++) {
        const [x, next] = pureUniform(g);
        s += x;
        g = next;
      }
      sink += s;
    },
  ],
  [
    'rng.normal()',
    () => {
      let s = 0;
      for (let i = 0; i < DRAWS; i++) s += rng.normal();
      sink += s;
    },
    () => {
      let g = xoroshiro128plus(1);
      let s = 0;
      for (let i = 0; i < DRAWS; i++) {
        const [x, next] = pureNormal(g);
        s += x;
        g = next;
      }
      sink += s;
    },
  ],
  [
    'rng.int(6)',
    () => {
      let s = 0;
      for (let i = 0; i < DRAWS; i++) s += rng.int(6);
      sink += s;
    },
    () => {
      let g = xoroshiro128plus(1);
      let s = 0;
      for (let i = 0; i < DRAWS; i++) {
        const [x, next] = pureInt(g, 0, 5);
        s += x;
        g = next;
      }
      sink += s;
    },
  ],
];
const draws = (s) => `${(DRAWS / s / 1e6).toFixed(1)} M draws/s`;
for (const [name, ours, baseline] of rngWorkloads) {
  const t = compare(ours, baseline);
  rows.push([name, draws(t.ours), draws(t.baseline), t.baseline / t.ours]);
}

// ---------------------------------------------------------------------------------------------
const header = ['workload', 'ours', 'baseline', 'ratio'];
const table = [header, ...rows.map(([w, o, b, r]) => [w, o, b, `${r.toFixed(1)}×`])];
const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
const line = (row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
console.log(`@tfrl/core bench, Node ${process.version}, medians of ${REPS} runs after ${WARMUP} warm-ups`);
console.log(line(table[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table.slice(1)) console.log(line(row));
console.log('GAE baseline: per-step objects of number[]/boolean[], number[][] results, written the obvious way.');
console.log(
  'RNG baseline: same xoroshiro128+ via pure-rand 8 immutable API (purify: clone + [value, gen] tuple per draw);' +
    ' its normal() is Box–Muller dropping the second deviate, ours caches it; its int is pure-rand uniformInt.',
);
if (Number.isNaN(sink)) console.log('(sink NaN)');
