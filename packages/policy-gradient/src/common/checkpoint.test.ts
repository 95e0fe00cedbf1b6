import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, Rng, memoryCheckpointStore, type Checkpoint } from '@tfrl/core';
import { createAdam } from '@tfrl/core/nn';
import { useCpuBackend, weightsOf } from '@tfrl/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentCheckpoint, resolveStore, restoreOptimizer, writeAgentCheckpoint } from './checkpoint.js';

beforeAll(useCpuBackend);

const owned: tf.Variable[] = [];
afterEach(() => owned.splice(0).forEach((v) => v.dispose()));
const variable = (values: number[], shape: number[]) => {
  const v = tf.variable(tf.tensor(values, shape), true);
  owned.push(v);
  return v;
};

function sample(): Checkpoint {
  const rng = Rng.fromSeed(1);
  rng.uniform();
  return writeAgentCheckpoint({
    algorithm: 'test-algo',
    config: { gamma: 0.99, hiddenSizes: [4] },
    rngState: rng.getState(),
    counters: { steps: 12, updates: 3 },
    variables: { policy: [variable([1, 2, 3, 4], [2, 2]), variable([5, 6], [2])] },
    optimizers: { adam: { step: 2, m: Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), v: Float32Array.of(1, 2, 3, 4, 5, 6) }, fresh: { step: 0, m: new Float32Array(0), v: new Float32Array(0) } },
    blobs: { observations: Float32Array.of(7, 8, 9), raw: { bytes: Uint8Array.of(1, 2, 3) } },
    extra: { note: 'x' },
  });
}

