// nn benchmark: one DQN-style update (target forward on s', Huber loss on the gathered Q(s, a),
// gradient, Adam step; batch tensors built from Float32Arrays) with our mlp + createAdam against
// the same update written naively (plain tf.matMul dense layers, built-in gradients through
// tf.variableGrads, tf.train.adam), both in this run, on the wasm backend, single thread.
// Also the cost of acting (greedy action read back) for 1 and 16 states. Medians in µs; the two
// sides alternate in blocks so that a busy machine slows both alike.
// Run with `pnpm bench` (builds dist/ with tsup first).
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the built-in gradients (tfjs-core alone has none in Node)
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRng } from '../dist/index.js';
import { createAdam, mlp } from '../dist/nn/index.js';

const GAMMA = 0.99;
const LEARNING_RATE = 1e-3;
const WORKLOADS = [
  { sizes: [4, 64, 64, 2], batch: 64, targetUs: 1100, reps: 1000 },
  { sizes: [4, 256, 256, 2], batch: 64, targetUs: 4000, reps: 400 },
  { sizes: [64, 256, 256, 8], batch: 256, targetUs: 12000, reps: 120 },
];
const BLOCKS = 4; // ours and naive alternate in this many blocks
const ACT_REPS = 300;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = (x) => Math.round(x).toString();

async function initWasm() {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  setWasmPaths(path.join(packageDir, 'dist') + path.sep);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.enableProdMode();
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") resolved false');
  await tf.ready();
}

/** Replay-like batch data: observations, next observations, one-hot actions, rewards, discounts. */
function makeBatch(rng, inputSize, actions, batch) {
  const observation = rng.fillUniform(new Float32Array(batch * inputSize), -1, 1);
  const nextObservation = rng.fillUniform(new Float32Array(batch * inputSize), -1, 1);
  const actionMask = new Float32Array(batch * actions);
  const reward = rng.fillUniform(new Float32Array(batch), -1, 1);
  const discount = new Float32Array(batch); // γ·(1 − terminated)
  for (let i = 0; i < batch; i++) {
    actionMask[i * actions + rng.int(actions)] = 1;
    discount[i] = rng.uniform() < 0.05 ? 0 : GAMMA;
  }
  return { observation, nextObservation, actionMask, reward, discount };
}

/** Huber(δ) with κ = 1 in closed form: ½·min(|δ|, 1)² + (|δ| − min(|δ|, 1)), averaged. */
function huber(delta) {
  const a = tf.abs(delta);
  const q = tf.minimum(a, 1);
  return tf.mean(tf.add(tf.mul(0.5, tf.square(q)), tf.sub(a, q)));
}

/**
 * One DQN update given a forward function and a "minimize" that takes the loss function:
 *   y = r + γ(1 − terminated)·max_a Q_target(s', a),  L = Huber(Q(s, a) − y).
 */
function dqnUpdate(data, shape, forwardTarget, forwardOnline, minimize) {
  const { batch, inputSize, actions } = shape;
  tf.tidy(() => {
    const observation = tf.tensor2d(data.observation, [batch, inputSize]);
    const nextObservation = tf.tensor2d(data.nextObservation, [batch, inputSize]);
    const actionMask = tf.tensor2d(data.actionMask, [batch, actions]);
    const reward = tf.tensor1d(data.reward);
    const discount = tf.tensor1d(data.discount);
    const target = tf.add(reward, tf.mul(discount, tf.max(forwardTarget(nextObservation), 1))); // [batch]
    minimize(() => {
      const q = tf.sum(tf.mul(forwardOnline(observation), actionMask), 1); // [batch]
      return huber(tf.sub(q, target));
    });
  });
}

// --- ours ------------------------------------------------------------------------------------
function oursSetup(sizes, seed) {
  const config = { inputSize: sizes[0], hiddenSizes: sizes.slice(1, -1), outputSize: sizes.at(-1), activation: 'relu' };
  const online = mlp({ ...config, rng: createRng(seed), name: 'bench_online' });
  const target = mlp({ ...config, rng: createRng(seed), name: 'bench_target' });
  const optimizer = createAdam({ learningRate: LEARNING_RATE });
  const variables = online.trainableVariables();
  return {
    update: (data, shape) =>
      dqnUpdate(data, shape, target.apply, online.apply, (loss) => optimizer.minimize(loss, variables)),
    forward: online.apply,
    dispose: () => {
      online.dispose();
      target.dispose();
    },
  };
}

