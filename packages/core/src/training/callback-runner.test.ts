import { describe, expect, it } from 'vitest';
import type { Policy } from '../agent.js';
import type { Callback, EvaluationResult, TrainingState } from '../callback.js';
import type { Env, ResetOptions } from '../env.js';
import type { Space } from '../spaces/space.js';
import { CallbackRunner, evalCallback, everyNSteps, stopOnReward } from './callback-runner.js';

const state = (step: number, recentReturn = Number.NaN): TrainingState => ({ step, episodes: 0, updates: 0, recentReturn });
const evaluation = (meanReturn: number): EvaluationResult => ({ meanReturn, stdReturn: 0, meanLength: 1, returns: [meanReturn], lengths: [1] });
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('CallbackRunner', () => {
  it('runs every hook of an event in order and stops if any returned false (SB3 semantics)', async () => {
    const seen: string[] = [];
    const runner = new CallbackRunner([
      { onStep: () => void seen.push('a') },
      { onStep: () => (seen.push('b'), false) },
      { onStep: () => (seen.push('c'), true) },
    ]);
    expect(runner.stopRequested).toBe(false);
    await expect(runner.step(state(1))).resolves.toBe(false);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(runner.stopRequested).toBe(true);
  });

  it('awaits async hooks one after another', async () => {
    const seen: string[] = [];
    const runner = new CallbackRunner([
      { onUpdate: () => void seen.push('sync') },
      {
        async onUpdate(_s, metrics) {
          await tick();
          seen.push(`slow ${metrics.loss}`);
          return false;
        },
      },
      { onUpdate: () => void seen.push('after') },
      {
        async onUpdate() {
          seen.push('async true');
          return true;
        },
      },
    ]);
    await expect(runner.update(state(1), { loss: 0.5 })).resolves.toBe(false);
    expect(seen).toEqual(['sync', 'slow 0.5', 'after', 'async true']);
    const go = new CallbackRunner([{ onUpdate: async () => undefined }]);
    await expect(go.update(state(1), {})).resolves.toBe(true);
  });

  it('allocates no promise per step when no hook, or only synchronous hooks, exist', async () => {
    const empty = new CallbackRunner([{ onUpdate: () => undefined }]);
    expect(empty.hasStepHooks).toBe(false);
    expect(empty.step(state(1))).toBe(empty.step(state(2)));
    await expect(empty.step(state(3))).resolves.toBe(true);
    const sync = new CallbackRunner([{ onStep: () => true }]);
    expect(sync.hasStepHooks).toBe(true);
    expect(sync.step(state(1))).toBe(empty.step(state(1)));
    expect(new CallbackRunner().rolloutEnd(state(1))).toBe(empty.step(state(1)));
    expect(empty.trainingEnd(state(1))).toBe(new CallbackRunner().trainingEnd(state(2)));
  });

  it('rejects when a hook throws, skipping the hooks after it', async () => {
    const seen: string[] = [];
    const runner = new CallbackRunner([
      {
        onRolloutEnd() {
          throw new Error('boom');
        },
      },
      { onRolloutEnd: () => void seen.push('never') },
    ]);
    await expect(runner.rolloutEnd(state(1))).rejects.toThrow('boom');
    const asyncRunner = new CallbackRunner([{ onEval: async () => Promise.reject(new Error('late boom')) }, { onEval: () => void seen.push('never') }]);
    await expect(asyncRunner.evaluation(state(1), evaluation(1))).rejects.toThrow('late boom');
    expect(seen).toEqual([]);
  });

  it('runs start and end hooks in order, awaiting each', async () => {
    const seen: string[] = [];
    const log = (name: string): Callback => ({
      async onTrainingStart(s) {
        await tick();
        seen.push(`${name} start ${s.step}`);
      },
      onTrainingEnd(s) {
        seen.push(`${name} end ${s.step}`);
      },
    });
    const runner = new CallbackRunner([log('a'), log('b')]);
    await runner.trainingStart(state(0));
    await runner.trainingEnd(state(9));
    expect(seen).toEqual(['a start 0', 'b start 0', 'a end 9', 'b end 9']);
  });

  it('passes evaluation results and continues when hooks return nothing', async () => {
    const results: number[] = [];
    const runner = new CallbackRunner([{ onEval: (_s, r) => void results.push(r.meanReturn) }]);
    await expect(runner.evaluation(state(1), evaluation(7))).resolves.toBe(true);
    expect(results).toEqual([7]);
  });
});

