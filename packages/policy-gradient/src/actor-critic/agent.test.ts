import { CheckpointError, MultiDiscrete, Rng, memoryCheckpointStore, type Checkpoint, type Env } from '@tfrl/core';
import { CartPoleVectorEnv, PendulumVectorEnv, makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActorCritic } from '../common/actor-critic.js';
import { ActorCriticAgent } from './agent.js';
import { actorCriticAgentConfig, type ActorCriticAgentConfig } from './config.js';
import { ActorCriticLearner, type OneStepBatch } from './learner.js';

beforeAll(useCpuBackend);

const small: Partial<ActorCriticAgentConfig> = { hiddenSizes: [8] };

function weights(agent: ActorCriticAgent): Float32Array {
  return weightsOf(agent.network!.trainableVariables());
}

function cartPoleNetwork(config: ActorCriticAgentConfig, seed = 0): ActorCritic {
  return new ActorCritic({
    observationSize: 4,
    action: { kind: 'discrete', n: 2, start: 0 },
    hiddenSizes: config.hiddenSizes,
    activation: config.activation,
    sharedTrunk: config.sharedTrunk,
    withValue: true,
    logStdInit: 0,
    rng: Rng.fromSeed(seed),
    name: 'test',
  });
}

/** Four transitions. */
function batchOf(rewards: number[]): OneStepBatch {
  const rng = Rng.fromSeed(3);
  return {
    size: 4,
    observations: rng.fillNormal(new Float32Array(16)),
    actions: Int32Array.of(0, 1, 1, 0),
    rewards: Float32Array.from(rewards),
    nextObservations: rng.fillNormal(new Float32Array(16)),
    terminated: Uint8Array.of(0, 0, 1, 0),
  };
}

describe('ActorCriticLearner', () => {
  for (const sharedTrunk of [false, true]) {
    it(`${sharedTrunk ? 'shared trunk' : 'separate networks'}: an update moves actor and critic and leaks no tensor`, async () => {
      const config = actorCriticAgentConfig({ ...small, sharedTrunk });
      const network = cartPoleNetwork(config);
      const learner = new ActorCriticLearner(network, config);
      const before = [weightsOf(network.policyNet.trainableVariables()), weightsOf(network.valueNet!.trainableVariables())];
      const metrics = learner.update(batchOf([1, 1, 1, 1]));
      expect(Number.isFinite(metrics.policyLoss) && Number.isFinite(metrics.valueLoss)).toBe(true);
      expect(weightsOf(network.policyNet.trainableVariables())).not.toEqual(before[0]);
      expect(weightsOf(network.valueNet!.trainableVariables())).not.toEqual(before[1]);
      expect(metrics.valueGradNorm === undefined).toBe(sharedTrunk);
      await expectNoTensorLeak(() => learner.update(batchOf([1, 1, 1, 1])));
      network.dispose();
    });
  }

  it('the critic regresses V(s) towards the TD targets (terminal: the reward)', () => {
    const config = actorCriticAgentConfig({ ...small, sharedTrunk: false, valueLearningRate: 1e-2 });
    const network = cartPoleNetwork(config);
    const learner = new ActorCriticLearner(network, config);
    const batch = { ...batchOf([1, 1, 1, 1]), terminated: Uint8Array.of(1, 1, 1, 1) };
    const first = learner.update(batch).valueLoss!;
    let last = first;
    for (let i = 0; i < 30; i++) last = learner.update(batch).valueLoss!;
    expect(last).toBeLessThan(first / 4);
    network.dispose();
  });

  it('a non-finite loss throws before any weight is written', () => {
    const config = actorCriticAgentConfig(small);
    const network = cartPoleNetwork(config);
    const learner = new ActorCriticLearner(network, config);
    const before = weightsOf(network.trainableVariables());
    expect(() => learner.update(batchOf([1, Number.POSITIVE_INFINITY, 1, 1]))).toThrow(/non-finite loss/);
    expect(weightsOf(network.trainableVariables())).toEqual(before);
    expect(learner.updates).toBe(0);
    network.dispose();
  });

  it('rejects batches of the wrong shape', () => {
    const config = actorCriticAgentConfig(small);
    const network = cartPoleNetwork(config);
    const learner = new ActorCriticLearner(network, config);
    expect(() => learner.update({ ...batchOf([1, 1, 1, 1]), nextObservations: new Float32Array(3) })).toThrow('batch nextObservations has length 3, expected 16');
    network.dispose();
  });
});

