// Replay throughput and memory at capacity 1e6 with CartPole-shaped transitions (4 float32
// observations, a discrete action), each rate against a naive baseline measured in the same run.
// Run after a build: `npx tsup && pnpm bench` (imports ../dist/index.js). BENCH_SECONDS sets the
// time per case (default 1).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Rng } from '@tfrl/core';
import { PrioritizedReplayBuffer, UniformReplayBuffer } from '../dist/index.js';

const CAPACITY = 1_000_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const MEMORY_TARGET = 40e6;
const OBS = 4;
const BATCH = 64;
const VECTOR = 16;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

// ---------------------------------------------------------------------------------------------
// A CartPole-v1 stream (Gymnasium's dynamics, random actions, 500-step limit), generated once:
// STREAM transitions in columns, with episode boundaries where CartPole has them.

const STREAM = 1 << 17;
const stream = {
  observations: new Float32Array(STREAM * OBS),
  actions: new Int32Array(STREAM),
  rewards: new Float32Array(STREAM).fill(1),
  nextObservations: new Float32Array(STREAM * OBS),
  terminated: new Uint8Array(STREAM),
  truncated: new Uint8Array(STREAM),
};
let episodes = 0;
{
  const rng = Rng.fromSeed(0);
  const reset = () => Array.from({ length: 4 }, () => rng.uniform(-0.05, 0.05));
  let s = reset();
  let t = 0;
  for (let i = 0; i < STREAM; i++) {
    const action = rng.int(2);
    let [x, xDot, theta, thetaDot] = s;
    const force = action === 1 ? 10 : -10;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + 0.05 * thetaDot * thetaDot * sin) / 1.1;
    const thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4 / 3 - (0.1 * cos * cos) / 1.1));
    const xAcc = temp - (0.05 * thetaAcc * cos) / 1.1;
    x += 0.02 * xDot;
    xDot += 0.02 * xAcc;
    theta += 0.02 * thetaDot;
    thetaDot += 0.02 * thetaAcc;
    const next = [x, xDot, theta, thetaDot];
    const terminated = Math.abs(x) > 2.4 || Math.abs(theta) > (12 * 2 * Math.PI) / 360;
    const truncated = !terminated && ++t === 500;
    stream.observations.set(s, i * OBS);
    stream.nextObservations.set(next, i * OBS);
    stream.actions[i] = action;
    stream.terminated[i] = +terminated;
    stream.truncated[i] = +truncated;
    if (terminated || truncated) {
      episodes++;
      t = 0;
      // the next step starts from a reset, as a collector does it (stored nextObservation is the final one)
      s = reset();
    } else s = Array.from(stream.nextObservations.subarray(i * OBS, (i + 1) * OBS));
  }
}
const transitions = Array.from({ length: STREAM }, (_, i) => ({
  observation: stream.observations.subarray(i * OBS, (i + 1) * OBS),
  action: stream.actions[i],
  reward: stream.rewards[i],
  nextObservation: stream.nextObservations.subarray(i * OBS, (i + 1) * OBS),
  terminated: stream.terminated[i] === 1,
  truncated: stream.truncated[i] === 1,
}));
const vectorBatches = Array.from({ length: STREAM / VECTOR }, (_, b) => {
  const rows = (a, w = 1) => a.subarray(b * VECTOR * w, (b + 1) * VECTOR * w);
  return {
    observations: rows(stream.observations, OBS),
    actions: rows(stream.actions),
    rewards: rows(stream.rewards),
    nextObservations: rows(stream.nextObservations, OBS),
    terminated: rows(stream.terminated),
    truncated: rows(stream.truncated),
  };
});

// ---------------------------------------------------------------------------------------------
// Naive baselines: a JS array ring of transition objects (copies of the arrays), and O(n)
// prioritized sampling by a linear scan of cumulative priorities.

class NaiveRing {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = [];
    this.position = 0;
  }
  add(t) {
    const item = {
      observation: t.observation.slice(),
      action: t.action,
      reward: t.reward,
      nextObservation: t.nextObservation.slice(),
      terminated: t.terminated,
      truncated: t.truncated,
    };
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.position] = item;
    this.position = (this.position + 1) % this.capacity;
  }
  sample(batchSize, rng) {
    const batch = {
      observations: new Float32Array(batchSize * OBS),
      actions: new Int32Array(batchSize),
      rewards: new Float32Array(batchSize),
      nextObservations: new Float32Array(batchSize * OBS),
      terminated: new Uint8Array(batchSize),
      truncated: new Uint8Array(batchSize),
      indices: new Int32Array(batchSize),
    };
    for (let r = 0; r < batchSize; r++) {
      const i = rng.int(this.items.length);
      const item = this.items[i];
      batch.indices[r] = i;
      batch.observations.set(item.observation, r * OBS);
      batch.nextObservations.set(item.nextObservation, r * OBS);
      batch.actions[r] = item.action;
      batch.rewards[r] = item.reward;
      batch.terminated[r] = +item.terminated;
      batch.truncated[r] = +item.truncated;
    }
    return batch;
  }
}

