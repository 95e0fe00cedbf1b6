import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CheckpointError,
  Discrete,
  Box,
  memoryCheckpointStore,
  type Env,
  type ResetResult,
  type StepResult,
} from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak } from '@tfrl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DQN } from './agent.js';
import { rainbow, type DqnConfig } from './config.js';
import { useCpuBackend, weightsOf } from './test-setup.js';

beforeAll(useCpuBackend);

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tfrl-dqn-'));
  dirs.push(dir);
  return dir;
}

/** Small and quick on the cpu backend: one update every 2 steps from step 200, batch 16. */
const small: Partial<DqnConfig> = {
  hiddenSizes: [16],
  batchSize: 16,
  bufferSize: 2_000,
  learningStarts: 200,
  trainFrequency: 2,
  gradientSteps: 1,
  targetUpdateInterval: 50,
};
const smallRainbow = (): DqnConfig => rainbow({ ...small, distributional: { atoms: 11, vMin: 0, vMax: 50 } });

function allWeights(agent: DQN): Float32Array[] {
  const model = (agent as unknown as { model: { learner: { online: { trainableVariables(): never }; target: { trainableVariables(): never } } } }).model;
  return [weightsOf(model.learner.online.trainableVariables()), weightsOf(model.learner.target.trainableVariables())];
}

describe('DQN', () => {
  it('is deterministic: the same seed gives the same weights, another seed others', async () => {
    const run = async (seed: number) => {
      const agent = new DQN({ ...small, seed });
      const report = await agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 600 });
      expect(report).toMatchObject({ steps: 600, updates: 200, stoppedEarly: false });
      const weights = allWeights(agent);
      agent.dispose();
      return weights;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect((await run(2))[0]).not.toEqual(a[0]);
  });

  for (const [name, config] of [
    ['DQN', () => ({ ...small, seed: 4 })],
    ['Rainbow', () => ({ ...smallRainbow(), seed: 4 })],
  ] as const) {
    it(`${name}: resuming from a checkpoint continues the run bit for bit`, async () => {
      const straight = new DQN(config());
      await straight.learn({ env: makeEnv('CartPole-v1'), totalSteps: 3_000 });

      const dir = await tempDir();
      const env = makeEnv('CartPole-v1');
      const first = new DQN(config());
      const report = await first.learn({
        env,
        totalSteps: 3_000,
        callbacks: [{ onStep: async (state) => (state.step === 2_000 ? (await first.save(dir), false) : true) }],
      });
      expect(report).toMatchObject({ steps: 2_000, stoppedEarly: true });
      first.dispose();
      const resumed = await DQN.load(dir);
      expect(resumed.steps).toBe(2_000);
      await resumed.learn({ env, totalSteps: 1_000, continueRun: true });
      expect(resumed.steps).toBe(3_000);
      expect(resumed.updates).toBe(straight.updates);
      expect(allWeights(resumed)).toEqual(allWeights(straight));
      straight.dispose();
      resumed.dispose();
    });
  }

  it("'new-episodes' resumes a loaded run on a fresh env, keeping its schedule and counters", async () => {
    const dir = await tempDir();
    const first = new DQN({ ...small, seed: 5 });
    await first.learn({
      env: makeEnv('CartPole-v1'),
      totalSteps: 3_000,
      callbacks: [{ onStep: async (state) => (state.step === 1_500 ? (await first.save(dir), false) : true) }],
    });
    const epsilonAtSave = first.explorationRate;
    first.dispose();
    const resumed = await DQN.load(dir);
    // The schedule carries on from the saved point instead of restarting at its start value.
    await resumed.learn({ env: makeEnv('CartPole-v1'), totalSteps: 1, continueRun: 'new-episodes' });
    expect(resumed.explorationRate).toBeLessThanOrEqual(epsilonAtSave);
    await resumed.learn({ env: makeEnv('CartPole-v1'), totalSteps: 1_499, continueRun: 'new-episodes' });
    expect(resumed.steps).toBe(3_000);
    resumed.dispose();
  });

  it('composes every flag with vector envs (next-step autoreset), n-step and prioritized replay', async () => {
    const variants: Partial<DqnConfig>[] = [
      { nStep: 3 },
      { prioritized: { alpha: 0.6, betaStart: 0.4, betaEnd: 1, epsilon: 1e-6 } },
      { dueling: true, double: false, tau: 0.1, loss: 'mse', maxGradNorm: null },
      { noisy: true, explorationStart: 0, explorationEnd: 0 },
      { distributional: { atoms: 11, vMin: 0, vMax: 50 } },
      smallRainbow(),
    ];
    for (const variant of variants) {
      const agent = new DQN({ ...small, ...variant, learningStarts: 64 });
      const env = new CartPoleVectorEnv({ numEnvs: 4 });
      const report = await agent.learn({ env, totalSteps: 200 });
      expect(report.updates).toBeGreaterThan(0);
      expect(Number.isInteger(agent.act(new Float32Array(4)))).toBe(true);
      agent.dispose();
    }
  });

  it('acts and learns without leaking tensors', async () => {
    const agent = new DQN({ ...smallRainbow(), learningStarts: 32 });
    const env = makeEnv('CartPole-v1');
    await agent.learn({ env, totalSteps: 64 });
    const observation = Float32Array.of(0.01, -0.02, 0.03, 0.04);
    await expectNoTensorLeak(() => agent.act(observation));
    await expectNoTensorLeak(() => agent.act(observation, { deterministic: true }));
    await expectNoTensorLeak(() => agent.actBatch(new Float32Array(4 * 8)));
    await expectNoTensorLeak(() => agent.learn({ env, totalSteps: 8, continueRun: true }));
    agent.dispose();
  });

  it('act and actBatch follow the Discrete start and return greedy actions deterministically', async () => {
    const agent = new DQN({ ...small, learningStarts: 32 });
    await agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 40 });
    const rows = new Float32Array([0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4]);
    const batch = agent.actBatch(rows, { deterministic: true });
    expect([agent.act(rows.subarray(0, 4), { deterministic: true }), agent.act(rows.subarray(4), { deterministic: true })]).toEqual(Array.from(batch));
    expect(() => new DQN().act(rows.subarray(0, 4))).toThrow('call learn() or DQN.load() first');
    agent.dispose();
  });

  it('rejects corrupt and mismatched checkpoints with the problems listed', async () => {
    const agent = new DQN({ ...small, learningStarts: 32 });
    await agent.learn({ env: makeEnv('CartPole-v1'), totalSteps: 50 });
    const dir = await tempDir();
    await agent.save(dir);
    const blob = (await readdir(dir)).find((file) => file.startsWith('online.0.'))!;
    const bytes = await readFile(join(dir, blob));
    bytes[3] ^= 0xff;
    await writeFile(join(dir, blob), bytes);
    await expect(DQN.load(dir)).rejects.toThrow(/checksum mismatch/);

    const store = memoryCheckpointStore();
    const cp = agent.toCheckpoint();
    await store.write({ ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, hiddenSizes: [32] } } });
    const error = await DQN.load(store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).message).toMatch(/blob "online.0": shape \[4,16\], expected \[4,32\]/);

    await store.write({ ...cp, manifest: { ...cp.manifest, config: { ...cp.manifest.config, gamma: 2 } } });
    await expect(DQN.load(store)).rejects.toThrow('config: DqnConfig: gamma must be in [0, 1], got 2');
    await store.write({ ...cp, manifest: { ...cp.manifest, algorithm: 'ppo' } });
    await expect(DQN.load(store)).rejects.toThrow('checkpoint is for algorithm "ppo", expected "dqn"');
    agent.dispose();
  });
});

