import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Box, CheckpointError, memoryCheckpointStore, type VectorEnv, type VectorStepResult } from '@tfrl/core';
import { CartPoleVectorEnv, PendulumVectorEnv, makeEnv } from '@tfrl/envs';
import { useCpuBackend, weightsOf } from '@tfrl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectActAndLearnLeakFree, expectSameSeedSameRun } from '../test-support.js';
import { A2C } from './agent.js';
import type { A2cConfig } from './config.js';

beforeAll(useCpuBackend);

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Small and quick on the cpu backend. */
const small: Partial<A2cConfig> = { hiddenSizes: [8], nSteps: 5 };

function state(agent: A2C): unknown {
  const internals = agent as unknown as { rng: { getState(): unknown }; model: { learner: { getState(): unknown } } };
  return { weights: weightsOf(agent.actorCritic!.trainableVariables()), rng: internals.rng.getState(), learner: internals.model.learner.getState(), steps: agent.steps, updates: agent.updates };
}

/** Short CartPole episodes, so that runs see truncations. */
const cartPoles = (autoresetMode: 'next-step' | 'same-step' = 'next-step') => new CartPoleVectorEnv({ numEnvs: 3, maxEpisodeSteps: 12, autoresetMode });

describe('A2C', () => {
  it('is deterministic: the same seed gives the same run, another seed another', async () => {
    await expectSameSeedSameRun(async (seed) => {
      const agent = new A2C({ ...small, seed });
      const report = await agent.learn({ env: cartPoles(), totalSteps: 300 });
      expect(report).toMatchObject({ steps: 300, updates: 20, stoppedEarly: false });
      const result = state(agent);
      agent.dispose();
      return result;
    });
  });

  const cases: [string, Partial<A2cConfig>, () => VectorEnv<unknown, number> | VectorEnv<unknown, Float32Array> | ReturnType<typeof makeEnv>][] = [
    ['separate networks, next-step autoreset', { advantage: 'gae' }, () => cartPoles()],
    ['shared trunk, n-step, same-step autoreset, normalised advantages, linear step size', { sharedTrunk: true, advantage: 'n-step', normalizeAdvantages: true, learningRateSchedule: 'linear' }, () => cartPoles('same-step')],
    ['a single env (asVectorEnv)', { nSteps: 7 }, () => makeEnv('CartPole-v1', { maxEpisodeSteps: 12 })],
    ['Box actions (Pendulum)', { entCoef: 0.01 }, () => new PendulumVectorEnv({ numEnvs: 2, maxEpisodeSteps: 12 })],
    ['RMSProp instead of Adam', { optimizer: 'rmsprop' }, () => cartPoles()],
  ];
  for (const [name, config, makeTrainEnv] of cases) {
    it(`${name}: a save from a callback in the middle of a rollout resumes bit for bit`, async () => {
      const straight = new A2C({ ...small, ...config, seed: 3 });
      await straight.learn({ env: makeTrainEnv(), totalSteps: 150 });

      const env = makeTrainEnv();
      const store = memoryCheckpointStore();
      const first = new A2C({ ...small, ...config, seed: 3 });
      const numEnvs = 'numEnvs' in env ? env.numEnvs : 1;
      const stopAt = numEnvs * 13; // 13 vector steps: in the middle of a rollout
      const report = await first.learn({
        env,
        totalSteps: 150,
        callbacks: [{ onStep: async (s) => (s.step === stopAt ? (await first.save(store), false) : true) }],
      });
      const nSteps = config.nSteps ?? small.nSteps!;
      expect(report).toMatchObject({ steps: stopAt, updates: Math.floor(13 / nSteps), stoppedEarly: true });
      first.dispose();
      const resumed = await A2C.load(store);
      expect(resumed.steps).toBe(stopAt);
      await resumed.learn({ env, totalSteps: 150 - stopAt, continueRun: true });
      expect(state(resumed)).toEqual(state(straight));
      straight.dispose();
      resumed.dispose();
    });
  }

  it('a save after learn returns, to a directory, resumes bit for bit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfrl-a2c-'));
    dirs.push(dir);
    const straight = new A2C({ ...small, seed: 4 });
    await straight.learn({ env: cartPoles(), totalSteps: 120 });
    const env = cartPoles();
    const first = new A2C({ ...small, seed: 4 });
    await first.learn({ env, totalSteps: 51 }); // 17 vector steps: a partial rollout
    await first.save(dir);
    first.dispose();
    const resumed = await A2C.load(dir);
    await resumed.learn({ env, totalSteps: 69, continueRun: true });
    expect(state(resumed)).toEqual(state(straight));
    straight.dispose();
    resumed.dispose();
  });

  it('bootstraps truncated episodes from V(final observation) under same-step autoreset', async () => {
    const env = new Recorder(new CartPoleVectorEnv({ numEnvs: 2, maxEpisodeSteps: 3, autoresetMode: 'same-step' }));
    const agent = new A2C({ ...small, nSteps: 4 });
    let checked = false;
    await agent.learn({
      env,
      totalSteps: 6,
      callbacks: [
        {
          onStep: (s) => {
            if (s.step !== 6) return;
            const run = (agent as unknown as { run: { truncatedNextValues: Float32Array } }).run;
            const last = env.last!;
            expect(Array.from(last.truncated)).toEqual([1, 1]);
            const finals = agent.actorCritic!.values(last.finalObservations!);
            expect(Array.from(run.truncatedNextValues)).toEqual([0, 0, 0, 0, finals[0], finals[1], 0, 0]);
            expect(finals[0]).not.toBe(0);
            checked = true;
          },
        },
      ],
    });
    expect(checked).toBe(true);
    agent.dispose();
  });

  it("'new-episodes' carries on counters and schedule on a fresh env", async () => {
    const store = memoryCheckpointStore();
    const first = new A2C({ ...small, learningRateSchedule: 'linear' });
    await first.learn({ env: cartPoles(), totalSteps: 45 });
    await first.save(store);
    first.dispose();
    const resumed = await A2C.load(store);
    const rates: number[] = [];
    await resumed.learn({ env: cartPoles(), totalSteps: 30, continueRun: 'new-episodes', callbacks: [{ onUpdate: (_, m) => void rates.push(m.learningRate!) }] });
    expect(resumed.steps).toBe(75);
    // The run spans steps 0…75 (not 45…75): the linear step size at steps 60 and 75.
    expect(rates).toHaveLength(2);
    expect(rates[0]).toBeCloseTo(7e-4 * (1 - 60 / 75), 12);
    expect(rates[1]).toBe(0);
    resumed.dispose();
  });

  it('acts: Discrete indices shifted by start, Box actions within bounds, the mode deterministically', async () => {
    const agent = new A2C(small);
    await agent.learn({ env: new PendulumVectorEnv({ numEnvs: 2 }), totalSteps: 20 });
    const observation = Float32Array.of(1, 0, 0.5);
    for (let i = 0; i < 20; i++) {
      const action = agent.act(observation) as Float32Array;
      expect(action).toBeInstanceOf(Float32Array);
      expect(Math.abs(action[0]!)).toBeLessThanOrEqual(2);
    }
    expect(agent.act(observation, { deterministic: true })).toEqual(agent.act(observation, { deterministic: true }));
    agent.dispose();
    const discrete = new A2C(small);
    await discrete.learn({ env: cartPoles(), totalSteps: 15 });
    expect([0, 1]).toContain(discrete.act(new Float32Array(4)));
    discrete.dispose();
  });

  it('rejects bad input: NaN observations, wrong sizes, wrong action spaces, act before learn', async () => {
    expect(() => new A2C().act(new Float32Array(4))).toThrow('A2C.act: the agent has no network yet; call learn() or A2C.load() first');
    expect(() => new A2C({ gamma: -1 })).toThrow(RangeError);
    const agent = new A2C(small);
    await agent.learn({ env: cartPoles(), totalSteps: 15 });
    expect(() => agent.act(Float32Array.of(0, Number.NaN, 0, 0))).toThrow(/not finite/);
    expect(() => agent.act(new Float32Array(3))).toThrow('A2C.act: the observation has 3 values, the agent takes 4');
    await expect(agent.learn({ env: new PendulumVectorEnv({ numEnvs: 3 }), totalSteps: 3 })).rejects.toThrow(TypeError);
    await expect(agent.learn({ env: cartPoles(), totalSteps: 1.5 })).rejects.toThrow('A2C.learn: totalSteps must be an integer >= 0, got 1.5');
    await expect(agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 3, continueRun: true })).rejects.toThrow('continueRun needs the env of the run');
    const pendulum = makeEnv('Pendulum-v1');
    const unbounded = {
      observationSpace: pendulum.observationSpace,
      actionSpace: new Box({ low: -Infinity, high: Infinity, shape: [1] }),
      reset: (options: never) => pendulum.reset(options),
      step: (action: never) => pendulum.step(action),
    };
    await expect(new A2C(small).learn({ env: unbounded as never, totalSteps: 3 })).rejects.toThrow(/A2C.learn: Box action spaces need finite bounds/);
    agent.dispose();
  });

  it('acts and learns without leaking tensors', async () => {
    for (const env of [cartPoles('same-step'), new PendulumVectorEnv({ numEnvs: 2, maxEpisodeSteps: 5 })]) {
      const agent = new A2C(small);
      await agent.learn({ env, totalSteps: 30 });
      await expectActAndLearnLeakFree(agent, env, new Float32Array(env.observationSize), 5 * env.numEnvs);
      agent.dispose();
    }
  });

  it('rejects corrupt and mismatched checkpoints with CheckpointErrors naming the problem', async () => {
    const agent = new A2C(small);
    await agent.learn({ env: cartPoles(), totalSteps: 21 });
    const dir = await mkdtemp(join(tmpdir(), 'tfrl-a2c-'));
    dirs.push(dir);
    await agent.save(dir);
    const blob = (await readdir(dir)).find((file) => file.startsWith('policy.0.'))!;
    const bytes = await readFile(join(dir, blob));
    bytes[3] ^= 0xff;
    await writeFile(join(dir, blob), bytes);
    await expect(A2C.load(dir)).rejects.toThrow(/checksum mismatch/);

    const cp = agent.toCheckpoint();
    const rejects = async (changed: typeof cp, message: RegExp) => {
      const error = await Promise.resolve()
        .then(() => A2C.fromCheckpoint(changed))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(message);
    };
    const manifest = cp.manifest;
    await rejects({ ...cp, manifest: { ...manifest, algorithm: 'ppo' } }, /checkpoint is for algorithm "ppo", expected "a2c"/);
    await rejects({ ...cp, manifest: { ...manifest, config: { ...manifest.config, hiddenSizes: [16] } } }, /blob "policy.0": shape \[4,8\], expected \[4,16\]/);
    await rejects({ ...cp, manifest: { ...manifest, config: { ...manifest.config, gamma: 2 } } }, /config: A2cConfig: gamma must be in \[0, 1\], got 2/);
    await rejects({ ...cp, manifest: { ...manifest, config: { ...manifest.config, nSteps: 6 } } }, /RolloutBuffer|truncatedNextValues/);
    await rejects({ ...cp, manifest: { ...manifest, counters: { ...manifest.counters, steps: -3 } } }, /counters.steps must be an integer >= 0, got -3/);
    await rejects({ ...cp, manifest: { ...manifest, extra: { ...manifest.extra, model: { observationSize: 4, action: { kind: 'discrete', n: 3, start: 0 } } } } }, /policy/);
    await rejects({ ...cp, manifest: { ...manifest, extra: { ...manifest.extra, model: { observationSize: 4 } } } }, /extra.model.action is not an action space/);
    agent.dispose();
  });
});

/** Passes steps through and keeps the last result. */
class Recorder implements VectorEnv<unknown, number> {
  last: VectorStepResult | null = null;
  constructor(private readonly env: VectorEnv<Float32Array, number>) {}
  get numEnvs() { return this.env.numEnvs; }
  get singleObservationSpace() { return this.env.singleObservationSpace; }
  get singleActionSpace() { return this.env.singleActionSpace; }
  get observationSize() { return this.env.observationSize; }
  get autoresetMode() { return this.env.autoresetMode; }
  reset(options?: Parameters<VectorEnv['reset']>[0]) { return this.env.reset(options); }
  async step(actions: Int32Array | Float32Array) {
    this.last = await this.env.step(actions);
    return this.last;
  }
  close() { return this.env.close(); }
}
