import * as tf from '@tensorflow/tfjs-core';
import { Rng, type AnyEnv } from '@tfrl/core';
import { PartialObservation, SyncVectorEnv, makeEnv } from '@tfrl/envs';
import type { RolloutBuffer } from '@tfrl/replay';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecurrentPPO } from './agent.js';
import type { RecurrentPpoConfig } from './config.js';
import { RecurrentPpoLearner, evaluateSequences, gatherSequences, normalizeInPlace, type RolloutColumns, type SequenceMinibatch } from './learner.js';
import { RecurrentActorCritic } from './network.js';
import { rolloutSequences, sequenceLayout } from './sequences.js';

beforeAll(useCpuBackend);

const maskedCartPole = (maxEpisodeSteps?: number) =>
  new PartialObservation(makeEnv('CartPole-v1', maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps }), { keep: [0, 2] });

describe('gatherSequences', () => {
  it('fills the time-major tensors from rollout rows, zero padding, stored first states (hand-computed)', () => {
    // 3 steps × 2 envs, observationSize 1, stateSize 2; row r = t·2 + e holds observation 10·r.
    const rows = 6;
    const columns: RolloutColumns = {
      numEnvs: 2,
      observationSize: 1,
      actionSize: 1,
      stateSize: 2,
      observations: Float32Array.from({ length: rows }, (_, r) => 10 * r),
      actions: Int32Array.from([1, 0, 1, 1, 0, 1]),
      logProbs: Float32Array.from({ length: rows }, (_, r) => -r),
      values: Float32Array.from({ length: rows }, (_, r) => 0.5 * r),
      advantages: Float32Array.from([1, 2, 3, 4, 5, 6]),
      returns: Float32Array.from({ length: rows }, (_, r) => 100 + r),
      states: Float32Array.from({ length: rows * 2 }, (_, i) => i / 10),
      episodeStarts: Uint8Array.from([1, 1, 0, 0, 0, 1]),
    };
    const valid = Uint8Array.from([1, 1, 0, 1, 1, 1]);
    const layout = sequenceLayout([{ env: 1, start: 1, length: 2 }, { env: 0, start: 0, length: 3 }], 2, valid);
    const mb = gatherSequences(columns, layout, false);
    // positions: rows [3, 0, 5, 2, pad, 4]
    expect(Array.from(mb.observations)).toEqual([30, 0, 50, 20, 0, 40]);
    expect(Array.from(mb.starts)).toEqual([0, 1, 1, 0, 0, 0]);
    expect(Array.from(mb.actions)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(Array.from(mb.initialState)).toEqual([0.6, 0.7, 0, 0.1].map(Math.fround));
    expect(Array.from(mb.lossPositions)).toEqual([0, 1, 2, 5]);
    expect(Array.from(mb.oldLogProbs)).toEqual([-3, -0, -5, -4]);
    expect(Array.from(mb.oldValues)).toEqual([1.5, 0, 2.5, 2]);
    expect(Array.from(mb.returns)).toEqual([103, 100, 105, 104]);
    expect(Array.from(mb.advantages)).toEqual([4, 1, 6, 5]);
    // normalised over the loss rows: mean 4, deviations (0, −3, 2, 1), population std √(14/4)
    const normalised = gatherSequences(columns, layout, true).advantages;
    const std = Math.sqrt(3.5);
    [0, -3 / std, 2 / std, 1 / std].forEach((x, i) => expect(normalised[i]).toBeCloseTo(x, 6));
  });

  it('normalizeInPlace: (x − mean)/(std + 1e-8) with the population std', () => {
    const x = Float32Array.from([1, 2, 3]);
    normalizeInPlace(x);
    expect(x[0]).toBeCloseTo(-1.2247449, 6);
    expect(x[1]).toBe(0);
    expect(x[2]).toBeCloseTo(1.2247449, 6);
    const one = Float32Array.from([5]);
    normalizeInPlace(one);
    expect(one[0]).toBe(0);
  });
});

interface RunView {
  run: { rollout: RolloutBuffer };
  learner: { network: RecurrentActorCritic };
}

/** Every row of the rollout (valid or not) as one minibatch of sequences, from the stored states. */
function wholeRollout(rollout: RolloutBuffer, network: RecurrentActorCritic, sequenceLength: number | null, zeroStates = false): { mb: SequenceMinibatch; rows: Int32Array } {
  const rows = rollout.steps * rollout.numEnvs;
  const states = Float32Array.from(rollout.column('state') as Float32Array);
  if (zeroStates) states.fill(0);
  const columns: RolloutColumns = {
    numEnvs: rollout.numEnvs,
    observationSize: rollout.observationSize,
    actionSize: rollout.actionSize,
    stateSize: network.stateSize,
    observations: rollout.column('observation') as Float32Array,
    actions: rollout.column('action') as Int32Array | Float32Array,
    logProbs: rollout.column('logProb') as Float32Array,
    values: rollout.column('value') as Float32Array,
    advantages: new Float32Array(rows),
    returns: new Float32Array(rows),
    states,
    episodeStarts: rollout.column('episodeStart') as Uint8Array,
  };
  const layout = sequenceLayout(rolloutSequences(rollout.steps, rollout.numEnvs, sequenceLength), rollout.numEnvs, new Uint8Array(rows).fill(1));
  return { mb: gatherSequences(columns, layout, false), rows: layout.lossRows };
}

describe('unrolling stored sequences reproduces acting', () => {
  const cases: { name: string; env: () => AnyEnv<number> | AnyEnv<Float32Array>; config: Partial<RecurrentPpoConfig> }[] = [
    {
      name: 'categorical, separate GRUs with encoder and heads, next-step autoreset, padded chunks',
      env: () => new SyncVectorEnv([() => maskedCartPole(), () => maskedCartPole()]),
      config: { nSteps: 48, sequenceLength: 10, hiddenSize: 6, encoderSizes: [5], headSizes: [4] },
    },
    {
      name: 'categorical, shared GRU, whole columns, short episodes',
      env: () => new SyncVectorEnv([() => maskedCartPole(7), () => maskedCartPole(9), () => maskedCartPole()]),
      config: { nSteps: 40, sequenceLength: null, hiddenSize: 5, sharedGru: true },
    },
    {
      name: 'Gaussian, single env (same-step autoreset), truncated episodes',
      env: () => new PartialObservation(makeEnv('Pendulum-v1', { maxEpisodeSteps: 15 }), { keep: [0, 1] }),
      config: { nSteps: 40, sequenceLength: 8, hiddenSize: 4, headSizes: [4] },
    },
  ];

  it.each(cases)('$name: recomputed log-probs and values equal the stored ones', async ({ env, config }) => {
    const agent = new RecurrentPPO({ seed: 5, ...config });
    let checked = false;
    await agent.learn({
      env: env(),
      totalSteps: 10_000,
      callbacks: [
        {
          onStep() {
            const view = agent as unknown as RunView;
            const { rollout } = view.run;
            if (!rollout.full) return true;
            const network = view.learner.network;
            const starts = rollout.column('episodeStart') as Uint8Array;
            const firstStep = rollout.numEnvs;
            expect(starts.subarray(firstStep).some((s) => s === 1)).toBe(true); // episodes restart inside the rollout
            const { mb, rows } = wholeRollout(rollout, network, config.sequenceLength ?? null);
            const recomputed = evaluateSequences(network, mb);
            const storedLogProbs = Float32Array.from(rows, (r) => (rollout.column('logProb') as Float32Array)[r]!);
            const storedValues = Float32Array.from(rows, (r) => (rollout.column('value') as Float32Array)[r]!);
            let worst = 0;
            for (let i = 0; i < rows.length; i++) {
              worst = Math.max(worst, Math.abs(recomputed.logProbs[i]! - storedLogProbs[i]!), Math.abs(recomputed.values[i]! - storedValues[i]!));
            }
            expect(worst).toBeLessThan(1e-6);
            // Control: starting every chunk from a zero state instead of the stored one differs.
            const zero = evaluateSequences(network, wholeRollout(rollout, network, config.sequenceLength ?? null, true).mb);
            let diff = 0;
            for (let i = 0; i < rows.length; i++) diff = Math.max(diff, Math.abs(zero.values[i]! - storedValues[i]!));
            if (config.sequenceLength !== null) expect(diff).toBeGreaterThan(1e-5);
            checked = true;
            return false;
          },
        },
      ],
    });
    expect(checked).toBe(true);
    agent.dispose();
  });
});

describe('RecurrentPpoLearner', () => {
  function setup(): { network: RecurrentActorCritic; learner: RecurrentPpoLearner; mb: SequenceMinibatch } {
    const rng = Rng.fromSeed(1);
    const network = new RecurrentActorCritic({
      observationSize: 2,
      action: { kind: 'discrete', n: 2, start: 0 },
      encoderSizes: [],
      hiddenSize: 3,
      headSizes: [],
      activation: 'tanh',
      sharedGru: false,
      logStdInit: 0,
      rng,
      name: 'test',
    });
    const learner = new RecurrentPpoLearner(network, { learningRate: 1e-2, adamEpsilon: 1e-5, maxGradNorm: 0.5, clipRange: 0.2, clipRangeVf: null, entCoef: 0.01, vfCoef: 0.5 });
    const time = 3;
    const batch = 2;
    const mb: SequenceMinibatch = {
      time,
      batch,
      observations: rng.fillNormal(new Float32Array(time * batch * 2)),
      starts: Float32Array.from([1, 0, 0, 0, 0, 1]),
      initialState: rng.fillNormal(new Float32Array(batch * network.stateSize)),
      actions: Int32Array.from([0, 1, 1, 0, 1, 1]),
      lossPositions: Int32Array.from([0, 1, 2, 4, 5]),
      oldLogProbs: Float32Array.from([-0.7, -0.6, -0.8, -0.7, -0.69]),
      oldValues: Float32Array.from([0, 0.1, 0.2, 0.3, 0]),
      advantages: Float32Array.from([1, -1, 0.5, 0.2, -0.3]),
      returns: Float32Array.from([1, 0.5, 0.2, 0.1, 0.3]),
    };
    return { network, learner, mb };
  }

  it('a step changes the weights and reports finite figures; repeated steps leak no tensor', async () => {
    const { network, learner, mb } = setup();
    const before = weightsOf(network.trainableVariables());
    const result = learner.step(mb);
    expect(Number.isFinite(result.loss) && Number.isFinite(result.gradNorm) && Number.isFinite(result.entropy)).toBe(true);
    expect(weightsOf(network.trainableVariables())).not.toEqual(before);
    expect(learner.updates).toBe(1);
    await expectNoTensorLeak(() => learner.step(mb));
    await expectNoTensorLeak(() => evaluateSequences(network, mb));
    network.dispose();
  });

  it('a non-finite loss throws before any weight is written', () => {
    const { network, learner, mb } = setup();
    const before = weightsOf(network.trainableVariables());
    const tensors = tf.memory().numTensors;
    const bad = { ...mb, advantages: Float32Array.from([1, Number.NaN, 0, 0, 0]) };
    expect(() => learner.step(bad)).toThrow(/non-finite loss \(NaN\)/);
    expect(weightsOf(network.trainableVariables())).toEqual(before);
    expect(learner.updates).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    network.dispose();
  });

  it('rejects a minibatch without loss rows', () => {
    const { network, learner, mb } = setup();
    expect(() => learner.step({ ...mb, lossPositions: new Int32Array(0), oldLogProbs: new Float32Array(0), oldValues: new Float32Array(0), advantages: new Float32Array(0), returns: new Float32Array(0) })).toThrow(/no loss rows/);
    network.dispose();
  });
});
