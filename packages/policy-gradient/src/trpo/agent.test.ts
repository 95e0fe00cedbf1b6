import { CheckpointError, memoryCheckpointStore, type Checkpoint, type Metrics } from '@tfrl/core';
import { RolloutBuffer } from '@tfrl/replay';
import { SyncVectorEnv, makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRPO } from './agent.js';
import { npgConfig, type TrpoConfig } from './config.js';
import { TrpoLearner } from './learner.js';

beforeAll(useCpuBackend);

/** Tiny and quick: rollouts of 8 vector steps, a 1-layer net, 2 value epochs. */
const small: Partial<TrpoConfig> = { nSteps: 8, hiddenSizes: [8], valueEpochs: 2, valueBatchSize: 8, cgIterations: 5 };

const cartPoles = (n: number) => new SyncVectorEnv(Array.from({ length: n }, () => () => makeEnv('CartPole-v1')));

function allWeights(agent: TRPO): number[] {
  return Array.from(weightsOf(agent.network!.trainableVariables()));
}

/** Everything a continued run depends on, but the wall clock. */
function state(cp: Checkpoint): unknown {
  return { manifest: { ...cp.manifest, createdAt: undefined }, blobs: cp.blobs };
}

describe('TRPO', () => {
  it('reports every update with the line-search metrics; KL within δ on accepted steps', async () => {
    const agent = new TRPO({ ...small, seed: 1 });
    const seen: Metrics[] = [];
    const report = await agent.learn({ env: cartPoles(2), totalSteps: 64, callbacks: [{ onUpdate: (_, m) => void seen.push(m) }] });
    expect(report).toMatchObject({ steps: 64, updates: 4, stoppedEarly: false });
    expect(seen).toHaveLength(4);
    for (const m of seen) {
      for (const key of ['kl', 'stepFraction', 'lineSearchSuccess', 'lineSearchIterations', 'surrogateImprovement', 'valueLoss', 'gradNorm', 'stepScale']) {
        expect(Number.isFinite(m[key]), key).toBe(true);
      }
      if (m.lineSearchSuccess === 1) {
        expect(m.kl).toBeLessThanOrEqual(0.01);
        expect(m.surrogateImprovement).toBeGreaterThan(0);
        expect(m.stepFraction).toBeCloseTo(0.8 ** (m.lineSearchIterations! - 1), 12);
      } else {
        expect(m).toMatchObject({ kl: 0, stepFraction: 0 });
      }
    }
    expect(seen.some((m) => m.lineSearchSuccess === 1)).toBe(true);
    expect(agent.steps).toBe(64);
    expect(agent.updates).toBe(4);
    agent.dispose();
  });

  it('NPG (lineSearch false) always takes the full natural step', async () => {
    const agent = new TRPO({ ...npgConfig(small), seed: 2 });
    const seen: Metrics[] = [];
    await agent.learn({ env: cartPoles(2), totalSteps: 48, callbacks: [{ onUpdate: (_, m) => void seen.push(m) }] });
    expect(seen.map((m) => [m.stepFraction, m.lineSearchSuccess, m.lineSearchIterations])).toEqual([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    seen.forEach((m) => expect(m.kl).toBeGreaterThan(0));
    agent.dispose();
  });

  it('learns with Box actions (Gaussian policy, one env, same-step autoreset) and acts within bounds', async () => {
    const agent = new TRPO({ ...small, nSteps: 16, seed: 3 });
    const report = await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 224 });
    expect(report.updates).toBe(14);
    expect(report.episodes).toBe(1); // truncated at 200
    const action = agent.act(Float32Array.of(1, 0, 0.5)) as Float32Array;
    expect(action).toBeInstanceOf(Float32Array);
    expect(action[0]).toBeGreaterThanOrEqual(-2);
    expect(action[0]).toBeLessThanOrEqual(2);
    agent.dispose();
  });

  it('acts with env actions; rejects NaN observations, wrong sizes and other action spaces', async () => {
    const agent = new TRPO(small);
    expect(() => agent.act(new Float32Array(4))).toThrow(/no networks yet/);
    await agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 8 });
    expect([0, 1]).toContain(agent.act(Float32Array.of(0.01, 0, 0.02, 0), { deterministic: true }));
    expect(() => agent.act(Float32Array.of(0, Number.NaN, 0, 0))).toThrow(/observation value 1 is NaN/);
    expect(() => agent.act(new Float32Array(3))).toThrow(/3 values, expected 4/);
    await expect(agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 8 })).rejects.toThrow(TypeError);
    await expect(agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: -1 })).rejects.toThrow(/totalSteps must be an integer >= 0/);
    await expect(new TRPO(small).learn({ env: makeEnv('CartPole-v1'), totalSteps: 8, continueRun: true })).rejects.toThrow(/continueRun needs a run/);
    agent.dispose();
  });

  it('rejects bad configs with a RangeError naming the field', () => {
    expect(() => new TRPO({ maxKl: 0 })).toThrow('TrpoConfig: maxKl must be a finite number > 0, got 0');
    expect(() => new TRPO({ cgDamping: -0.1 })).toThrow('TrpoConfig: cgDamping must be a finite number >= 0, got -0.1');
    expect(() => new TRPO({ lineSearchShrink: 1 })).toThrow('TrpoConfig: lineSearchShrink must be in (0, 1), got 1');
    expect(() => new TRPO({ nSteps: 0 })).toThrow('TrpoConfig: nSteps must be an integer >= 1, got 0');
    expect(() => new TRPO({ cgIterations: 1.5 })).toThrow('TrpoConfig: cgIterations must be an integer >= 1, got 1.5');
    expect(() => new TRPO({ gaeLambda: 1.1 })).toThrow('TrpoConfig: gaeLambda must be in [0, 1], got 1.1');
    expect(() => new TRPO({ lineSearch: 'yes' as unknown as boolean })).toThrow('TrpoConfig: lineSearch must be a boolean, got "yes"');
    expect(() => new TRPO({ hiddenSizes: [64, 0] })).toThrow('TrpoConfig: hiddenSizes[1] must be an integer >= 1, got 0');
    expect(() => new TRPO({ valueMaxGradNorm: 0 })).toThrow(/valueMaxGradNorm must be a finite number > 0, got 0/);
  });

  it('acts and learns without leaking tensors (TRPO on Discrete, NPG on Box)', async () => {
    const agent = new TRPO(small);
    const env = cartPoles(2);
    await agent.learn({ env, totalSteps: 16 });
    await expectNoTensorLeak(() => agent.learn({ env, totalSteps: 16, continueRun: true }));
    await expectNoTensorLeak(() => agent.act(new Float32Array(4)));
    agent.dispose();
    const npg = new TRPO(npgConfig({ ...small, seed: 5 }));
    const pendulum = makeEnv('Pendulum-v1');
    await npg.learn({ env: pendulum, totalSteps: 8 });
    await expectNoTensorLeak(() => npg.learn({ env: pendulum, totalSteps: 8, continueRun: true }));
    npg.dispose();
  });

  for (const [name, config, makeRunEnv, total, saveAt] of [
    ['Discrete, 2 envs (next-step autoreset)', { ...small, seed: 7 }, () => cartPoles(2), 80, 38],
    ['Box, 1 env (same-step autoreset, a truncation in the saved rollout)', { ...small, nSteps: 16, seed: 8 }, () => makeEnv('Pendulum-v1'), 240, 205],
  ] as const) {
    it(`save mid-rollout -> load -> continue equals the uninterrupted run bit for bit (${name})`, async () => {
      const straight = new TRPO(config);
      await straight.learn({ env: makeRunEnv(), totalSteps: total });

      const env = makeRunEnv();
      const store = memoryCheckpointStore();
      const first = new TRPO(config);
      const report = await first.learn({
        env,
        totalSteps: total,
        callbacks: [{ onStep: async (s) => (s.step === saveAt ? (await first.save(store), false) : true) }],
      });
      expect(report).toMatchObject({ steps: saveAt, stoppedEarly: true });
      first.dispose();
      const resumed = await TRPO.load(store);
      expect(resumed.steps).toBe(saveAt);
      await resumed.learn({ env, totalSteps: total - saveAt, continueRun: true });
      expect(resumed.steps).toBe(total);
      expect(resumed.updates).toBe(straight.updates);
      expect(allWeights(resumed)).toEqual(allWeights(straight));
      expect(state(resumed.toCheckpoint())).toEqual(state(straight.toCheckpoint()));
      straight.dispose();
      resumed.dispose();
    }, 60_000);
  }

  it('save after learn -> fromCheckpoint -> continue equals one longer run', async () => {
    const straight = new TRPO({ ...small, seed: 9 });
    await straight.learn({ env: cartPoles(2), totalSteps: 64 });
    const env = cartPoles(2);
    const first = new TRPO({ ...small, seed: 9 });
    await first.learn({ env, totalSteps: 32 });
    const resumed = TRPO.fromCheckpoint(first.toCheckpoint());
    first.dispose();
    await resumed.learn({ env, totalSteps: 32, continueRun: true });
    expect(state(resumed.toCheckpoint())).toEqual(state(straight.toCheckpoint()));
    straight.dispose();
    resumed.dispose();
  });

  it("'new-episodes' continues a loaded agent on a fresh env, dropping the partial rollout", async () => {
    const agent = new TRPO({ ...small, seed: 10 });
    await agent.learn({ env: cartPoles(2), totalSteps: 20 }); // 2 updates + 2 of 8 vector steps
    const resumed = TRPO.fromCheckpoint(agent.toCheckpoint());
    agent.dispose();
    const report = await resumed.learn({ env: cartPoles(2), totalSteps: 16, continueRun: 'new-episodes' });
    expect(report.updates).toBe(1);
    expect(resumed.steps).toBe(36);
    resumed.dispose();
  });

  it('refuses corrupt checkpoints: another algorithm, another network, a bad counter', async () => {
    const agent = new TRPO(small);
    await agent.learn({ env: cartPoles(2), totalSteps: 20 });
    const cp = agent.toCheckpoint();
    agent.dispose();
    const patched = (change: (m: Record<string, unknown>) => void): Checkpoint => {
      const manifest = structuredClone(cp.manifest) as unknown as Record<string, unknown>;
      change(manifest);
      return { ...cp, manifest } as unknown as Checkpoint;
    };
    expect(() => TRPO.fromCheckpoint(patched((m) => (m.algorithm = 'ppo')))).toThrow(CheckpointError);
    expect(() => TRPO.fromCheckpoint(patched((m) => ((m.config as Record<string, unknown>).hiddenSizes = [16])))).toThrow(/the network does not match/);
    expect(() => TRPO.fromCheckpoint(patched((m) => ((m.config as Record<string, unknown>).nSteps = 4)))).toThrow(CheckpointError);
    expect(() => TRPO.fromCheckpoint(patched((m) => ((m.config as Record<string, unknown>).maxKl = -1)))).toThrow(/config: TrpoConfig: maxKl/);
    expect(() => TRPO.fromCheckpoint(patched((m) => ((m.counters as Record<string, unknown>).steps = -3)))).toThrow(/counters.steps must be an integer >= 0/);
    expect(() => TRPO.fromCheckpoint(patched((m) => ((m.extra as Record<string, unknown>).model = null)))).toThrow(CheckpointError);
    const restored = TRPO.fromCheckpoint(cp);
    expect(restored.steps).toBe(20);
    restored.dispose();
  });
});