describe('ActorCriticAgent', () => {
  it('is deterministic: the same seed gives the same weights, another seed others', async () => {
    const run = async (seed: number) => {
      const agent = new ActorCriticAgent({ ...small, seed });
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

  const resumeCases: [string, Partial<ActorCriticAgentConfig>, () => Env<unknown, unknown> | CartPoleVectorEnv | PendulumVectorEnv, number, number][] = [
    ['CartPole, 2 sub-envs (next-step), separate networks', { ...small, sharedTrunk: false }, () => new CartPoleVectorEnv({ numEnvs: 2 }), 400, 240],
    ['CartPole, 3 sub-envs (same-step), shared trunk', { ...small, sharedTrunk: true, entropyCoefficient: 0.01 }, () => new CartPoleVectorEnv({ numEnvs: 3, autoresetMode: 'same-step' }), 402, 201],
    ['CartPole, one env (same-step)', { ...small }, () => makeEnv('CartPole-v1') as Env<unknown, unknown>, 300, 137],
    ['Pendulum (Box), 2 sub-envs, truncation at 200', { ...small }, () => new PendulumVectorEnv({ numEnvs: 2 }), 600, 420],
  ];
  for (const [name, config, makeTrainEnv, total, at] of resumeCases) {
    it(`${name}: save in mid-run -> load -> continue equals an uninterrupted run bit for bit`, async () => {
      const straight = new ActorCriticAgent({ ...config, seed: 7 });
      await straight.learn({ env: makeTrainEnv() as never, totalSteps: total });

      const store = memoryCheckpointStore();
      const env = makeTrainEnv();
      const first = new ActorCriticAgent({ ...config, seed: 7 });
      const report = await first.learn({
        env: env as never,
        totalSteps: total,
        callbacks: [{ onStep: async (state) => (state.step === at ? (await first.save(store), false) : true) }],
      });
      expect(report).toMatchObject({ steps: at, stoppedEarly: true });
      first.dispose();
      const resumed = await ActorCriticAgent.load(store);
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

  for (const autoresetMode of ['same-step', 'next-step'] as const) {
    it(`${autoresetMode} autoreset: truncated episodes bootstrap from their last observation; reset rows are no transitions`, async () => {
      const agent = new ActorCriticAgent({ ...small });
      const env = new CartPoleVectorEnv({ numEnvs: 2, maxEpisodeSteps: 3, autoresetMode });
      await agent.learn({ env, totalSteps: 0 });
      const learner = (agent as unknown as { model: { learner: ActorCriticLearner } }).model.learner;
      const batches: OneStepBatch[] = [];
      const update = learner.update.bind(learner);
      learner.update = (batch: OneStepBatch) => (batches.push(structuredClone(batch)), update(batch));
      await agent.learn({ env, totalSteps: 16, continueRun: true });
      // same-step: a transition per vector step; next-step: the 4th step of each cycle is the reset step.
      expect(batches).toHaveLength(autoresetMode === 'same-step' ? 8 : 6);
      const perEpisode = 3;
      for (let k = 0; k < batches.length; k++) {
        const batch = batches[k]!;
        expect(batch.size).toBe(2);
        // Three steps cannot drop the pole: the episodes end by truncation, never terminated.
        expect(Array.from(batch.terminated)).toEqual([0, 0]);
        const next = batches[k + 1];
        if (next === undefined) continue;
        if (k % perEpisode === perEpisode - 1) {
          // The last transition's s′ is the episode's last observation, not the next episode's first.
          expect(batch.nextObservations).not.toEqual(next.observations);
        } else {
          expect(batch.nextObservations).toEqual(next.observations);
        }
      }
      agent.dispose();
    });
  }

  it("'new-episodes' continues counters and weights on a freshly reset env", async () => {
    const agent = new ActorCriticAgent({ ...small });
    await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 200 });
    const resumed = ActorCriticAgent.fromCheckpoint(agent.toCheckpoint());
    expect(weights(resumed)).toEqual(weights(agent));
    const report = await resumed.learn({ env: new CartPoleVectorEnv({ numEnvs: 3 }), totalSteps: 150, continueRun: 'new-episodes' });
    expect(report.steps).toBe(150);
    expect(resumed.steps).toBe(350);
    await expect(resumed.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 10, continueRun: true })).rejects.toThrow(/continueRun needs the env of the run/);
    agent.dispose();
    resumed.dispose();
  });

  it('acts: Discrete actions with the start shift, Box actions within the bounds, the mode deterministically', async () => {
    const cartPole = new ActorCriticAgent(small);
    await cartPole.learn({ env: makeEnv('CartPole-v1') as never, totalSteps: 20 });
    const observation = Float32Array.of(0.01, 0.02, -0.03, 0.04);
    const action = cartPole.act(observation);
    expect([0, 1]).toContain(action);
    const greedy = cartPole.act(observation, { deterministic: true });
    for (let i = 0; i < 5; i++) expect(cartPole.act(observation, { deterministic: true })).toBe(greedy);

    const pendulum = new ActorCriticAgent({ ...small, logStdInit: 2 });
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
    expect(() => new ActorCriticAgent().act(new Float32Array(4))).toThrow('call learn() or ActorCriticAgent.load() first');
    const agent = new ActorCriticAgent(small);
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
    await expect(new ActorCriticAgent().learn({ env: multi as never, totalSteps: 1 })).rejects.toThrow(/needs a Discrete or Box action space/);
    expect(() => new ActorCriticAgent({ gamma: 2 })).toThrow('ActorCriticAgentConfig: gamma must be in [0, 1], got 2');
    await expect(agent.learn({ env: makeEnv('CartPole-v1') as never, totalSteps: -1 })).rejects.toThrow(RangeError);
    agent.dispose();
  });

  it('learns and acts without leaking tensors', async () => {
    const agent = new ActorCriticAgent({ ...small });
    const env = new CartPoleVectorEnv({ numEnvs: 2 });
    await agent.learn({ env, totalSteps: 100 });
    const observation = Float32Array.of(0.01, -0.02, 0.03, 0.04);
    await expectNoTensorLeak(() => agent.act(observation));
    await expectNoTensorLeak(() => agent.act(observation, { deterministic: true }));
    await expectNoTensorLeak(() => agent.learn({ env, totalSteps: 60, continueRun: true }));
    await expectNoTensorLeak(() => ActorCriticAgent.fromCheckpoint(agent.toCheckpoint()).dispose());
    agent.dispose();
  });

  it('rejects corrupt and mismatched checkpoints with a CheckpointError', async () => {
    const agent = new ActorCriticAgent(small);
    await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 100 });
    const cp = agent.toCheckpoint();
    const withManifest = (change: (m: Checkpoint['manifest']) => Checkpoint['manifest']): Checkpoint => ({ ...cp, manifest: change(cp.manifest) });
    const cases: [string, Checkpoint, RegExp][] = [
      ['another algorithm', withManifest((m) => ({ ...m, algorithm: 'ppo' })), /algorithm/],
      ['other hidden sizes', withManifest((m) => ({ ...m, config: { ...m.config, hiddenSizes: [16] } })), /does not match/],
      ['a bad counter', withManifest((m) => ({ ...m, counters: { ...m.counters, steps: -3 } })), /counters.steps must be an integer >= 0/],
      ['a bad config', withManifest((m) => ({ ...m, config: { ...m.config, gamma: 3 } })), /gamma must be in/],
      ['no model spec', withManifest((m) => ({ ...m, extra: { ...m.extra, model: null } })), /extra.model/],
      ['bad pending resets', withManifest((m) => ({ ...m, extra: { ...m.extra, run: { ...(m.extra!.run as object), pendingResets: [0, 2] } } })), /pendingResets/],
      ['a reinforce checkpoint', withManifest((m) => ({ ...m, algorithm: 'reinforce' })), /algorithm/],
    ];
    for (const [name, bad, message] of cases) {
      const error = (() => {
        try {
          ActorCriticAgent.fromCheckpoint(bad).dispose();
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
