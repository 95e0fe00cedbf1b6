import { Box, CheckpointError, Discrete, memoryCheckpointStore, type Env, type Metrics } from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv, SyncVectorEnv } from '@tfrl/envs';
import { useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectActAndLearnLeakFree, expectSameSeedSameRun } from '../test-support.js';
import { PPO } from './agent.js';
import type { PpoConfig } from './config.js';

beforeAll(useCpuBackend);

/** Tiny and quick on the cpu backend. */
const small: Partial<PpoConfig> = { hiddenSizes: [8], nSteps: 16, batchSize: 12, nEpochs: 2, seed: 3 };

function weights(agent: PPO): Float32Array {
  return weightsOf(agent.policy!.trainableVariables());
}

/** Constant observation 0, reward 1, every episode truncated after 2 steps (never terminated). */
class TwoStepEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly actionSpace = new Discrete(2);
  private t = 0;
  reset() {
    this.t = 0;
    return { observation: new Float32Array(1), info: {} };
  }
  step() {
    this.t++;
    return { observation: new Float32Array(1), reward: 1, terminated: false, truncated: this.t === 2, info: {} };
  }
}

describe('PPO', () => {
  it('is deterministic: the same seed gives the same weights, another seed others', async () => {
    await expectSameSeedSameRun(async (seed) => {
      const agent = new PPO({ ...small, seed });
      const report = await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 64 });
      // 2 rollouts of 16 × 2 = 32 rows; 2 epochs of 3 minibatches (12, 12, 8) each.
      expect(report).toMatchObject({ steps: 64, updates: 12, stoppedEarly: false });
      const w = weights(agent);
      agent.dispose();
      return w;
    });
  });

  const resumeCases: [string, () => Env<unknown, never> | CartPoleVectorEnv, Partial<PpoConfig>, number, number][] = [
    ['one CartPole (same-step autoreset)', () => makeEnv('CartPole-v1') as never, {}, 200, 71],
    ['CartPole vector env (next-step autoreset), shared trunk, value clipping, target KL', () => new CartPoleVectorEnv({ numEnvs: 3 }), { sharedTrunk: true, clipRangeVf: 0.2, targetKl: 0.02 }, 300, 105],
    ['Pendulum (Box actions, truncation)', () => makeEnv('Pendulum-v1') as never, { learningRateSchedule: 'constant', entCoef: 0.01 }, 420, 209],
  ];
  for (const [name, makeTrainEnv, extra, total, stopAt] of resumeCases) {
    it(`${name}: save mid-rollout -> load -> continue equals the uninterrupted run bit for bit`, async () => {
      const config = { ...small, ...extra };
      const straight = new PPO(config);
      await straight.learn({ env: makeTrainEnv() as never, totalSteps: total });

      const store = memoryCheckpointStore();
      const env = makeTrainEnv();
      const first = new PPO(config);
      const report = await first.learn({
        env: env as never,
        totalSteps: total,
        callbacks: [{ onStep: async (state) => (state.step >= stopAt ? (await first.save(store), false) : true) }],
      });
      expect(report.stoppedEarly).toBe(true);
      const savedAt = first.steps;
      expect(savedAt % (config.nSteps! * ('numEnvs' in env ? env.numEnvs : 1))).not.toBe(0); // in the middle of a rollout
      first.dispose();
      const resumed = await PPO.load(store);
      expect(resumed.steps).toBe(savedAt);
      await resumed.learn({ env: env as never, totalSteps: total - savedAt, continueRun: true });
      expect(resumed.steps).toBe(straight.steps);
      expect(resumed.updates).toBe(straight.updates);
      expect(resumed.iterations).toBe(straight.iterations);
      expect(weights(resumed)).toEqual(weights(straight));
      // Everything else too (blob checksums, Rng state, counters, episode statistics), but the time stamp.
      const manifest = (agent: PPO) => ({ ...agent.toCheckpoint().manifest, createdAt: '' });
      expect(manifest(resumed)).toEqual(manifest(straight));
      straight.dispose();
      resumed.dispose();
    });
  }

  it('reports the PPO metrics once per update', async () => {
    const agent = new PPO({ ...small, targetKl: 0.5 });
    const updates: Metrics[] = [];
    await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 32, callbacks: [{ onUpdate: (_state, m) => void updates.push(m) }] });
    expect(updates).toHaveLength(2);
    for (const key of ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'explainedVariance', 'learningRate', 'clipRange', 'loss', 'gradNorm', 'std']) {
      expect(updates[1]![key], key).toBeTypeOf('number');
      expect(Number.isFinite(updates[1]![key]), key).toBe(true);
    }
    // Linear schedules: progress 16/32 at the first update, 32/32 at the second.
    expect(updates[0]!.learningRate).toBeCloseTo(0.5e-3, 10); // default 1e-3, halfway
    expect(updates[0]!.clipRange).toBeCloseTo(0.1, 10);
    expect(updates[1]!.learningRate).toBe(0);
    agent.dispose();
  });

  it('stops the epochs early when the approximate KL passes 1.5 × targetKl', async () => {
    const agent = new PPO({ ...small, nEpochs: 30, learningRate: 0.05, learningRateSchedule: 'constant', targetKl: 1e-4 });
    const updates: Metrics[] = [];
    await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 32, callbacks: [{ onUpdate: (_state, m) => void updates.push(m) }] });
    expect(updates[0]!.stoppedOnKl).toBe(1);
    expect(updates[0]!.epochs).toBeLessThan(30);
    expect(agent.updates).toBe(updates[0]!.gradientSteps! - 1); // the minibatch over the limit is not applied
    agent.dispose();
  });

  for (const [mode, makeTwoStep] of [
    ['same-step (one env)', () => new TwoStepEnv()],
    ['next-step (vector env)', () => new SyncVectorEnv([() => new TwoStepEnv()])],
  ] as const) {
    it(`bootstraps from V(final observation) on truncation, ${mode}`, async () => {
      const agent = new PPO({ ...small, nSteps: 6, batchSize: 6, gamma: 0.5, gaeLambda: 1 });
      let returns: number[] = [];
      let values: number[] = [];
      const run = () => (agent as unknown as { run: { rollout: { returns: Float32Array; column(n: string): Float32Array; valid: Uint8Array } } }).run.rollout;
      await agent.learn({
        env: makeTwoStep() as never,
        totalSteps: 6,
        callbacks: [
          {
            onRolloutEnd: () => void (values = Array.from(run().column('value'))),
            onUpdate: () => void (returns = Array.from(run().returns)),
          },
        ],
      });
      // Every observation is 0, so V is one number v. Truncated step: R = 1 + γ·v (not 1); the step before: R = 1 + γ·(1 + γ·v).
      const v = values[0]!;
      const truncatedRows = mode.startsWith('same') ? [1, 3, 5] : [1, 4];
      for (const row of truncatedRows) {
        expect(returns[row]).toBeCloseTo(1 + 0.5 * v, 5);
        expect(returns[row - 1]).toBeCloseTo(1 + 0.5 * (1 + 0.5 * v), 5);
      }
      agent.dispose();
    });
  }

  it('acts: integers for Discrete, actions within the bounds for Box; NaN observations throw', async () => {
    const cartPole = new PPO(small);
    expect(() => cartPole.act(new Float32Array(4))).toThrow('call learn() or PPO.load() first');
    await cartPole.learn({ env: makeEnv('CartPole-v1'), totalSteps: 16 });
    const action = cartPole.act(Float32Array.of(0.01, 0, 0.02, 0), { deterministic: true });
    expect([0, 1]).toContain(action);
    expect(() => cartPole.act(Float32Array.of(0, Number.NaN, 0, 0))).toThrow(/not finite/);
    cartPole.dispose();

    const pendulum = new PPO({ ...small, logStdInit: 2 }); // σ ≈ 7.4: most samples fall outside [−2, 2]
    await pendulum.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 16 });
    for (let i = 0; i < 20; i++) {
      const a = pendulum.act(Float32Array.of(1, 0, 0)) as Float32Array;
      expect(a).toBeInstanceOf(Float32Array);
      expect(Math.abs(a[0]!)).toBeLessThanOrEqual(2);
    }
    pendulum.dispose();
  });

  it('acts and learns without leaking tensors', async () => {
    const agent = new PPO({ ...small, clipRangeVf: 0.1 });
    const env = makeEnv('Pendulum-v1');
    await agent.learn({ env, totalSteps: 16 });
    await expectActAndLearnLeakFree(agent, env, Float32Array.of(1, 0, 0.1), 16);
    agent.dispose();
  });

  it('rejects a continued run without one, another env, and actions it cannot handle', async () => {
    const agent = new PPO(small);
    await expect(agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 16, continueRun: true })).rejects.toThrow('continueRun needs a run');
    await agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 16 });
    await expect(agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 16, continueRun: true })).rejects.toThrow('the env of the run');
    await expect(agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 16 })).rejects.toThrow(TypeError);
    agent.dispose();
    const unbounded = { ...new TwoStepEnv(), actionSpace: new Box({ low: Number.NEGATIVE_INFINITY, high: 1, shape: [1] }), reset: () => new TwoStepEnv().reset(), step: () => new TwoStepEnv().step() };
    await expect(new PPO(small).learn({ env: unbounded as never, totalSteps: 8 })).rejects.toThrow(TypeError);
    await expect(new PPO(small).learn({ env: makeEnv('CartPole-v1'), totalSteps: -1 })).rejects.toThrow(RangeError);
  });

  it("'new-episodes' continues the schedules on a freshly reset env", async () => {
    const agent = new PPO(small);
    const learningRates: number[] = [];
    const callbacks = [{ onUpdate: (_s: unknown, m: Metrics) => void learningRates.push(m.learningRate!) }];
    await agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 16, callbacks });
    const restored = PPO.fromCheckpoint(agent.toCheckpoint());
    await restored.learn({ env: makeEnv('CartPole-v1'), totalSteps: 16, continueRun: 'new-episodes', callbacks });
    // The run spans 32 steps now: the second update is at progress 1 (lr 0), not at the start of a new run.
    expect(learningRates).toEqual([0, 0]);
    expect(restored.steps).toBe(32);
    agent.dispose();
    restored.dispose();
  });

  it('rejects corrupt and mismatched checkpoints', async () => {
    const agent = new PPO(small);
    await agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 20 });
    const cp = agent.toCheckpoint();
    expect(() => PPO.fromCheckpoint({ ...cp, manifest: { ...cp.manifest, algorithm: 'dqn' } })).toThrow(CheckpointError);
    const wider = { ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, hiddenSizes: [16] } } };
    expect(() => PPO.fromCheckpoint(wider)).toThrow(/does not match/);
    const badConfig = { ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, gamma: 2 } } };
    expect(() => PPO.fromCheckpoint(badConfig)).toThrow(/gamma/);
    const otherSteps = { ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, nSteps: 8 } } };
    expect(() => PPO.fromCheckpoint(otherSteps)).toThrow(CheckpointError);
    const noModel = { ...cp, manifest: { ...cp.manifest, extra: { ...cp.manifest.extra, model: { observationSize: 0 } } } };
    expect(() => PPO.fromCheckpoint(noModel)).toThrow(/extra.model/);
    const store = memoryCheckpointStore();
    await agent.save(store);
    const restored = await PPO.load(store);
    expect(weights(restored)).toEqual(weights(agent));
    agent.dispose();
    restored.dispose();
  });
});