describe('TrpoLearner', () => {
  /** A learner for CartPole-shaped data and a full rollout of 4 steps × 2 envs. */
  function setup(config: Partial<TrpoConfig>, rewards: number) {
    const agent = new TRPO({ ...small, ...config });
    return agent.learn({ env: cartPoles(2), totalSteps: 0 }).then(() => {
      const policy = agent.network!;
      const learner = new TrpoLearner(policy, { ...agent.config });
      const buffer = new RolloutBuffer({ steps: 4, numEnvs: 2, observationSize: 4, actionSize: 1, actionDtype: 'int32', gamma: 0.99, gaeLambda: 0.95 });
      for (let t = 0; t < 4; t++) {
        buffer.add({
          observations: [0.1 * t, 0, -0.1, 0.2, -0.1 * t, 0.1, 0, 0],
          actions: Int32Array.of(t % 2, 1),
          rewards: [rewards, 1],
          terminated: [0, 0],
          truncated: [0, 0],
          values: [0, 0],
          logProbs: [Math.log(0.5), Math.log(0.5)],
        });
      }
      buffer.computeReturnsAndAdvantages({ lastValues: [0, 0] });
      return { agent, policy, learner, buffer };
    });
  }

  it('throws on a non-finite surrogate or value loss before writing any weight', async () => {
    const { agent, policy, learner, buffer } = await setup({}, Number.NaN);
    const before = allWeights(agent);
    const batch = { rows: 2, observations: new Float32Array(8), actions: Int32Array.of(0, 1), advantages: Float32Array.of(1, Number.NaN) };
    expect(() => learner.policyUpdate(batch)).toThrow(/non-finite loss \(NaN\) in TRPO surrogate objective/);
    expect(() => learner.valueUpdate(buffer, agent['rng'])).toThrow(/non-finite loss \(NaN\) in TRPO value loss/);
    expect(allWeights(agent)).toEqual(before);
    expect(learner.updates).toBe(0);
    expect(policy.policyVariables().length).toBeGreaterThan(0);
    agent.dispose();
  });

  it('leaves the policy untouched when the line search rejects every step', async () => {
    // A Gaussian policy, actions exactly at the mean, advantages +1: the surrogate's gradient is
    // all in log σ (∂ log π/∂ log σ = (a − μ)²/σ² − 1 = −1), so the natural step shrinks σ, by
    // ≈ √δ = 7 in log σ for δ = 50. KL(π_old ‖ π_new) then holds σ_old²/(2σ_new²) ≈ e¹⁴/2 ≫ δ,
    // and still ≈ e⁹/2 at the third fraction 0.8² of the step: every fraction is rejected.
    const agent = new TRPO({ ...small, maxKl: 50, lineSearchMaxIterations: 3 });
    await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 0 });
    const policy = agent.network!;
    const learner = new TrpoLearner(policy, agent.config);
    const observations = Float32Array.of(1, 0, 0.5, 0, 1, -0.5, -1, 0, 2);
    const { actions } = policy.act(observations, agent['rng'], true);
    const before = Array.from(weightsOf(policy.policyVariables()));
    const step = learner.policyUpdate({ rows: 3, observations, actions, advantages: Float32Array.of(1, 1, 1) });
    expect(step).toMatchObject({ lineSearchSuccess: 0, kl: 0, stepFraction: 0, surrogateImprovement: 0, lineSearchIterations: 3 });
    expect(step.stepScale).toBeGreaterThan(0);
    expect(Array.from(weightsOf(policy.policyVariables()))).toEqual(before);
    // The same batch under a trust region of δ = 0.01 is accepted and moves log σ down.
    const careful = new TrpoLearner(policy, { ...agent.config, maxKl: 0.01 });
    const accepted = careful.policyUpdate({ rows: 3, observations, actions, advantages: Float32Array.of(1, 1, 1) });
    expect(accepted.lineSearchSuccess).toBe(1);
    expect(accepted.kl).toBeLessThanOrEqual(0.01);
    expect(Array.from(policy.logStd!.dataSync())[0]).toBeLessThan(0);
    agent.dispose();
  });

  it('leaks no tensor in policy and value updates', async () => {
    const { agent, learner, buffer } = await setup({}, 1);
    const batch = { rows: 2, observations: Float32Array.of(0.5, -0.2, 0.1, 0.3, -0.4, 0.2, 0, 0.1), actions: Int32Array.of(0, 1), advantages: Float32Array.of(1, -0.5) };
    await expectNoTensorLeak(() => learner.policyUpdate(batch));
    await expectNoTensorLeak(() => learner.update(buffer, agent['rng']));
    agent.dispose();
  });
});