const manifest = (cp: Checkpoint, change: (m: Checkpoint['manifest']) => Checkpoint['manifest']): Checkpoint => ({ ...cp, manifest: change(cp.manifest) });

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('writeAgentCheckpoint / AgentCheckpoint', () => {
  it('round-trips config, Rng state, counters, variables, optimizers, blobs and extra', async () => {
    const store = memoryCheckpointStore();
    expect(await resolveStore(store)).toBe(store);
    await store.write(sample());
    const cp = new AgentCheckpoint(await store.read(), 'test-algo');
    expect(cp.config).toEqual({ gamma: 0.99, hiddenSizes: [4] });
    const rng = Rng.fromSeed(1);
    rng.uniform();
    expect(cp.rngState).toEqual(rng.getState());
    expect(cp.counters(['steps', 'updates'])).toEqual({ steps: 12, updates: 3 });
    expect(cp.extra).toMatchObject({ note: 'x', optimizerSteps: { adam: 2, fresh: 0 } });
    const targets = [variable([0, 0, 0, 0], [2, 2]), variable([0, 0], [2])];
    cp.restoreVariables('policy', targets);
    expect(Array.from(weightsOf(targets))).toEqual([1, 2, 3, 4, 5, 6]);
    const adam = cp.optimizer('adam', 6);
    expect(adam.step).toBe(2);
    expect(Array.from(adam.m)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map(Math.fround));
    expect(Array.from(adam.v)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cp.optimizer('fresh', 6)).toMatchObject({ step: 0 });
    expect(cp.has('observations')).toBe(true);
    expect(cp.has('nothing')).toBe(false);
    expect(Array.from(cp.float32('observations', [3]))).toEqual([7, 8, 9]);
    expect(Array.from(cp.bytes('raw'))).toEqual([1, 2, 3]);
  });

  it('restoreOptimizer installs a saved Adam state and skips a fresh one', () => {
    const cp = new AgentCheckpoint(sample(), 'test-algo');
    const vars = [variable([0, 0, 0, 0], [2, 2]), variable([0, 0], [2])];
    const adam = createAdam({ learningRate: 0.1 });
    restoreOptimizer(adam, cp, 'adam', vars);
    adam.step(vars, vars.map((v) => tf.zerosLike(v)));
    expect(adam.getState().step).toBe(3);
    const fresh = createAdam({ learningRate: 0.1 });
    restoreOptimizer(fresh, cp, 'fresh', vars);
    expect(fresh.getState().step).toBe(0);
    expect(() => restoreOptimizer(createAdam({ learningRate: 0.1 }), cp, 'adam', [vars[0]!])).toThrow(CheckpointError);
  });

  it('stores any optimizer slot as a blob and reads back the slots asked for (RMSProp)', () => {
    const rms = { step: 4, squareAverage: Float32Array.of(1, 2), momentumBuffer: Float32Array.of(3, 4), gradAverage: Float32Array.of(5, 6) };
    const cp = new AgentCheckpoint(
      writeAgentCheckpoint({ algorithm: 'test-algo', config: {}, rngState: Rng.fromSeed(0).getState(), counters: {}, variables: {}, optimizers: { rmsprop: rms } }),
      'test-algo',
    );
    expect(Object.keys(cp.cp.manifest.blobs).sort()).toEqual(['rmsprop.gradAverage', 'rmsprop.momentumBuffer', 'rmsprop.squareAverage']);
    expect(cp.optimizerState<typeof rms>('rmsprop', 2, ['squareAverage', 'momentumBuffer', 'gradAverage'])).toEqual(rms);
    expect(() => cp.optimizerState<typeof rms>('rmsprop', 3, ['squareAverage'])).toThrow(/the optimizer does not match/);
    expect(() => cp.optimizer('rmsprop', 2)).toThrow(/rmsprop\.m/);
  });

  it('rejects another algorithm', () => {
    const error = errorOf(() => new AgentCheckpoint(sample(), 'ppo'));
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toMatch(/not a usable ppo checkpoint/);
    expect(error.message).toMatch(/test-algo/);
  });

  it('rejects variables of another shape or count', () => {
    const cp = new AgentCheckpoint(sample(), 'test-algo');
    const wrongShape = errorOf(() => cp.restoreVariables('policy', [variable([0, 0, 0, 0, 0, 0], [3, 2]), variable([0, 0], [2])]));
    expect(wrongShape).toBeInstanceOf(CheckpointError);
    expect(wrongShape.message).toMatch(/the network does not match/);
    const fewer = errorOf(() => cp.restoreVariables('policy', [variable([0, 0, 0, 0], [2, 2])]));
    expect(fewer).toBeInstanceOf(CheckpointError);
    expect(fewer.message).toMatch(/the network has only 1 variables in policy/);
    const more = errorOf(() => cp.restoreVariables('policy', [variable([0, 0, 0, 0], [2, 2]), variable([0, 0], [2]), variable([0], [1])]));
    expect(more).toBeInstanceOf(CheckpointError);
  });

  it('rejects bad counters, optimizer steps and blobs', () => {
    for (const steps of [-1, 1.5, '3', undefined]) {
      const cp = new AgentCheckpoint(manifest(sample(), (m) => ({ ...m, counters: { ...m.counters, steps: steps as number } })), 'test-algo');
      const error = errorOf(() => cp.counters(['steps', 'updates']));
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error.message).toContain('counters.steps must be an integer >= 0');
    }
    const badStep = new AgentCheckpoint(manifest(sample(), (m) => ({ ...m, extra: { ...m.extra, optimizerSteps: { adam: -2 } } })), 'test-algo');
    expect(errorOf(() => badStep.optimizer('adam', 6)).message).toContain('extra.optimizerSteps.adam must be an integer >= 0');
    const cp = new AgentCheckpoint(sample(), 'test-algo');
    expect(errorOf(() => cp.optimizer('adam', 7))).toBeInstanceOf(CheckpointError);
    expect(errorOf(() => cp.float32('observations', [4]))).toBeInstanceOf(CheckpointError);
    expect(errorOf(() => cp.float32('missing', [1]))).toBeInstanceOf(CheckpointError);
    expect(errorOf(() => cp.bytes('observations'))).toBeInstanceOf(CheckpointError);
  });
});
