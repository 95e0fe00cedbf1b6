// Test-only: the checks every replay-based actor-critic of this folder and ../off-policy-ac passes
// (not exported from the package).
import { CheckpointError, memoryCheckpointStore, type Checkpoint } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, weightsOf } from '@tfrl/testing';
import { describe, expect, it } from 'vitest';
import type { OffPolicyAgent, OffPolicyBatch, OffPolicyLearner, OffPolicyShellConfig } from './off-policy.js';

type Agent = OffPolicyAgent<OffPolicyShellConfig, OffPolicyLearner>;

export interface OffPolicyContract {
  /** A new agent with this config (tiny networks). */
  create(overrides?: Record<string, unknown>): Agent;
  fromCheckpoint(cp: Checkpoint): Agent;
  /** A checkpoint of another algorithm, to be refused. */
  foreign(): Promise<Checkpoint>;
  algorithm: string;
}

/** Blob by blob equality of two checkpoints (weights, optimizers, replay, observations) and their counters and Rng. */
export function expectSameCheckpoint(a: Checkpoint, b: Checkpoint): void {
  expect(a.manifest.counters).toEqual(b.manifest.counters);
  expect(a.manifest.rngState).toEqual(b.manifest.rngState);
  expect([...a.blobs.keys()].sort()).toEqual([...b.blobs.keys()].sort());
  for (const [name, bytes] of a.blobs) expect(Buffer.from(b.blobs.get(name)!).equals(Buffer.from(bytes)), `blob ${name}`).toBe(true);
}

function pendulumBatch(size: number): OffPolicyBatch {
  const observations = new Float32Array(size * 3).map((_, i) => Math.sin(i));
  return {
    size,
    observations,
    actions: new Float32Array(size).map((_, i) => Math.cos(i) * 0.9),
    rewards: new Float32Array(size).map((_, i) => -i / size),
    nextObservations: observations.map((x) => x * 0.5),
    terminated: new Uint8Array(size).map((_, i) => (i === 1 ? 1 : 0)),
  };
}

function allWeights(agent: Agent): Float32Array {
  return weightsOf(Object.values(agent.learner!.variableGroups()).flat());
}

