import { Box, CheckpointError, memoryCheckpointStore, type Env, type ResetResult, type StepResult } from '@tfrl/core';
import { PendulumVectorEnv, makeEnv } from '@tfrl/envs';
import { useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectActAndLearnLeakFree } from '../test-support.js';
import { DDPG } from '../ddpg/ddpg.js';
import type { DeterministicActorCriticAgent } from './agent.js';
import type { ActionNoiseConfig, DeterministicFields } from './config.js';
import { TD3 } from './td3.js';

beforeAll(useCpuBackend);

/** Tiny and quick on the cpu backend: updates from step 40, batch 16. */
const small = { hiddenSizes: [8], batchSize: 16, bufferSize: 500, learningStarts: 40 } as const;
const ou: ActionNoiseConfig = { kind: 'ornstein-uhlenbeck', sigma: 0.3, theta: 0.15, dt: 0.05 };

type Agent = DeterministicActorCriticAgent<DeterministicFields>;
const variants = [
  { name: 'TD3', make: (c: object = {}) => new TD3({ ...small, ...c }) as unknown as Agent, load: (s: Parameters<typeof TD3.load>[0]) => TD3.load(s) as Promise<unknown> as Promise<Agent> },
  {
    name: 'DDPG',
    make: (c: object = {}) => new DDPG({ ...small, actionNoise: ou, ...c }) as unknown as Agent,
    load: (s: Parameters<typeof DDPG.load>[0]) => DDPG.load(s) as Promise<unknown> as Promise<Agent>,
  },
];

function allWeights(agent: Agent): Float32Array[] {
  return Object.values(agent.learner!.variableGroups()).map((variables) => weightsOf(variables));
}

/** Observation [t], action Box(−1, 1)² with reward a₀; truncates after 3 steps, terminates when a₁ > 0.99. */
class Corridor implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box({ low: 0, high: 10, shape: [1] });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [2] });
  private t = 0;
  reset(): ResetResult<Float32Array> {
    this.t = 0;
    return { observation: Float32Array.of(0), info: {} };
  }
  step(action: Float32Array): StepResult<Float32Array> {
    this.t++;
    return { observation: Float32Array.of(this.t), reward: action[0]!, terminated: action[1]! > 0.99, truncated: this.t === 3, info: {} };
  }
}

