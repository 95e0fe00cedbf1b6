import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfrl/core';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionSpec } from './action-spec.js';
import { ActorCritic, actionTensor } from './actor-critic.js';

beforeAll(useCpuBackend);

const discrete: ActionSpec = { kind: 'discrete', n: 3, start: 0 };
const gaussian: ActionSpec = { kind: 'box', size: 2, shape: [2], low: Float32Array.of(-1, -1), high: Float32Array.of(1, 1) };

const built: ActorCritic[] = [];
afterAll(() => built.forEach((n) => n.dispose()));

function network(action: ActionSpec, options: { sharedTrunk?: boolean; withValue?: boolean; hiddenSizes?: number[]; logStdInit?: number } = {}): ActorCritic {
  const net = new ActorCritic({
    observationSize: 4,
    action,
    hiddenSizes: options.hiddenSizes ?? [8, 8],
    activation: 'tanh',
    sharedTrunk: options.sharedTrunk ?? false,
    withValue: options.withValue ?? true,
    logStdInit: options.logStdInit ?? -0.5,
    rng: Rng.fromSeed(1),
    name: 'ac-test',
  });
  built.push(net);
  return net;
}

/** The policy output fixed to `bias`: a linear policy with zero weights. */
function fixedPolicy(action: ActionSpec, bias: number[], logStdInit = 0): ActorCritic {
  const net = network(action, { hiddenSizes: [], withValue: false, logStdInit });
  const [layer] = net.policyNet.layers;
  tf.tidy(() => {
    layer!.weight.assign(tf.zerosLike(layer!.weight));
    layer!.bias.assign(tf.tensor1d(bias));
  });
  return net;
}

