import { CheckpointError, memoryCheckpointStore, Rng, type Checkpoint } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeAgentCheckpoint } from '../common/checkpoint.js';
import { A3C } from './agent.js';
import { a3cWorkerUrl, testEnvsModule } from './test-worker.js';

let workerUrl: URL;
beforeAll(async () => {
  await useCpuBackend();
  workerUrl = a3cWorkerUrl();
}, 120_000);

const cartPole = { module: testEnvsModule, export: 'registered', options: { id: 'CartPole-v1' } };
const tiny = { hiddenSizes: [16], numWorkers: 2, tMax: 5 };

/** Some CartPole observations. */
function observations(n: number): Float32Array[] {
  const rng = Rng.fromSeed(5);
  return Array.from({ length: n }, () => rng.fillUniform(new Float32Array(4), -0.2, 0.2));
}

describe('A3C', () => {
  it('trains in 2 worker threads that both apply updates, with live counters and callbacks', async () => {
    const agent = new A3C({ ...tiny, seed: 3, workerBackend: 'cpu' });
    const perWorker = [0, 0];
    const seen: number[] = [];
    let started = 0;
    let ended = 0;
    const report = await agent.learn({
      env: cartPole,
      totalSteps: 3_000,
      workerUrl,
      callbacks: [
        {
          onTrainingStart: () => void started++,
          onUpdate: (state, metrics) => {
            perWorker[metrics.worker!]!++;
            expect(Number.isFinite(metrics.loss)).toBe(true);
            expect(state.step).toBeLessThanOrEqual(3_000);
          },
          onStep: (state) => void seen.push(state.step),
          onTrainingEnd: () => void ended++,
        },
      ],
    });
    expect(report.steps).toBe(3_000);
    expect(agent.steps).toBe(3_000);
    expect(report.updates).toBe(agent.updates);
    expect(report.updates).toBe(perWorker[0]! + perWorker[1]!);
    expect(perWorker[0]).toBeGreaterThan(0);
    expect(perWorker[1]).toBeGreaterThan(0);
    expect(report.episodes).toBeGreaterThan(0);
    expect(seen.length).toBe(report.updates);
    expect([started, ended]).toEqual([1, 1]);
    expect(report.stoppedEarly).toBe(false);
    agent.dispose();
  }, 60_000);

  it('stops every worker when a callback returns false', async () => {
    const agent = new A3C({ ...tiny, seed: 4 });
    const report = await agent.learn({ env: cartPole, totalSteps: 1_000_000, workerUrl, callbacks: [{ onUpdate: (state) => state.updates < 20 }] });
    expect(report.stoppedEarly).toBe(true);
    expect(report.steps).toBeLessThan(1_000_000);
    expect(agent.steps).toBe(report.steps);
    agent.dispose();
  }, 60_000);

  it('rejects with the worker index and the original error when an env throws, and again on a non-finite loss', async () => {
    const agent = new A3C({ ...tiny, seed: 5 });
    const error = await agent
      .learn({ env: { module: testEnvsModule, export: 'faulty', options: { failIndex: 1, failStep: 30, message: 'boom in step' } }, totalSteps: 100_000, workerUrl })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^A3C worker 1 failed: boom in step/);
    expect(((error as Error).cause as Error).message).toBe('boom in step');
    expect(agent.steps).toBeLessThan(100_000);
    const nan = await agent.learn({ env: { module: testEnvsModule, export: 'nanRewards', options: { failIndex: 0 } }, totalSteps: 100_000, workerUrl }).catch((e: unknown) => e);
    expect((nan as Error).message).toMatch(/^A3C worker 0 failed: non-finite loss/);
    agent.dispose();
  }, 60_000);

  it('refuses Env instances, missing exports and envs of another shape', async () => {
    const agent = new A3C(tiny);
    await expect(agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 10 })).rejects.toThrow(TypeError);
    await expect(agent.learn({ env: { module: testEnvsModule, export: 'nothing' }, totalSteps: 10, workerUrl })).rejects.toThrow(/no export 'nothing'/);
    await expect(agent.learn({ env: cartPole, totalSteps: -1, workerUrl })).rejects.toThrow(RangeError);
    await expect(agent.learn({ env: cartPole, totalSteps: 10, workerUrl, continueRun: true })).rejects.toThrow(/continueRun needs a run/);
    await agent.learn({ env: cartPole, totalSteps: 10, workerUrl });
    await expect(agent.learn({ env: { ...cartPole, options: { id: 'Acrobot-v1' } }, totalSteps: 10, workerUrl })).rejects.toThrow(/6 observation values/);
    agent.dispose();
  }, 60_000);

  it('acts from the global θ and rejects bad observations', async () => {
    const agent = new A3C(tiny);
    expect(() => agent.act(new Float32Array(4))).toThrow(/no network yet/);
    await agent.learn({ env: cartPole, totalSteps: 200, workerUrl });
    expect([0, 1]).toContain(agent.act(new Float32Array(4), { deterministic: true }));
    expect(() => agent.act(Float32Array.of(0, Number.NaN, 0, 0))).toThrow(/observation\[1\] is NaN/);
    expect(() => agent.act(new Float32Array(3))).toThrow(/expected an observation of 4 values/);
    agent.dispose();
  }, 60_000);

  it('save -> load: acts as the saved agent, and continues training from its θ, optimizer state and counters', async () => {
    const agent = new A3C({ ...tiny, seed: 7 });
    await agent.learn({ env: cartPole, totalSteps: 2_000, workerUrl });
    const store = memoryCheckpointStore();
    await agent.save(store);
    const loaded = await A3C.load(store);
    expect(loaded.steps).toBe(2_000);
    expect(loaded.updates).toBe(agent.updates);
    expect(weightsOf(loaded.network!.trainableVariables())).toEqual(weightsOf(agent.network!.trainableVariables()));
    const obs = observations(30);
    // Greedy actions, then sampled ones: the Rng state came along.
    expect(obs.map((o) => loaded.act(o, { deterministic: true }))).toEqual(obs.map((o) => agent.act(o, { deterministic: true })));
    expect(obs.map((o) => loaded.act(o))).toEqual(obs.map((o) => agent.act(o)));
    const saved = weightsOf(loaded.network!.trainableVariables());
    const cp = loaded.toCheckpoint();
    expect(cp.manifest.counters.optimizerSteps).toBe(agent.updates);
    const report = await loaded.learn({ env: cartPole, totalSteps: 1_000, workerUrl, continueRun: 'new-episodes' });
    expect(report.steps).toBe(1_000);
    expect(loaded.steps).toBe(3_000);
    expect(loaded.toCheckpoint().manifest.counters.optimizerSteps).toBe(loaded.updates);
    expect(weightsOf(loaded.network!.trainableVariables())).not.toEqual(saved);
    agent.dispose();
    loaded.dispose();
  }, 60_000);

  it('rejects checkpoints of another algorithm or network with a CheckpointError', async () => {
    const agent = new A3C(tiny);
    await agent.learn({ env: cartPole, totalSteps: 100, workerUrl });
    const cp = agent.toCheckpoint();
    const other = writeAgentCheckpoint({ algorithm: 'ppo', config: {}, rngState: Rng.fromSeed(0).getState(), counters: {}, variables: {} });
    expect(() => A3C.fromCheckpoint(other)).toThrow(CheckpointError);
    const withConfig = (config: object): Checkpoint => ({ ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, ...config } } });
    expect(() => A3C.fromCheckpoint(withConfig({ hiddenSizes: [32] }))).toThrow(CheckpointError);
    expect(() => A3C.fromCheckpoint(withConfig({ optimizer: 'rmsprop' }))).toThrow(/optimizer/);
    expect(() => A3C.fromCheckpoint(withConfig({ tMax: 0 }))).toThrow(CheckpointError);
    const noModel: Checkpoint = { ...cp, manifest: { ...cp.manifest, extra: { ...cp.manifest.extra, model: { observationSize: 0 } } } };
    expect(() => A3C.fromCheckpoint(noModel)).toThrow(/extra.model/);
    agent.dispose();
  }, 60_000);
});