class NaivePrioritized extends NaiveRing {
  constructor(capacity, alpha) {
    super(capacity);
    this.alpha = alpha;
    this.priorities = [];
    this.maxPriority = 1;
  }
  add(t) {
    const slot = this.position;
    super.add(t);
    this.priorities[slot] = this.maxPriority;
  }
  sample(batchSize, rng, beta) {
    const p = this.priorities;
    const n = p.length;
    let total = 0;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      total += p[i];
      if (p[i] < min) min = p[i];
    }
    // stratified masses are increasing: one pass over the cumulative sums finds them all
    const indices = new Int32Array(batchSize);
    let i = 0;
    let cumulative = p[0];
    for (let r = 0; r < batchSize; r++) {
      const mass = ((r + rng.uniform()) * total) / batchSize;
      while (cumulative <= mass && i < n - 1) cumulative += p[++i];
      indices[r] = i;
    }
    const weights = new Float32Array(batchSize);
    for (let r = 0; r < batchSize; r++) weights[r] = Math.pow(min / p[indices[r]], beta);
    const batch = super.sample(batchSize, { int: (() => { let r = 0; return () => indices[r++]; })() });
    batch.weights = weights;
    return batch;
  }
  updatePriorities(indices, tdErrors) {
    for (let r = 0; r < indices.length; r++) {
      const p = Math.pow(Math.abs(tdErrors[r]) + 1e-6, this.alpha);
      this.priorities[indices[r]] = p;
      if (p > this.maxPriority) this.maxPriority = p;
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Calls `chunk` (which returns operations done) for SECONDS after a short warm-up; operations per second. */
function measure(chunk, seconds = SECONDS) {
  let end = performance.now() + Math.min(0.2, seconds / 4) * 1000;
  while (performance.now() < end) chunk();
  let ops = 0;
  const start = performance.now();
  end = start + seconds * 1000;
  while (performance.now() < end) ops += chunk();
  return ops / ((performance.now() - start) / 1000);
}

let cursor = 0;
const addChunk = (buffer, n = 10_000) => () => {
  for (let k = 0; k < n; k++) {
    buffer.add(transitions[cursor]);
    cursor = (cursor + 1) & (STREAM - 1);
  }
  return n;
};
let batchCursor = 0;
const addBatchChunk = (buffer, n = 1000) => () => {
  for (let k = 0; k < n; k++) {
    buffer.addBatch(vectorBatches[batchCursor]);
    batchCursor = (batchCursor + 1) % vectorBatches.length;
  }
  return n * VECTOR;
};
const naiveAddBatchChunk = (ring, n = 1000) => () => {
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < VECTOR; j++) ring.add(transitions[batchCursor * VECTOR + j]);
    batchCursor = (batchCursor + 1) % vectorBatches.length;
  }
  return n * VECTOR;
};

function fill(buffer) {
  for (let k = 0; k < CAPACITY; k++) buffer.add(transitions[k & (STREAM - 1)]);
}