describe('stopOnReward', () => {
  it('stops when the recent return or an evaluation reaches the threshold', async () => {
    const runner = new CallbackRunner([stopOnReward(100)]);
    await expect(runner.step(state(1))).resolves.toBe(true); // NaN: no episode yet
    await expect(runner.step(state(2, 99.9))).resolves.toBe(true);
    await expect(runner.evaluation(state(2), evaluation(50))).resolves.toBe(true);
    await expect(runner.step(state(3, 100))).resolves.toBe(false);
    await expect(new CallbackRunner([stopOnReward(100)]).evaluation(state(3), evaluation(120))).resolves.toBe(false);
  });

  it('can watch only training or only evaluation', () => {
    const training = stopOnReward(1, { on: 'training' });
    expect(training.onEval).toBeUndefined();
    expect(training.onStep!(state(1, 2))).toBe(false);
    const evalOnly = stopOnReward(1, { on: 'evaluation' });
    expect(evalOnly.onStep).toBeUndefined(); // keeps the step fast path
    expect(evalOnly.onEval!(state(1), evaluation(1))).toBe(false);
    expect(() => stopOnReward(Number.NaN)).toThrow(RangeError);
  });

  it('stops a training loop early', async () => {
    const runner = new CallbackRunner([stopOnReward(10)]);
    let step = 0;
    let recentReturn = Number.NaN;
    while (step < 1000) {
      step += 4; // four sub-envs
      if (step % 20 === 0) recentReturn = step / 10;
      if (!(await runner.step(state(step, recentReturn)))) break;
    }
    expect(step).toBe(100);
  });
});

describe('everyNSteps', () => {
  it('fires once per multiple of n passed, counting from the start step', async () => {
    const fired: number[] = [];
    const runner = new CallbackRunner([everyNSteps(10, (s) => void fired.push(s.step))]);
    await runner.trainingStart(state(0));
    for (let step = 4; step <= 40; step += 4) await runner.step(state(step));
    expect(fired).toEqual([12, 20, 32, 40]);
    fired.length = 0;
    await runner.trainingStart(state(35)); // resumed run
    for (const step of [36, 39, 40, 41, 75]) await runner.step(state(step));
    expect(fired).toEqual([40, 75]);
  });

  it('passes the hook result through, so fn can stop training', async () => {
    const runner = new CallbackRunner([everyNSteps(5, async () => false)]);
    await expect(runner.step(state(4))).resolves.toBe(true);
    await expect(runner.step(state(5))).resolves.toBe(false);
    expect(() => everyNSteps(0, () => undefined)).toThrow('everyNSteps: interval must be an integer >= 1, got 0');
  });
});

describe('evalCallback', () => {
  const space: Space<number> = {
    kind: 'discrete',
    shape: [],
    flatDim: 1,
    contains: (x): x is number => x === 0,
    sample: () => 0,
    flatten: (x, out = new Float32Array(1)) => out.fill(x),
    unflatten: () => 0,
    toJSON: () => ({ kind: 'discrete', n: 1, start: 0 }),
  };
  /** Episode return = the reset seed (0 unseeded); one step per episode. */
  const makeEnv = (): Env<number, number> & { seeds: (number | undefined)[] } => {
    const seeds: (number | undefined)[] = [];
    let seed = 0;
    return {
      seeds,
      observationSpace: space,
      actionSpace: space,
      reset(options?: ResetOptions) {
        seeds.push(options?.seed);
        seed = options?.seed ?? 0;
        return { observation: 0, info: {} };
      },
      step: () => ({ observation: 0, reward: seed, terminated: true, truncated: false, info: {} }),
    };
  };
  const policy: Policy<number, number> = { act: () => 0 };

  it('evaluates every `everySteps` steps with the same seeds and reports each result', async () => {
    const env = makeEnv();
    const results: [number, number][] = [];
    const runner = new CallbackRunner([
      evalCallback({ env, policy, everySteps: 10, episodes: 2, seed: 100, onResult: (r, s) => void results.push([s.step, r.meanReturn]) }),
    ]);
    await runner.trainingStart(state(0));
    for (let step = 5; step <= 30; step += 5) await expect(runner.step(state(step))).resolves.toBe(true);
    expect(results).toEqual([
      [10, 100.5],
      [20, 100.5],
      [30, 100.5],
    ]);
    expect(env.seeds).toEqual([100, 101, 100, 101, 100, 101]);
  });

  it('stops training when onResult returns false; works without onResult', async () => {
    const stopping = new CallbackRunner([
      evalCallback({ env: makeEnv(), policy, everySteps: 1, episodes: 1, seed: 3, onResult: (r) => r.meanReturn < 3 }),
    ]);
    await expect(stopping.step(state(1))).resolves.toBe(false);
    const env = makeEnv();
    await expect(new CallbackRunner([evalCallback({ env, policy, everySteps: 2 })]).step(state(2))).resolves.toBe(true);
    expect(env.seeds).toHaveLength(10);
    expect(() => evalCallback({ env, policy, everySteps: -1 })).toThrow('evalCallback: interval must be an integer >= 1');
  });
});