/** log π(a|s) of `actions` computed by the tfjs distribution. */
function tfLogProbs(net: ActorCritic, action: ActionSpec, observations: Float32Array, actions: Int32Array | Float32Array): number[] {
  const rows = observations.length / 4;
  const t = tf.tidy(() => net.distribution(tf.tensor2d(observations, [rows, 4])).logProb(actionTensor(action, actions, rows)));
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

const observations = Rng.fromSeed(5).fillNormal(new Float32Array(4 * 6));

describe('ActorCritic.act', () => {
  for (const [name, action] of [
    ['categorical', discrete],
    ['Gaussian', gaussian],
  ] as const) {
    it(`${name}: the log-probabilities equal the distribution's logProb computed in tfjs`, () => {
      const net = network(action);
      const result = net.act(observations, Rng.fromSeed(2));
      expect(result.actions.length).toBe(6 * (action.kind === 'box' ? 2 : 1));
      const expected = tfLogProbs(net, action, observations, result.actions);
      expected.forEach((lp, i) => expect(result.logProbs[i]).toBeCloseTo(lp, 5));
      expect(result.values).toHaveLength(6);
      expect(Array.from(result.values!)).toEqual(Array.from(net.values(observations)));
    });
  }

  it('Gaussian log-probability against hand-computed numbers (μ = 0, σ = 0.5)', () => {
    const net = fixedPolicy(gaussian, [0, 0], Math.log(0.5));
    // The mode: per dimension −log σ − ½ log 2π = 0.6931472 − 0.9189385; two dimensions.
    const mode = net.act(new Float32Array(4), Rng.fromSeed(0), true);
    expect(Array.from(mode.actions)).toEqual([0, 0]);
    expect(mode.logProbs[0]).toBeCloseTo(2 * (0.6931472 - 0.9189385), 5);
    // x = (0.5, −1): z = (1, −2), −½(1 + 4) = −2.5, total −2.5 − 0.4515827 = −2.9515827.
    expect(tfLogProbs(net, gaussian, new Float32Array(4), Float32Array.of(0.5, -1))[0]).toBeCloseTo(-2.9515827, 5);
    // A sample: the log-probability act reports is that of its (unclipped) action.
    const sample = net.act(new Float32Array(4), Rng.fromSeed(9));
    const [x0, x1] = [sample.actions[0]!, sample.actions[1]!];
    const hand = -0.5 * ((x0 / 0.5) ** 2 + (x1 / 0.5) ** 2) + 2 * (0.6931472 - 0.9189385);
    expect(sample.logProbs[0]).toBeCloseTo(hand, 4);
  });

  it('deterministic act returns the mode: the argmax of the logits, the Gaussian mean', () => {
    const cat = network(discrete);
    const greedy = cat.act(observations, Rng.fromSeed(0), true);
    const logits = tf.tidy(() => (cat.distribution(tf.tensor2d(observations, [6, 4])).inner as { logits: tf.Tensor }).logits.clone());
    const values = logits.dataSync();
    for (let r = 0; r < 6; r++) {
      const row = Array.from(values.subarray(r * 3, r * 3 + 3));
      expect(greedy.actions[r]).toBe(row.indexOf(Math.max(...row)));
    }
    logits.dispose();
    const gauss = network(gaussian);
    const mean = tf.tidy(() => (gauss.distribution(tf.tensor2d(observations, [6, 4])).inner as { mean: tf.Tensor }).mean.clone());
    expect(Array.from(gauss.act(observations, Rng.fromSeed(0), true).actions)).toEqual(Array.from(mean.dataSync()));
    mean.dispose();
    // The mode draws nothing from the Rng.
    const rng = Rng.fromSeed(4);
    const state = rng.getState();
    gauss.act(observations, rng, true);
    expect(rng.getState()).toEqual(state);
  });

  it('sampling frequencies match the probabilities (fixed seed)', () => {
    const probabilities = [0.2, 0.3, 0.5];
    const net = fixedPolicy(discrete, probabilities.map(Math.log));
    const rows = 20_000;
    const { actions, logProbs } = net.act(new Float32Array(4 * rows), Rng.fromSeed(11));
    const counts = [0, 0, 0];
    actions.forEach((a) => counts[a]!++);
    // Standard error √(p(1 − p)/n) ≤ 0.0036: 0.015 is over 4 of them.
    probabilities.forEach((p, i) => expect(Math.abs(counts[i]! / rows - p)).toBeLessThan(0.015));
    expect(logProbs[0]).toBeCloseTo(Math.log(probabilities[actions[0]!]!), 5);
  });

  it('the same Rng state gives the same samples', () => {
    const net = network(gaussian);
    expect(net.act(observations, Rng.fromSeed(3)).actions).toEqual(net.act(observations, Rng.fromSeed(3)).actions);
  });

  it('throws on a NaN observation and on rows of the wrong size', () => {
    const net = network(discrete);
    const bad = Float32Array.of(0, 0, Number.NaN, 0);
    expect(() => net.act(bad, Rng.fromSeed(0))).toThrow(RangeError);
    expect(() => net.act(bad, Rng.fromSeed(0))).toThrow('ActorCritic.act: observation value 2 is NaN (not finite)');
    expect(() => net.values(Float32Array.of(0, Number.POSITIVE_INFINITY, 0, 0))).toThrow(/not finite/);
    expect(() => net.act(new Float32Array(6), Rng.fromSeed(0))).toThrow('ActorCritic.act: 6 values are not rows of 4');
  });

  it('leaks no tensor', async () => {
    for (const action of [discrete, gaussian]) {
      const net = network(action, { sharedTrunk: true });
      const rng = Rng.fromSeed(0);
      await expectNoTensorLeak(() => net.act(observations, rng));
      await expectNoTensorLeak(() => net.act(observations, rng, true));
      await expectNoTensorLeak(() => net.values(observations));
    }
    const before = tf.memory().numTensors;
    network(gaussian).dispose();
    built.pop();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ActorCritic variables', () => {
  it('separate networks: disjoint policy and value variables, each once in trainableVariables', () => {
    const net = network(gaussian);
    const policy = net.policyVariables();
    const value = net.valueVariables();
    expect(net.trunk).toBeNull();
    expect(policy.filter((v) => value.includes(v))).toHaveLength(0);
    expect(policy).toContain(net.logStd);
    expect(net.trainableVariables()).toEqual([...policy, ...value]);
    // 4→8→8→2 (+ log σ [2]) and 4→8→8→1.
    expect(policy.reduce((n, v) => n + v.size, 0)).toBe(4 * 8 + 8 + 8 * 8 + 8 + 8 * 2 + 2 + 2);
    expect(value.reduce((n, v) => n + v.size, 0)).toBe(4 * 8 + 8 + 8 * 8 + 8 + 8 + 1);
  });

  it('shared trunk: the trunk is in both lists and once in trainableVariables', () => {
    const net = network(discrete, { sharedTrunk: true });
    const trunk = net.trunk!.trainableVariables();
    expect(trunk.every((v) => net.policyVariables().includes(v) && net.valueVariables().includes(v))).toBe(true);
    const all = net.trainableVariables();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(trunk.length + net.policyNet.trainableVariables().length + net.valueNet!.trainableVariables().length);
    expect(net.logStd).toBeNull();
  });

  it('withValue false: no value function', () => {
    const net = network(discrete, { withValue: false });
    expect(net.valueNet).toBeNull();
    expect(net.valueVariables()).toEqual([]);
    expect(net.act(observations, Rng.fromSeed(0)).values).toBeNull();
    expect(() => net.values(observations)).toThrow('built without a value function');
  });

  it('a shared trunk needs a hidden layer; two Gaussian policies of the same name coexist', () => {
    expect(() => network(discrete, { sharedTrunk: true, hiddenSizes: [] })).toThrow(RangeError);
    const a = network(gaussian);
    const b = network(gaussian);
    expect(a.logStd!.name).not.toBe(b.logStd!.name);
    expect(weightsOf([a.logStd!])).toEqual(Float32Array.of(-0.5, -0.5));
  });
});
