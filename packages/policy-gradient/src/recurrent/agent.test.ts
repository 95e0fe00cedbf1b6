import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, Discrete, MultiBinary, evaluatePolicy, memoryCheckpointStore, type Env } from '@tfrl/core';
import { PartialObservation, SyncVectorEnv, makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { RecurrentPPO } from './agent.js';
import { defaultRecurrentPpoConfig, recurrentPpoConfig } from './config.js';
import { episodeResetEnv, evaluateRecurrentPolicy } from './policy.js';

beforeAll(useCpuBackend);

const masked = (maxEpisodeSteps?: number) =>
  new PartialObservation(makeEnv('CartPole-v1', maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps }), { keep: [0, 2] });
const vectorEnv = () => new SyncVectorEnv([() => masked(), () => masked(12)]);
const tiny = { nSteps: 16, sequenceLength: 5, numMinibatches: 2, nEpochs: 2, hiddenSize: 4, headSizes: [4] } as const;

describe('recurrentPpoConfig', () => {
  it('has documented defaults', () => {
    expect(recurrentPpoConfig()).toEqual({ ...defaultRecurrentPpoConfig, encoderSizes: [], headSizes: [64] });
    expect(recurrentPpoConfig({ sequenceLength: null }).sequenceLength).toBeNull();
  });

  it.each([
    [{ nSteps: 0 }, /RecurrentPPO: nSteps must be an integer >= 1, got 0/],
    [{ sequenceLength: 0 }, /sequenceLength must be an integer >= 1/],
    [{ numMinibatches: 1.5 }, /numMinibatches/],
    [{ gamma: 1.5 }, /gamma must be in \[0, 1\], got 1.5/],
    [{ clipRange: 0 }, /clipRange must be a finite number > 0/],
    [{ hiddenSize: 0 }, /hiddenSize/],
    [{ encoderSizes: [0] }, /encoderSizes\[0\]/],
    [{ activation: 'gelu' as never }, /activation must be 'relu' or 'tanh' or 'elu'/],
    [{ learningRateSchedule: 'cosine' as never }, /learningRateSchedule/],
    [{ seed: 1.5 }, /seed/],
    [{ hiddenSizes: [4] } as never, /unknown config field 'hiddenSizes'/],
  ])('rejects %j with a RangeError naming the field', (overrides, message) => {
    expect(() => new RecurrentPPO(overrides)).toThrow(RangeError);
    expect(() => new RecurrentPPO(overrides)).toThrow(message);
  });
});

