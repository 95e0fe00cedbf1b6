import { CheckpointError, MultiDiscrete, Rng, memoryCheckpointStore, type Checkpoint, type Env } from '@tfrl/core';
import { CartPoleVectorEnv, PendulumVectorEnv, makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActorCritic } from '../common/actor-critic.js';
import { Reinforce } from './agent.js';
import { reinforceConfig, type ReinforceConfig } from './config.js';
import { ReinforceLearner, type ReinforceBatch } from './learner.js';

beforeAll(useCpuBackend);

const small: Partial<ReinforceConfig> = { hiddenSizes: [8], episodesPerUpdate: 2, valueGradientSteps: 2 };

function weights(agent: Reinforce): Float32Array {
  return weightsOf(agent.network!.trainableVariables());
}

function cartPoleNetwork(config: ReinforceConfig, seed = 0): ActorCritic {
  return new ActorCritic({
    observationSize: 4,
    action: { kind: 'discrete', n: 2, start: 0 },
    hiddenSizes: config.hiddenSizes,
    activation: config.activation,
    sharedTrunk: false,
    withValue: config.baseline === 'value',
    logStdInit: 0,
    rng: Rng.fromSeed(seed),
    name: 'test',
  });
}

/** Two episodes of 3 and 2 steps. */
function batchOf(rewards: number[]): ReinforceBatch {
  const rng = Rng.fromSeed(3);
  return {
    size: 5,
    offsets: Int32Array.of(0, 3, 5),
    observations: rng.fillNormal(new Float32Array(20)),
    actions: Int32Array.of(0, 1, 1, 0, 1),
    rewards: Float32Array.from(rewards),
  };
}

describe('ReinforceLearner', () => {
  for (const baseline of ['none', 'running-mean', 'value'] as const) {
    it(`baseline '${baseline}': an update moves the policy and leaks no tensor`, async () => {
      const config = reinforceConfig({ ...small, baseline });
      const network = cartPoleNetwork(config);
      const learner = new ReinforceLearner(network, config);
      const before = weightsOf(network.policyVariables());
      const metrics = learner.update(batchOf([1, 2, 3, 1, 1]));
      expect(Number.isFinite(metrics.loss)).toBe(true);
      expect(weightsOf(network.policyVariables())).not.toEqual(before);
      if (baseline === 'value') expect(metrics.valueLoss).toBeGreaterThan(0);
      // The first batch sets the running mean: its rewards-to-go (γ = 0.99) are
      // [5.9203, 4.97, 3, 1.99, 1], mean 16.8803 / 5.
      if (baseline === 'running-mean') expect(learner.runningMeanBaseline).toBeCloseTo(16.8803 / 5, 4);
      await expectNoTensorLeak(() => learner.update(batchOf([1, 2, 3, 1, 1])));
      network.dispose();
    });
  }

  it('the value baseline regresses V(s) towards the rewards-to-go', () => {
    const config = reinforceConfig({ ...small, baseline: 'value', valueGradientSteps: 1, valueLearningRate: 1e-2 });
    const network = cartPoleNetwork(config);
    const learner = new ReinforceLearner(network, config);
    const batch = batchOf([1, 1, 1, 1, 1]);
    const first = learner.update(batch).valueLoss!;
    let last = first;
    for (let i = 0; i < 30; i++) last = learner.update(batch).valueLoss!;
    expect(last).toBeLessThan(first / 2);
    network.dispose();
  });

  it('a non-finite loss throws before any weight is written', () => {
    const config = reinforceConfig({ ...small, baseline: 'value' });
    const network = cartPoleNetwork(config);
    const learner = new ReinforceLearner(network, config);
    const before = weightsOf(network.trainableVariables());
    expect(() => learner.update(batchOf([1, Number.NaN, 1, 1, 1]))).toThrow(/non-finite loss/);
    expect(weightsOf(network.trainableVariables())).toEqual(before);
    expect(learner.updates).toBe(0);
    network.dispose();
  });

  it('rejects batches of the wrong shape', () => {
    const config = reinforceConfig(small);
    const network = cartPoleNetwork(config);
    const learner = new ReinforceLearner(network, config);
    expect(() => learner.update({ ...batchOf([1, 1, 1, 1, 1]), actions: Int32Array.of(0, 1) })).toThrow('batch actions has length 2, expected 5');
    network.dispose();
  });
});

