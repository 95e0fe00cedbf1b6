import { Rng } from '@tfrl/core';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ActionSpec } from '../common/action-spec.js';
import { ActorCritic } from '../common/actor-critic.js';
import { defaultA2cConfig } from './config.js';
import { A2cLearner, type A2cBatch } from './learner.js';

beforeAll(useCpuBackend);

const discrete: ActionSpec = { kind: 'discrete', n: 3, start: 0 };
const box: ActionSpec = { kind: 'box', size: 2, shape: [2], low: Float32Array.of(-1, -1), high: Float32Array.of(1, 1) };
const built: ActorCritic[] = [];
afterEach(() => built.splice(0).forEach((net) => net.dispose()));

let names = 0;
function actorCritic(action: ActionSpec, sharedTrunk: boolean): ActorCritic {
  const net = new ActorCritic({
    observationSize: 4,
    action,
    hiddenSizes: [8, 8],
    activation: 'tanh',
    sharedTrunk,
    withValue: true,
    logStdInit: 0,
    rng: Rng.fromSeed(1),
    name: `a2c-learner-test${names++}`,
  });
  built.push(net);
  return net;
}

function batch(action: ActionSpec, size = 6): A2cBatch {
  const rng = Rng.fromSeed(2);
  return {
    size,
    observations: rng.fillNormal(new Float32Array(size * 4)),
    actions: action.kind === 'discrete' ? Int32Array.from({ length: size }, () => rng.int(action.n)) : rng.fillNormal(new Float32Array(size * action.size)),
    advantages: rng.fillNormal(new Float32Array(size)),
    returns: rng.fillNormal(new Float32Array(size)),
  };
}

describe('A2cLearner', () => {
  it('separate networks and a shared trunk have different variable lists; one step moves policy and value', () => {
    const separate = actorCritic(discrete, false);
    const shared = actorCritic(discrete, true);
    const overlap = (net: ActorCritic) => net.policyVariables().filter((v) => net.valueVariables().includes(v)).length;
    expect(overlap(separate)).toBe(0);
    expect(overlap(shared)).toBe(4); // the trunk's two layers, weight and bias each
    expect(separate.trainableVariables()).toHaveLength(12); // 3 layers × 2 per network
    expect(shared.trainableVariables()).toHaveLength(8); // trunk 4 + policy head 2 + value head 2
    expect(shared.trainableVariables().map((v) => v.shape)).not.toEqual(separate.trainableVariables().map((v) => v.shape));
    for (const net of [separate, shared]) {
      const policyOnly = net.policyVariables().filter((v) => !net.valueVariables().includes(v));
      const valueOnly = net.valueVariables().filter((v) => !net.policyVariables().includes(v));
      const before = [weightsOf(policyOnly), weightsOf(valueOnly)];
      const learner = new A2cLearner(net, defaultA2cConfig);
      const metrics = learner.update(batch(discrete));
      expect(learner.updates).toBe(1);
      expect(Object.keys(metrics).sort()).toEqual(['entropy', 'gradNorm', 'learningRate', 'loss', 'policyLoss', 'valueLoss']);
      expect(metrics.loss).toBeCloseTo(metrics.policyLoss! + 0.5 * metrics.valueLoss!, 5);
      expect(weightsOf(policyOnly)).not.toEqual(before[0]);
      expect(weightsOf(valueOnly)).not.toEqual(before[1]);
    }
  });

  it('learns a Gaussian policy: log σ moves too', () => {
    const net = actorCritic(box, false);
    const before = weightsOf([net.logStd!]);
    new A2cLearner(net, { ...defaultA2cConfig, entCoef: 0.01 }).update(batch(box));
    expect(weightsOf([net.logStd!])).not.toEqual(before);
  });

  it('updates without leaking tensors (discrete and Box, shared and separate)', async () => {
    for (const [action, shared] of [[discrete, false], [discrete, true], [box, false], [box, true]] as const) {
      const learner = new A2cLearner(actorCritic(action, shared), defaultA2cConfig);
      await expectNoTensorLeak(() => learner.update(batch(action)));
    }
  });

  it('a non-finite loss throws before any weight or optimizer state is written', () => {
    const net = actorCritic(discrete, false);
    const learner = new A2cLearner(net, defaultA2cConfig);
    learner.update(batch(discrete));
    const weights = weightsOf(net.trainableVariables());
    const state = learner.getState();
    const bad = batch(discrete);
    bad.returns[2] = Number.NaN;
    expect(() => learner.update(bad)).toThrow('A2cLearner: non-finite loss (NaN) at update 2: refusing to apply the update');
    expect(weightsOf(net.trainableVariables())).toEqual(weights);
    expect(learner.getState()).toEqual(state);
    expect(learner.updates).toBe(1);
  });

  it('rejects batches of the wrong size', () => {
    const learner = new A2cLearner(actorCritic(discrete, false), defaultA2cConfig);
    expect(() => learner.update({ ...batch(discrete), size: 5 })).toThrow('A2cLearner: batch observations has length 24, expected 20');
    expect(() => learner.update({ ...batch(discrete), returns: new Float32Array(2) })).toThrow('A2cLearner: batch returns has length 2, expected 6');
    expect(() => learner.update({ ...batch(discrete), size: 0 })).toThrow('A2cLearner: batch size must be an integer >= 1, got 0');
  });

  it('restores its update count and Adam state: the next steps match', () => {
    const a = actorCritic(discrete, true);
    const b = actorCritic(discrete, true);
    const first = new A2cLearner(a, defaultA2cConfig);
    first.update(batch(discrete));
    const second = new A2cLearner(b, defaultA2cConfig);
    b.trainableVariables().forEach((v, k) => v.assign(a.trainableVariables()[k]!));
    second.setState(first.getState());
    first.update(batch(discrete, 4));
    second.update(batch(discrete, 4));
    expect(weightsOf(b.trainableVariables())).toEqual(weightsOf(a.trainableVariables()));
    expect(second.updates).toBe(2);
    expect(() => second.setState({ ...first.getState(), updates: -1 })).toThrow('A2cLearner.setState: updates must be an integer >= 0, got -1');
  });
});