describe('RecurrentPPO', () => {
  it('acts only once it has a network; rejects NaN and wrongly sized observations', async () => {
    const agent = new RecurrentPPO({ ...tiny, seed: 1 });
    expect(() => agent.act(new Float32Array(2))).toThrow(/no network yet/);
    await agent.learn({ env: vectorEnv(), totalSteps: 8 });
    expect(() => agent.act(Float32Array.from([0, Number.NaN]))).toThrow(/observation value 1 of row 0 is NaN/);
    expect(() => agent.act(new Float32Array(4))).toThrow(RangeError);
    expect([0, 1]).toContain(agent.act(new Float32Array(2), { deterministic: true }));
    agent.dispose();
  });

  it('rejects action spaces that are neither Discrete nor Box with a TypeError', async () => {
    const inner = masked();
    const env: Env<Float32Array, number> = { ...episodeResetEnv(inner, { resetState() {} }), actionSpace: new MultiBinary(3) as never };
    const agent = new RecurrentPPO(tiny);
    await expect(agent.learn({ env, totalSteps: 4 })).rejects.toThrow(TypeError);
    agent.dispose();
  });

  it('carries the GRU state in act: the state changes the action probabilities, resetState starts over', async () => {
    const agent = new RecurrentPPO({ ...tiny, seed: 2 });
    await agent.learn({ env: vectorEnv(), totalSteps: 64 });
    const observation = Float32Array.from([0.05, -0.02]);
    const state = agent.initialState();
    agent.act(observation, { state, deterministic: true });
    const first = Float32Array.from(state.hidden!);
    agent.act(observation, { state, deterministic: true });
    expect(Array.from(state.hidden!)).not.toEqual(Array.from(first));
    // The agent's own state follows the same path; resetState clears it.
    agent.act(observation, { deterministic: true });
    agent.resetState();
    const again = agent.initialState();
    agent.act(observation, { state: again, deterministic: true });
    expect(Array.from(again.hidden!)).toEqual(Array.from(first));
    agent.dispose();
  });

  it('evaluates with the state reset at every episode: evaluateRecurrentPolicy = episodes run by hand', async () => {
    const agent = new RecurrentPPO({ ...tiny, seed: 3 });
    await agent.learn({ env: vectorEnv(), totalSteps: 64 });
    const result = evaluateRecurrentPolicy(masked(), agent.policy(), { episodes: 3, seed: 100 });
    const byHand: number[] = [];
    const env = masked();
    for (let i = 0; i < 3; i++) {
      const state = agent.initialState();
      let { observation } = env.reset({ seed: 100 + i });
      let total = 0;
      for (;;) {
        const step = env.step(agent.act(observation, { state, deterministic: true }) as number);
        total += step.reward;
        if (step.terminated || step.truncated) break;
        observation = step.observation;
      }
      byHand.push(total);
    }
    expect(result.returns).toEqual(byHand);
    // The agent's own act state works the same way through the reset hook.
    expect(evaluateRecurrentPolicy(masked(), agent, { episodes: 3, seed: 100 }).returns).toEqual(byHand);
    agent.dispose();
  });

  it('leaks no tensor over a rollout and its update', async () => {
    const agent = new RecurrentPPO({ ...tiny, seed: 4 });
    const env = vectorEnv();
    await agent.learn({ env, totalSteps: 32 });
    await expectNoTensorLeak(() => agent.learn({ env, totalSteps: 32, continueRun: true }), { warmup: 1, runs: 2 });
    await expectNoTensorLeak(() => agent.act(new Float32Array(2)));
    agent.dispose();
  });

  it('reports steps, updates and metrics through callbacks; a callback returning false stops', async () => {
    const agent = new RecurrentPPO({ ...tiny, seed: 5 });
    const metrics: Record<string, number>[] = [];
    const report = await agent.learn({ env: vectorEnv(), totalSteps: 64, callbacks: [{ onUpdate: (_s, m) => (metrics.push(m), true) }] });
    expect(report.steps).toBe(64);
    expect(metrics).toHaveLength(2); // 64 steps / (16 steps × 2 envs)
    expect(report.updates).toBe(2 * 2 * 2); // rollouts × epochs × minibatches
    for (const key of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradNorm', 'learningRate']) {
      expect(Number.isFinite(metrics[0]![key]), key).toBe(true);
    }
    const stopped = await agent.learn({ env: vectorEnv(), totalSteps: 64, callbacks: [{ onStep: (s) => s.step < 70 }] });
    expect(stopped.stoppedEarly).toBe(true);
    expect(stopped.steps).toBe(6);
    agent.dispose();
  });

  it('save → load → continue equals an uninterrupted run bit for bit (mid-rollout, GRU states included)', async () => {
    const config = { ...tiny, seed: 6, learningRateSchedule: 'linear' as const };
    const a = new RecurrentPPO(config);
    const envA = vectorEnv();
    await a.learn({ env: envA, totalSteps: 42 });
    await a.learn({ env: envA, totalSteps: 58, continueRun: true });

    const b = new RecurrentPPO(config);
    const envB = vectorEnv();
    await b.learn({ env: envB, totalSteps: 42 }); // 42 = 1 rollout (32) + 5 vector steps in flight
    const store = memoryCheckpointStore();
    await b.save(store);
    b.dispose();
    const c = await RecurrentPPO.load(store);
    expect(c.steps).toBe(42);
    await c.learn({ env: envB, totalSteps: 58, continueRun: true });

    expect(c.steps).toBe(a.steps);
    expect(c.updates).toBe(a.updates);
    expect(weightsOf(c.network!.trainableVariables())).toEqual(weightsOf(a.network!.trainableVariables()));
    const cpA = a.toCheckpoint();
    const cpC = c.toCheckpoint();
    expect(cpC.manifest.rngState).toEqual(cpA.manifest.rngState);
    for (const name of ['run.states', 'run.observations', 'run.starts', 'run.pending', 'run.rollout', 'adam.m']) {
      expect(Array.from(cpC.blobs.get(name)!), name).toEqual(Array.from(cpA.blobs.get(name)!));
    }
    a.dispose();
    c.dispose();
  });

  it('resumes bit for bit from a save made inside onStep, on a single env (same-step autoreset, truncations)', async () => {
    // Constant step size: run a plans 30 steps first and b 50, which a linear schedule would tell apart.
    const config = { ...tiny, seed: 7, sequenceLength: null, learningRateSchedule: 'constant' as const };
    const makeSingle = () => masked(10);
    const a = new RecurrentPPO(config);
    const envA = makeSingle();
    await a.learn({ env: envA, totalSteps: 30 });
    await a.learn({ env: envA, totalSteps: 20, continueRun: true });

    const b = new RecurrentPPO(config);
    const envB = makeSingle();
    let saved: ReturnType<RecurrentPPO['toCheckpoint']> | null = null;
    await b.learn({ env: envB, totalSteps: 50, callbacks: [{ onStep: (s) => (s.step === 30 ? ((saved = b.toCheckpoint()), false) : true) }] });
    b.dispose();
    const c = RecurrentPPO.fromCheckpoint(saved!);
    await c.learn({ env: envB, totalSteps: 20, continueRun: true });
    expect(weightsOf(c.network!.trainableVariables())).toEqual(weightsOf(a.network!.trainableVariables()));
    expect(Array.from(c.toCheckpoint().blobs.get('run.states')!)).toEqual(Array.from(a.toCheckpoint().blobs.get('run.states')!));
    a.dispose();
    c.dispose();
  });

  it('rejects corrupt and mismatched checkpoints with a CheckpointError', async () => {
    const agent = new RecurrentPPO({ ...tiny, seed: 8 });
    await agent.learn({ env: vectorEnv(), totalSteps: 40 });
    const cp = agent.toCheckpoint();
    agent.dispose();
    const tensors = tf.memory().numTensors;
    const withConfig = (patch: object) => ({ ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, ...patch } } });
    expect(() => RecurrentPPO.fromCheckpoint({ ...cp, manifest: { ...cp.manifest, algorithm: 'ppo' } })).toThrow(/expected "recurrent-ppo"/);
    expect(() => RecurrentPPO.fromCheckpoint(withConfig({ hiddenSize: 5 }))).toThrow(CheckpointError);
    expect(() => RecurrentPPO.fromCheckpoint(withConfig({ hiddenSize: 5 }))).toThrow(/shape/);
    expect(() => RecurrentPPO.fromCheckpoint(withConfig({ gamma: 2 }))).toThrow(CheckpointError);
    expect(() => RecurrentPPO.fromCheckpoint(withConfig({ nSteps: 8 }))).toThrow(CheckpointError);
    const { model: _, ...extra } = cp.manifest.extra!;
    expect(() => RecurrentPPO.fromCheckpoint({ ...cp, manifest: { ...cp.manifest, extra } })).toThrow(/extra.model/);
    expect(tf.memory().numTensors).toBe(tensors);
    // A loaded agent acts like the saved one.
    const loaded = RecurrentPPO.fromCheckpoint(cp);
    expect(evaluateRecurrentPolicy(masked(), loaded.policy(), { episodes: 2, seed: 1 }).meanReturn).toBeGreaterThan(0);
    loaded.dispose();
  });

  it('an env of another shape or action space than the network is rejected', async () => {
    const agent = new RecurrentPPO(tiny);
    await agent.learn({ env: vectorEnv(), totalSteps: 4 });
    await expect(agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 4 })).rejects.toThrow(/4 observation values; the agent was built for 2/);
    const other: Env<Float32Array, number> = { ...episodeResetEnv(masked(), { resetState() {} }), actionSpace: new Discrete(3) };
    await expect(agent.learn({ env: other, totalSteps: 4 })).rejects.toThrow(TypeError);
    agent.dispose();
  });

  it("core's evaluatePolicy resets the agent's own state at every episode (resetState), as evaluateRecurrentPolicy does", async () => {
    const agent = new RecurrentPPO({ ...tiny, seed: 9 });
    await agent.learn({ env: vectorEnv(), totalSteps: 64 });
    const expected = evaluateRecurrentPolicy(masked(), agent.policy(), { episodes: 3, seed: 5 }).returns;
    const resets = vi.spyOn(agent, 'resetState');
    expect(evaluatePolicy(masked(), agent, { episodes: 3, seed: 5 }).returns).toEqual(expected);
    expect(resets).toHaveBeenCalledTimes(3);
    // A stateful policy is left mid-episode by evaluatePolicy; evaluateRecurrentPolicy also clears it at the end.
    const policy = agent.policy();
    evaluatePolicy(masked(), policy, { episodes: 1, seed: 5 });
    expect(policy.state.hidden).not.toBeNull();
    evaluateRecurrentPolicy(masked(), policy, { episodes: 1, seed: 5 });
    expect(policy.state.hidden).toBeNull();
    agent.dispose();
  });
});