const rows = [];
const format = (rate) => (rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M/s` : `${(rate / 1e3).toFixed(1)} k/s`);
function report(name, ours, naive) {
  rows.push([name, format(ours), format(naive), `${(ours / naive).toFixed(1)}×`]);
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
/** Heap plus external (ArrayBuffer) bytes after full GCs; freed ArrayBuffers are swept asynchronously, hence the waits. */
async function heap() {
  for (let k = 0; k < 3; k++) {
    gc();
    await sleep(20);
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
const cartPole = (storeNextObservations) =>
  new UniformReplayBuffer({ capacity: CAPACITY, observationShape: [OBS], actionDtype: 'int32', storeNextObservations });

console.log(
  `@tfrl/replay bench: Node ${process.version}, capacity ${CAPACITY.toLocaleString('en')}, CartPole transitions ` +
    `(${(STREAM / episodes).toFixed(1)} steps per episode), ${SECONDS} s per case`,
);
const started = performance.now();

// Memory first, on a clean heap: 1,000,000 CartPole transitions in each mode.
const memory = [];
for (const [label, make] of [
  ['UniformReplayBuffer, storeNextObservations: false (recommended for CartPole)', () => cartPole(false)],
  ['UniformReplayBuffer, storeNextObservations: true (default)', () => cartPole(true)],
  ['naive JS array of transition objects', () => new NaiveRing(CAPACITY)],
]) {
  const before = await heap();
  let buffer = make();
  fill(buffer);
  const delta = (await heap()) - before;
  memory.push([label, buffer.byteLength, delta]);
  buffer = null;
}

// Adds into a full buffer (every add evicts), single and in vector-env batches of 16.
{
  const lean = cartPole(false);
  const full = cartPole(true);
  const naive = new NaiveRing(CAPACITY);
  fill(lean);
  fill(full);
  fill(naive);
  const naiveAdd = measure(addChunk(naive));
  report('add (storeNextObservations: false)', measure(addChunk(lean)), naiveAdd);
  report('add (storeNextObservations: true)', measure(addChunk(full)), naiveAdd);
  const naiveBatch = measure(naiveAddBatchChunk(naive));
  report(`addBatch of ${VECTOR} (storeNextObservations: false)`, measure(addBatchChunk(lean)), naiveBatch);
  report(`addBatch of ${VECTOR} (storeNextObservations: true)`, measure(addBatchChunk(full)), naiveBatch);

  // Uniform sample(64), rows per second / batches per second.
  const rng = Rng.fromSeed(1);
  const out = full.createBatch(BATCH);
  const naiveSample = measure(() => {
    for (let k = 0; k < 100; k++) naive.sample(BATCH, rng);
    return 100;
  });
  report(`uniform sample(${BATCH}) into an out batch`, measure(() => {
    for (let k = 0; k < 100; k++) full.sample(BATCH, rng, { out });
    return 100;
  }), naiveSample);
  report(`uniform sample(${BATCH}), new arrays`, measure(() => {
    for (let k = 0; k < 100; k++) full.sample(BATCH, rng);
    return 100;
  }), naiveSample);
  report(`uniform sample(${BATCH}), storeNextObservations: false`, measure(() => {
    for (let k = 0; k < 100; k++) lean.sample(BATCH, rng, { out });
    return 100;
  }), naiveSample);
}
gc();

// PER: sample(64) + updatePriorities(64) on a full buffer; the O(n) baseline runs fewer iterations.
{
  const per = new PrioritizedReplayBuffer({ capacity: CAPACITY, observationShape: [OBS], actionDtype: 'int32', storeNextObservations: false });
  const naive = new NaivePrioritized(CAPACITY, 0.6);
  fill(per);
  fill(naive);
  const rng = Rng.fromSeed(2);
  const tdErrors = new Float32Array(BATCH);
  const out = per.createBatch(BATCH);
  const ours = measure(() => {
    for (let k = 0; k < 100; k++) {
      const batch = per.sample(BATCH, rng, { out });
      for (let r = 0; r < BATCH; r++) tdErrors[r] = rng.normal();
      per.updatePriorities(batch.indices, tdErrors);
    }
    return 100;
  });
  const baseline = measure(() => {
    const batch = naive.sample(BATCH, rng, 0.4);
    for (let r = 0; r < BATCH; r++) tdErrors[r] = rng.normal();
    naive.updatePriorities(batch.indices, tdErrors);
    return 1;
  }, Math.min(SECONDS, 1));
  report(`PER sample(${BATCH}) + updatePriorities(${BATCH})`, ours, baseline);
  memory.push(['PrioritizedReplayBuffer (storage + sum and min trees over 2^20 leaves)', per.byteLength, Number.NaN]);
}

console.log('\nthroughput (operations: transitions added, batches sampled)');
const widths = [52, 12, 12, 8];
console.log(['case', 'ours', 'naive', 'ratio'].map((h, i) => (i === 0 ? h.padEnd(widths[i]) : h.padStart(widths[i]))).join(' '));
for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' '));

console.log(`\nmemory of 1,000,000 CartPole transitions (target <= ${mb(MEMORY_TARGET)} in the recommended mode)`);
for (const [label, bytes, delta] of memory) {
  const typed = Number.isNaN(bytes) || bytes === undefined ? '' : `typed arrays ${mb(bytes)}`;
  const measured = Number.isNaN(delta) ? '' : `, heap delta ${mb(delta)}`;
  const verdict = label.includes('recommended')
    ? Math.max(bytes, delta) <= MEMORY_TARGET
      ? '  PASS'
      : '  MISS'
    : label.includes('default')
      ? '  (over the target: hence the recommendation for single-env CartPole)'
      : '';
  console.log(`  ${label}: ${typed || 'no typed arrays'}${measured}${verdict}`);
}
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