describe('Reinforce', () => {
  it('is deterministic: the same seed gives the same weights, another seed others', async () => {
    const run = async (seed: number) => {
      const agent = new Reinforce({ ...small, seed });
      const report = await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 300 });
      expect(report.steps).toBe(300);
      expect(report.updates).toBeGreaterThan(0);
      const w = weights(agent);
      agent.dispose();
      return w;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  const resumeCases: [string, Partial<ReinforceConfig>, () => Env<unknown, unknown> | CartPoleVectorEnv | PendulumVectorEnv, number, number][] = [
    ['CartPole, 2 sub-envs (next-step), value baseline', { ...small }, () => new CartPoleVectorEnv({ numEnvs: 2 }), 600, 360],
    ['CartPole, one env (same-step), running mean over whole-episode returns', { ...small, baseline: 'running-mean', returnKind: 'episode', runningMean: 'average' }, () => makeEnv('CartPole-v1') as Env<unknown, unknown>, 600, 333],
    ['Pendulum (Box), 2 sub-envs', { ...small, episodesPerUpdate: 1, entropyCoefficient: 0.01 }, () => new PendulumVectorEnv({ numEnvs: 2 }), 1_000, 650],
  ];
  for (const [name, config, makeTrainEnv, total, at] of resumeCases) {
    it(`${name}: save in mid-run -> load -> continue equals an uninterrupted run bit for bit`, async () => {
      const straight = new Reinforce({ ...config, seed: 7 });
      await straight.learn({ env: makeTrainEnv() as never, totalSteps: total });

      const store = memoryCheckpointStore();
      const env = makeTrainEnv();
      const first = new Reinforce({ ...config, seed: 7 });
      const report = await first.learn({
        env: env as never,
        totalSteps: total,
        callbacks: [{ onStep: async (state) => (state.step === at ? (await first.save(store), false) : true) }],
      });
      expect(report).toMatchObject({ steps: at, stoppedEarly: true });
      first.dispose();
      const resumed = await Reinforce.load(store);
      expect(resumed.steps).toBe(at);
      await resumed.learn({ env: env as never, totalSteps: total - at, continueRun: true });
      expect(resumed.steps).toBe(total);
      expect(resumed.updates).toBe(straight.updates);
      expect(resumed.updates).toBeGreaterThan(0);
      expect(weights(resumed)).toEqual(weights(straight));
      const observation = new Float32Array(resumed.network!.config.observationSize).fill(0.1);
      expect(resumed.act(observation)).toEqual(straight.act(observation));
      straight.dispose();
      resumed.dispose();
    });
  }

  it("'new-episodes' continues counters and weights on a freshly reset env", async () => {
    const agent = new Reinforce({ ...small });
    await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 200 });
    const resumed = Reinforce.fromCheckpoint(agent.toCheckpoint());
    expect(weights(resumed)).toEqual(weights(agent));
    const report = await resumed.learn({ env: new CartPoleVectorEnv({ numEnvs: 3 }), totalSteps: 150, continueRun: 'new-episodes' });
    expect(report.steps).toBe(150);
    expect(resumed.steps).toBe(350);
    await expect(resumed.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 10, continueRun: true })).rejects.toThrow(/continueRun needs the env of the run/);
    agent.dispose();
    resumed.dispose();
  });

  it('acts: Discrete actions with the start shift, Box actions within the bounds, the mode deterministically', async () => {
    const cartPole = new Reinforce(small);
    await cartPole.learn({ env: makeEnv('CartPole-v1') as never, totalSteps: 20 });
    const observation = Float32Array.of(0.01, 0.02, -0.03, 0.04);
    const action = cartPole.act(observation);
    expect([0, 1]).toContain(action);
    const greedy = cartPole.act(observation, { deterministic: true });
    for (let i = 0; i < 5; i++) expect(cartPole.act(observation, { deterministic: true })).toBe(greedy);

    const pendulum = new Reinforce({ ...small, logStdInit: 2 });
    await pendulum.learn({ env: makeEnv('Pendulum-v1') as never, totalSteps: 10 });
    for (let i = 0; i < 20; i++) {
      const torque = pendulum.act(Float32Array.of(1, 0, 0)) as Float32Array;
      expect(torque).toBeInstanceOf(Float32Array);
      expect(Math.abs(torque[0]!)).toBeLessThanOrEqual(2);
    }
    cartPole.dispose();
    pendulum.dispose();
  });

  it('rejects NaN observations, wrong sizes, acting before learning and unsupported action spaces', async () => {
    expect(() => new Reinforce().act(new Float32Array(4))).toThrow('call learn() or Reinforce.load() first');
    const agent = new Reinforce(small);
    await agent.learn({ env: makeEnv('CartPole-v1') as never, totalSteps: 10 });
    expect(() => agent.act(Float32Array.of(0, Number.NaN, 0, 0))).toThrow(/not finite/);
    expect(() => agent.act(new Float32Array(3))).toThrow('the observation has 3 values, the policy takes 4');
    await expect(agent.learn({ env: makeEnv('Pendulum-v1') as never, totalSteps: 10 })).rejects.toThrow(TypeError);
    const cartPole = makeEnv('CartPole-v1');
    const multi = {
      observationSpace: cartPole.observationSpace,
      actionSpace: new MultiDiscrete([2, 2]),
      reset: (options?: { seed?: number }) => cartPole.reset(options),
      step: () => {
        throw new Error('not reached');
      },
    } as unknown as Env<unknown, unknown>;
    await expect(new Reinforce().learn({ env: multi as never, totalSteps: 1 })).rejects.toThrow(/needs a Discrete or Box action space/);
    expect(() => new Reinforce({ gamma: 2 })).toThrow('ReinforceConfig: gamma must be in [0, 1], got 2');
    await expect(agent.learn({ env: makeEnv('CartPole-v1') as never, totalSteps: -1 })).rejects.toThrow(RangeError);
    agent.dispose();
  });

  it('learns and acts without leaking tensors', async () => {
    const agent = new Reinforce({ ...small, episodesPerUpdate: 1 });
    const env = new CartPoleVectorEnv({ numEnvs: 2 });
    await agent.learn({ env, totalSteps: 100 });
    const observation = Float32Array.of(0.01, -0.02, 0.03, 0.04);
    await expectNoTensorLeak(() => agent.act(observation));
    await expectNoTensorLeak(() => agent.act(observation, { deterministic: true }));
    await expectNoTensorLeak(() => agent.learn({ env, totalSteps: 60, continueRun: true }));
    await expectNoTensorLeak(() => Reinforce.fromCheckpoint(agent.toCheckpoint()).dispose());
    agent.dispose();
  });

  it('rejects corrupt and mismatched checkpoints with a CheckpointError', async () => {
    const agent = new Reinforce(small);
    await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 100 });
    const cp = agent.toCheckpoint();
    const withManifest = (change: (m: Checkpoint['manifest']) => Checkpoint['manifest']): Checkpoint => ({ ...cp, manifest: change(cp.manifest) });
    const cases: [string, Checkpoint, RegExp][] = [
      ['another algorithm', withManifest((m) => ({ ...m, algorithm: 'ppo' })), /algorithm/],
      ['other hidden sizes', withManifest((m) => ({ ...m, config: { ...m.config, hiddenSizes: [16] } })), /does not match/],
      ['a bad counter', withManifest((m) => ({ ...m, counters: { ...m.counters, steps: -3 } })), /counters.steps must be an integer >= 0/],
      ['a bad config', withManifest((m) => ({ ...m, config: { ...m.config, gamma: 3 } })), /gamma must be in/],
      ['no model spec', withManifest((m) => ({ ...m, extra: { ...m.extra, model: null } })), /extra.model/],
      ['a bad running mean', withManifest((m) => ({ ...m, extra: { ...m.extra, runningMean: { mean: 'x', count: 1 } } })), /extra.runningMean/],
    ];
    for (const [name, bad, message] of cases) {
      const error = (() => {
        try {
          Reinforce.fromCheckpoint(bad).dispose();
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(error, name).toBeInstanceOf(CheckpointError);
      expect((error as Error).message, name).toMatch(message);
    }
    agent.dispose();
  });
});