// --- naive: plain tf.matMul layers, built-in gradients, tf.train.adam -----------------------
function naiveSetup(sizes, seed) {
  const rng = createRng(seed);
  const makeLayers = (values) =>
    sizes.slice(1).map((fanOut, i) => {
      const fanIn = sizes[i];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const weight = values[i] ?? rng.fillUniform(new Float32Array(fanIn * fanOut), -limit, limit);
      return { weight: tf.variable(tf.tensor2d(weight, [fanIn, fanOut])), bias: tf.variable(tf.zeros([fanOut])) };
    });
  const online = makeLayers([]);
  const target = makeLayers(online.map((layer) => layer.weight.dataSync()));
  const forward = (layers) => (x) =>
    layers.reduce((h, { weight, bias }, i) => {
      const z = tf.add(tf.matMul(h, weight), bias);
      return i + 1 < layers.length ? tf.relu(z) : z;
    }, x);
  const variables = online.flatMap((layer) => [layer.weight, layer.bias]);
  const optimizer = tf.train.adam(LEARNING_RATE);
  return {
    update: (data, shape) =>
      dqnUpdate(data, shape, forward(target), forward(online), (loss) => {
        const { value, grads } = tf.variableGrads(loss, variables);
        value.dataSync(); // read the loss back, as ours does
        optimizer.applyGradients(grads);
      }),
    forward: forward(online),
    dispose: () => {
      tf.dispose(variables);
      tf.dispose(target.flatMap((layer) => [layer.weight, layer.bias]));
      optimizer.dispose();
    },
  };
}

/** Median µs of `fn` for each side, the sides alternating in BLOCKS blocks after a warm-up. */
function compare(sides, reps, warmup) {
  for (const fn of Object.values(sides)) for (let i = 0; i < warmup; i++) fn();
  const times = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let block = 0; block < BLOCKS; block++) {
    for (const [name, fn] of Object.entries(sides)) {
      for (let i = 0; i < Math.ceil(reps / BLOCKS); i++) {
        const start = performance.now();
        fn();
        times[name].push((performance.now() - start) * 1000);
      }
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, median(xs)]));
}

/** µs to pick greedy actions for `count` states (tensor from a Float32Array, forward, argmax read back). */
function actOnce(forward, states, count, inputSize) {
  return tf.tidy(() => tf.argMax(forward(tf.tensor2d(states, [count, inputSize])), 1).dataSync());
}

await initWasm();
const started = performance.now();
console.log(
  `tfrl nn bench: backend ${tf.getBackend()} (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, 1 thread), ` +
    `Node ${process.version}, tfjs-core ${tf.version_core}`,
);
console.log('one DQN update (target forward on s\', Huber loss on Q(s,a), gradient, Adam step), median µs');
console.log('network            batch    ours   naive   naive/ours   target');
const actRows = [];
for (const [index, { sizes, batch, targetUs, reps }] of WORKLOADS.entries()) {
  const shape = { batch, inputSize: sizes[0], actions: sizes.at(-1) };
  const data = makeBatch(createRng(100 + index), shape.inputSize, shape.actions, batch);
  const ours = oursSetup(sizes, index);
  const naive = naiveSetup(sizes, index);
  const update = compare(
    { ours: () => ours.update(data, shape), naive: () => naive.update(data, shape) },
    reps,
    Math.max(10, reps / 10),
  );
  const pass = update.ours <= targetUs ? 'PASS' : 'MISS';
  console.log(
    `${sizes.join('-').padEnd(18)} ${String(batch).padStart(5)} ${us(update.ours).padStart(7)} ${us(update.naive).padStart(7)}` +
      `   ${(update.naive / update.ours).toFixed(2).padStart(8)}x   <= ${targetUs} ${pass}`,
  );
  // Acting: greedy actions for 1 and 16 states, with no update in between, and the first
  // forward right after an update (the wasm backend re-packs the new weights then).
  const states = createRng(200 + index).fillUniform(new Float32Array(16 * shape.inputSize), -1, 1);
  const one = states.subarray(0, shape.inputSize);
  const act = compare(
    {
      ours1: () => actOnce(ours.forward, one, 1, shape.inputSize),
      naive1: () => actOnce(naive.forward, one, 1, shape.inputSize),
      ours16: () => actOnce(ours.forward, states, 16, shape.inputSize),
      naive16: () => actOnce(naive.forward, states, 16, shape.inputSize),
    },
    ACT_REPS,
    30,
  );
  const afterUpdate = { ours: [], naive: [] };
  for (let i = 0; i < Math.min(reps, 40); i++) {
    for (const [name, side] of [['ours', ours], ['naive', naive]]) {
      side.update(data, shape);
      const start = performance.now();
      actOnce(side.forward, one, 1, shape.inputSize);
      afterUpdate[name].push((performance.now() - start) * 1000);
    }
  }
  actRows.push([sizes.join('-'), act, median(afterUpdate.ours), median(afterUpdate.naive)]);
  ours.dispose();
  naive.dispose();
}
console.log('\nacting: greedy actions read back, median µs (ours / naive)');
console.log('network            1 state        16 states      1 state right after an update');
for (const [name, act, afterOurs, afterNaive] of actRows) {
  const cell = (a, b) => `${us(a)} / ${us(b)}`.padEnd(15);
  console.log(
    `${name.padEnd(18)} ${cell(act.ours1, act.naive1)}${cell(act.ours16, act.naive16)}${cell(afterOurs, afterNaive)}`,
  );
}
console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