describe.each(variants)('$name', ({ name, make, load }) => {
  it('is deterministic per seed and reports its algorithm', async () => {
    const run = async (seed: number) => {
      const agent = make({ seed });
      const report = await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 80 });
      expect(report).toMatchObject({ steps: 80, updates: 41, stoppedEarly: false });
      const weights = allWeights(agent);
      agent.dispose();
      return weights;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect((await run(2))[0]).not.toEqual(a[0]);
    expect(make().algorithm).toBe(name.toLowerCase());
  });

  it('save -> load -> continue equals the uninterrupted run bit for bit (mid-episode, next-step vector env)', async () => {
    const config = { seed: 3, trainFrequency: 2, gradientSteps: 3 };
    const envOf = () => new PendulumVectorEnv({ numEnvs: 2, maxEpisodeSteps: 25 });
    const straight = make(config);
    await straight.learn({ env: envOf(), totalSteps: 160 });
    // The Rng (and with it the exploration noise) continues too: compare the next noisy action.
    const observation = Float32Array.of(0.1, 0.2, 0.3);
    const nextAction = straight.act(observation);
    // Step 50 ends both sub-envs' first episodes: the run is saved with their resets pending.
    for (const saveAt of [50, 84]) {
      const store = memoryCheckpointStore();
      const env = envOf();
      const first = make(config);
      const report = await first.learn({ env, totalSteps: 160, callbacks: [{ onStep: async (s) => (s.step === saveAt ? (await first.save(store), false) : true) }] });
      expect(report).toMatchObject({ steps: saveAt, stoppedEarly: true });
      first.dispose();
      const resumed = await load(store);
      expect(resumed.steps).toBe(saveAt);
      await resumed.learn({ env, totalSteps: 160 - saveAt, continueRun: true });
      expect(resumed.updates).toBe(straight.updates);
      expect(allWeights(resumed)).toEqual(allWeights(straight));
      expect(resumed.act(observation)).toEqual(nextAction);
      resumed.dispose();
    }
    straight.dispose();
  });

  it('acts within the bounds, deterministically with deterministic: true, and rejects bad observations', async () => {
    const agent = make();
    expect(() => agent.act(Float32Array.of(0, 0, 0))).toThrow(`${name}.act: the agent has no networks yet`);
    await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 50 });
    const observation = Float32Array.of(1, 0, 0.5);
    const action = agent.act(observation, { deterministic: true });
    expect(action).toHaveLength(1);
    expect(Math.abs(action[0]!)).toBeLessThanOrEqual(2);
    expect(agent.act(observation, { deterministic: true })).toEqual(action);
    for (let i = 0; i < 20; i++) expect(Math.abs(agent.act(observation)[0]!)).toBeLessThanOrEqual(2);
    expect(() => agent.act(Float32Array.of(1, Number.NaN, 0))).toThrow(`${name}.act: observation[1] is NaN`);
    expect(() => agent.act(Float32Array.of(1, 0))).toThrow(RangeError);
    agent.dispose();
  });

  it('refuses Discrete action spaces with a TypeError', async () => {
    const agent = make();
    await expect(agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 10 })).rejects.toThrow(TypeError);
    await expect(agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 10 })).rejects.toThrow(`${name}.learn: needs a Box action space`);
  });

  it('stores truncated transitions with their final observation and terminated 0, so that they bootstrap', async () => {
    const agent = make({ learningStarts: 1_000 });
    await agent.learn({ env: new Corridor(), totalSteps: 30 });
    const replay = (agent as unknown as { model: { replay: import('@tfrl/replay').UniformReplayBuffer } }).model.replay;
    const all = replay.gather(Array.from({ length: replay.size }, (_, i) => i));
    for (let i = 0; i < all.size; i++) {
      const t = all.observations[i]!;
      expect(all.nextObservations[i]).toBe(t + 1); // the final observation 3, not the reset observation 0
      expect(all.truncated[i]).toBe(t === 2 ? 1 : 0);
      expect(all.terminated[i]).toBe(all.actions[2 * i + 1]! > 0.99 ? 1 : 0);
      expect(Math.abs(all.actions[2 * i]!)).toBeLessThanOrEqual(1);
    }
    agent.dispose();
  });

  it('acts and learns without leaking tensors', async () => {
    const agent = make();
    const env = makeEnv('Pendulum-v1');
    await agent.learn({ env, totalSteps: 60 });
    await expectActAndLearnLeakFree(agent, env, Float32Array.of(1, 0, 0), 6);
    agent.dispose();
  });

  it('rejects corrupt and mismatched checkpoints with a CheckpointError', async () => {
    const agent = make();
    await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 50 });
    const cp = agent.toCheckpoint();
    const store = memoryCheckpointStore();
    const other = name === 'TD3' ? 'ddpg' : 'td3';
    await store.write({ ...cp, manifest: { ...cp.manifest, algorithm: other } });
    await expect(load(store)).rejects.toThrow(`checkpoint is for algorithm "${other}", expected "${name.toLowerCase()}"`);
    await store.write({ ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, hiddenSizes: [16] } } });
    const error = await load(store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/blob "actor.0": shape \[3,8\], expected \[3,16\]/);
    await store.write({ ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, tau: 2 } } });
    await expect(load(store)).rejects.toThrow(CheckpointError);
    await expect(load(store)).rejects.toThrow('config: ' + name.replace('TD3', 'Td3').replace('DDPG', 'Ddpg') + 'Config: tau must be in (0, 1], got 2');
    await store.write({ ...cp, manifest: { ...cp.manifest, extra: { ...cp.manifest.extra, model: { observationSize: 3, action: { kind: 'discrete', n: 2, start: 0 } } } } });
    await expect(load(store)).rejects.toThrow('extra.model.action must be a Box action spec');
    // A loaded agent trains on, but not on an env of other shapes.
    await store.write(cp);
    const loaded = await load(store);
    await loaded.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 5, continueRun: 'new-episodes' });
    expect(loaded.steps).toBe(55);
    await expect(loaded.learn({ env: makeEnv('MountainCarContinuous-v0'), totalSteps: 5 })).rejects.toThrow('the agent was built for another env');
    loaded.dispose();
    agent.dispose();
  });
});

describe('TD3 and DDPG differ where the papers do', () => {
  it('TD3 has two critics and delays its actor; DDPG one critic updated with its actor', async () => {
    const td3 = new TD3({ ...small });
    const ddpg = new DDPG({ ...small });
    for (const agent of [td3, ddpg]) await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 45 });
    expect(td3.learner!.critics).toHaveLength(2);
    expect(ddpg.learner!.critics).toHaveLength(1);
    expect(td3.learner!.settings).toMatchObject({ policyDelay: 2, targetPolicyNoise: 0.2, targetNoiseClip: 0.5 });
    expect(ddpg.learner!.settings).toMatchObject({ policyDelay: 1, targetPolicyNoise: 0 });
    td3.dispose();
    ddpg.dispose();
  });

  it('rejects bad configs with a RangeError naming the field', async () => {
    expect(() => new TD3({ policyDelay: 0 })).toThrow('Td3Config: policyDelay must be an integer >= 1, got 0');
    expect(() => new DDPG({ actionNoise: { kind: 'gaussian', sigma: Number.NaN } })).toThrow('DdpgConfig: actionNoise.sigma must be a finite number >= 0, got NaN');
    await expect(new TD3().learn({ env: makeEnv('Pendulum-v1'), totalSteps: -1 })).rejects.toThrow('TD3.learn: totalSteps must be an integer >= 0');
  });
});