/**
 * A corridor of 5 cells with actions 0 left, 1 right, 2 jump. Jump is valid only in cell 1
 * (info.actionMask says so) and would pay 100 anywhere; an invalid action throws. Reaching
 * cell 4 ends the episode with reward 1.
 */
class Corridor implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: 0, high: 1, shape: [5] });
  readonly actionSpace = new Discrete(3);
  private cell = 0;
  private mask(): number[] {
    return [1, 1, this.cell === 1 ? 1 : 0];
  }
  private observe(): Float32Array {
    const o = new Float32Array(5);
    o[this.cell] = 1;
    return o;
  }
  reset(): ResetResult<Float32Array> {
    this.cell = 0;
    return { observation: this.observe(), info: { actionMask: this.mask() } };
  }
  step(action: number): StepResult<Float32Array> {
    if (!this.mask()[action]) throw new Error(`Corridor: action ${action} is not allowed in cell ${this.cell}`);
    const reward = action === 2 ? 0.5 : 0;
    this.cell = action === 0 ? Math.max(0, this.cell - 1) : action === 1 ? this.cell + 1 : 3;
    const terminated = this.cell === 4;
    return { observation: this.observe(), reward: terminated ? 1 : reward, terminated, truncated: false, info: { actionMask: this.mask() } };
  }
}

describe('DQN action masks', () => {
  it('never chooses a masked action, in training or when acting', async () => {
    for (const config of [{ ...small }, smallRainbow()]) {
      const agent = new DQN({ ...config, actionMaskInfoKey: 'actionMask', learningStarts: 32, explorationEnd: 0.5 });
      await agent.learn({ env: new Corridor(), totalSteps: 300 }); // Corridor throws on a masked action
      const cell = (i: number) => Float32Array.from({ length: 5 }, (_, k) => (k === i ? 1 : 0));
      for (let i = 0; i < 4; i++) {
        for (let k = 0; k < 20; k++) expect(agent.act(cell(i), { mask: [1, 1, i === 1 ? 1 : 0] })).not.toBe(i === 1 ? -1 : 2);
      }
      expect(agent.act(cell(0), { mask: [0, 0, 1], deterministic: true })).toBe(2);
      const rows = new Float32Array([...cell(0), ...cell(2)]);
      expect(Array.from(agent.actBatch(rows, { masks: [0, 0, 1, 1, 0, 0], deterministic: true }))).toEqual([2, 0]);
      expect(() => agent.actBatch(rows, { masks: [1, 1, 1] })).toThrow('masks has length 3, expected 6');
      agent.dispose();
    }
  });

  it('takes the mask from a function, which DQN.load needs again', async () => {
    const actionMask = (observation: Float32Array) => [1, 1, observation[1] === 1 ? 1 : 0];
    const agent = new DQN({ ...small, actionMask, learningStarts: 32 });
    await agent.learn({ env: new Corridor(), totalSteps: 100 });
    const store = memoryCheckpointStore();
    await agent.save(store);
    await expect(DQN.load(store)).rejects.toThrow('pass it: DQN.load(source, { actionMask })');
    const loaded = await DQN.load(store, { actionMask });
    await loaded.learn({ env: new Corridor(), totalSteps: 50 });
    agent.dispose();
    loaded.dispose();
  });
});