/** Runs the shared checks (cpu backend expected). */
export function describeOffPolicyAgent(name: string, contract: OffPolicyContract): void {
  const tiny = { hiddenSizes: [8], batchSize: 8, learningStarts: 10, bufferSize: 100 };

  describe(`${name}: the agent contract`, () => {
    it('refuses a Discrete action space with a TypeError', async () => {
      const agent = contract.create(tiny);
      await expect(agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 5 })).rejects.toThrow(TypeError);
      agent.dispose();
    });

    it('acts within the Box bounds, deterministically on request, and rejects NaN observations', async () => {
      const agent = contract.create(tiny);
      expect(() => agent.act(new Float32Array(3))).toThrow(/no network yet/);
      await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 20 });
      expect(agent.steps).toBe(20);
      expect(agent.updates).toBe(10);
      const observation = Float32Array.of(1, 0, 0.5);
      for (let i = 0; i < 20; i++) {
        const action = agent.act(observation);
        expect(action).toBeInstanceOf(Float32Array);
        expect(action.length).toBe(1);
        expect(Math.abs(action[0]!)).toBeLessThanOrEqual(2);
      }
      expect(agent.act(observation, { deterministic: true })).toEqual(agent.act(observation, { deterministic: true }));
      expect(() => agent.act(Float32Array.of(1, Number.NaN, 0))).toThrow(/not finite/);
      expect(() => agent.act(Float32Array.of(1, 0))).toThrow(RangeError);
      agent.dispose();
    });

    it('leaks no tensor in an update, in learn and in act', async () => {
      const agent = contract.create(tiny);
      const env = makeEnv('Pendulum-v1');
      await agent.learn({ env, totalSteps: 12 });
      const batch = pendulumBatch(8);
      await expectNoTensorLeak(() => agent.learner!.update(batch));
      await expectNoTensorLeak(() => agent.learn({ env, totalSteps: 3, continueRun: true }));
      await expectNoTensorLeak(() => agent.act(Float32Array.of(1, 0, 0)));
      agent.dispose();
    });

    it('throws on a non-finite loss and leaves every weight untouched', async () => {
      const agent = contract.create(tiny);
      await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 12 });
      const before = allWeights(agent);
      const updates = agent.updates;
      const batch = pendulumBatch(8);
      (batch.rewards as Float32Array)[3] = Number.NaN;
      expect(() => agent.learner!.update(batch)).toThrow(/non-finite critic loss \(NaN\)/);
      (batch.rewards as Float32Array)[3] = 0;
      (batch.observations as Float32Array)[0] = Number.POSITIVE_INFINITY;
      expect(() => agent.learner!.update(batch)).toThrow(/non-finite/);
      expect(allWeights(agent)).toEqual(before);
      expect(agent.updates).toBe(updates);
      agent.dispose();
    });

    it('continues bit for bit after save -> load, after learn returns', async () => {
      const config = { ...tiny, trainFrequency: 2, gradientSteps: 2, seed: 5 };
      const whole = contract.create(config);
      await whole.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 41 });

      const first = contract.create(config);
      const env = makeEnv('Pendulum-v1');
      await first.learn({ env, totalSteps: 23 });
      const store = memoryCheckpointStore();
      await first.save(store);
      first.dispose();
      const resumed = contract.fromCheckpoint(await store.read());
      await resumed.learn({ env, totalSteps: 18, continueRun: true });
      expect(resumed.steps).toBe(41);
      expectSameCheckpoint(resumed.toCheckpoint(), whole.toCheckpoint());
      whole.dispose();
      resumed.dispose();
    });

    it("continues bit for bit from a checkpoint taken in a callback's onStep (next-step autoreset env, 2 sub-envs)", async () => {
      const { SyncVectorEnv } = await import('@tfrl/envs');
      const makeVector = () => new SyncVectorEnv([() => makeEnv('Pendulum-v1', { maxEpisodeSteps: 7 }), () => makeEnv('Pendulum-v1', { maxEpisodeSteps: 5 })]);
      const config = { ...tiny, trainFrequency: 3, seed: 9 };
      const whole = contract.create(config);
      await whole.learn({ env: makeVector(), totalSteps: 40 });

      const first = contract.create(config);
      const env = makeVector();
      let saved: Checkpoint | null = null;
      await first.learn({
        env,
        totalSteps: 40,
        callbacks: [{ onStep: (state) => (state.step === 22 ? ((saved = first.toCheckpoint()), false) : true) }],
      });
      first.dispose();
      const resumed = contract.fromCheckpoint(saved!);
      expect(resumed.steps).toBe(22);
      await resumed.learn({ env, totalSteps: 18, continueRun: true });
      expectSameCheckpoint(resumed.toCheckpoint(), whole.toCheckpoint());
      whole.dispose();
      resumed.dispose();
    });

    it('is reproducible: the same seed gives the same run', async () => {
      const run = async () => {
        const agent = contract.create({ ...tiny, seed: 11 });
        await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 15 });
        const weights = allWeights(agent);
        agent.dispose();
        return weights;
      };
      expect(await run()).toEqual(await run());
    });

    it('refuses corrupt checkpoints with a CheckpointError: another algorithm, other shapes, a bad config or run, a missing blob', async () => {
      const agent = contract.create(tiny);
      await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 12 });
      const cp = agent.toCheckpoint();
      const foreign = await contract.foreign();
      expect(() => contract.fromCheckpoint(foreign)).toThrow(CheckpointError);
      const otherShapes: Checkpoint = { ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, hiddenSizes: [5] } } };
      expect(() => contract.fromCheckpoint(otherShapes)).toThrow(CheckpointError);
      const badConfig: Checkpoint = { ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, gamma: 5 } } };
      expect(() => contract.fromCheckpoint(badConfig)).toThrow(CheckpointError);
      const badRun: Checkpoint = { ...cp, manifest: { ...cp.manifest, extra: { ...cp.manifest.extra, run: { collection: {}, pendingResets: [] } } } };
      expect(() => contract.fromCheckpoint(badRun)).toThrow(CheckpointError);
      const blobs = new Map(cp.blobs);
      blobs.delete('replay');
      const { replay: _replay, ...manifestBlobs } = cp.manifest.blobs;
      expect(() => contract.fromCheckpoint({ ...cp, blobs, manifest: { ...cp.manifest, blobs: manifestBlobs } })).toThrow(CheckpointError);
      // The intact checkpoint loads and acts like the agent.
      const loaded = contract.fromCheckpoint(cp);
      expect(loaded.algorithm).toBe(contract.algorithm);
      const observation = Float32Array.of(0.3, -0.2, 1);
      expect(loaded.act(observation, { deterministic: true })).toEqual(agent.act(observation, { deterministic: true }));
      loaded.dispose();
      agent.dispose();
    });

    it('continueRun needs a run; new-episodes keeps the counters', async () => {
      const agent = contract.create(tiny);
      await expect(agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 5, continueRun: true })).rejects.toThrow(/continueRun needs a run/);
      await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 12 });
      const report = await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 4, continueRun: 'new-episodes' });
      expect(report.steps).toBe(4);
      expect(agent.steps).toBe(16);
      agent.dispose();
    });
  });
}
