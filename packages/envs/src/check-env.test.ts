import { describe, expect, it, vi } from 'vitest';
import { Box, type Env, type ResetOptions, type ResetResult, type StepResult } from '@tfrl/core';
import { assertEnv, checkEnv } from './check-env.js';
import { ClipAction } from './wrappers/clip-action.js';
import { FlattenObservation } from './wrappers/flatten-observation.js';
import { FrameStack } from './wrappers/frame-stack.js';
import { NormalizeObservation } from './wrappers/normalize-observation.js';
import { NormalizeReward } from './wrappers/normalize-reward.js';
import { OneHotObservation } from './wrappers/one-hot-observation.js';
import { PartialObservation } from './wrappers/partial-observation.js';
import { RecordEpisodeStatistics } from './wrappers/record-episode-statistics.js';
import { RescaleAction } from './wrappers/rescale-action.js';
import { CorridorEnv, PointEnv } from './wrappers/test-envs.js';
import { TimeLimit } from './wrappers/time-limit.js';
import { TransformReward } from './wrappers/transform-reward.js';

// Each broken env below breaks exactly one rule of the Env contract.

class ResetOutsideSpace extends CorridorEnv {
  override reset(options?: ResetOptions): ResetResult<number> {
    super.reset(options);
    return { observation: 99, info: {} };
  }
}

/** A Box that accepts any Float32Array of length 1, NaN included, so only the finiteness check can object. */
class LooseBox extends Box {
  override contains(x: unknown): x is Float32Array {
    return x instanceof Float32Array && x.length === 2;
  }
}

class ResetNaN extends PointEnv {
  override readonly observationSpace = new LooseBox({ low: [-2, -1], high: [2, 1] });
  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const result = super.reset(options);
    return { ...result, observation: Float32Array.of(NaN, 0) };
  }
}

class UnseededReset extends CorridorEnv {
  private calls = 0;
  override reset(options?: ResetOptions): ResetResult<number> {
    super.reset(options);
    return { observation: this.calls++ % 3, info: {} };
  }
}

class ResetInfoMap extends CorridorEnv {
  override reset(options?: ResetOptions): ResetResult<number> {
    return { ...super.reset(options), info: new Map() as never };
  }
}

class ResetThrows extends CorridorEnv {
  override reset(): ResetResult<number> {
    throw new Error('no reset today');
  }
}

class StepOutsideSpace extends PointEnv {
  override step(action: Float32Array): StepResult<Float32Array> {
    return { ...super.step(action), observation: Float32Array.of(5, 0) };
  }
}

class NaNReward extends PointEnv {
  override step(action: Float32Array): StepResult<Float32Array> {
    return { ...super.step(action), reward: NaN };
  }
}

class NumericTerminated extends CorridorEnv {
  override step(action: number): StepResult<number> {
    const result = super.step(action);
    return { ...result, terminated: (result.terminated ? 1 : 0) as unknown as boolean };
  }
}

class ArrayInfo extends CorridorEnv {
  override step(action: number): StepResult<number> {
    return { ...super.step(action), info: [] as never };
  }
}

class StepThrows extends CorridorEnv {
  override step(): StepResult<number> {
    throw new RangeError('broken dynamics');
  }
}

/** Forgets that the episode ended: steps on from the last cell. */
class StepsAfterEnd implements Env<number, number> {
  private readonly inner = new CorridorEnv();
  readonly observationSpace = this.inner.observationSpace;
  readonly actionSpace = this.inner.actionSpace;
  reset(options?: ResetOptions): ResetResult<number> {
    return this.inner.reset(options);
  }
  step(action: number): StepResult<number> {
    const result = this.inner.step(action);
    if (result.terminated) this.inner.reset({ options: { cell: 3 } });
    return result;
  }
}

/** Takes Math.floor of the action, so 1.5 passes. */
class FloorsActions extends CorridorEnv {
  override step(action: number): StepResult<number> {
    return super.step(Number.isNaN(action) ? action : Math.floor(action));
  }
}

/** Treats NaN as 0. */
class NaNActionIsZero extends PointEnv {
  override step(action: Float32Array): StepResult<Float32Array> {
    return super.step(action.map((a) => (Number.isNaN(a) ? 0 : a)));
  }
}

/** Reads only the first element, so longer actions pass. */
class IgnoresLength extends PointEnv {
  override step(action: Float32Array): StepResult<Float32Array> {
    return super.step(action.length > 1 ? action.slice(0, 1) : action);
  }
}

class CloseOnce extends PointEnv {
  override close(): void {
    if (this.closed > 0) throw new Error('already closed');
    super.close();
  }
}

class FutureApi extends CorridorEnv {
  readonly apiVersion = 2 as unknown as 1;
}

describe('checkEnv on correct envs', () => {
  const correct: [string, () => Env][] = [
    ['PointEnv', () => new PointEnv()],
    ['PointEnv that clips out-of-bounds actions', () => new PointEnv({ clipActions: true })],
    ['CorridorEnv', () => new CorridorEnv()],
    ['TimeLimit(CorridorEnv)', () => new TimeLimit(new CorridorEnv(), 3)],
    ['RecordEpisodeStatistics(PointEnv)', () => new RecordEpisodeStatistics(new PointEnv())],
    // Frozen statistics: while training, each reset moves the statistics and so the observation.
    ['NormalizeObservation(PointEnv), frozen', () => new NormalizeObservation(new PointEnv(), { training: false })],
    ['NormalizeReward(CorridorEnv)', () => new NormalizeReward(new CorridorEnv())],
    ['FlattenObservation(CorridorEnv)', () => new FlattenObservation(new CorridorEnv())],
    ['FrameStack(PointEnv, 3)', () => new FrameStack(new PointEnv(), 3)],
    ['OneHotObservation(CorridorEnv)', () => new OneHotObservation(new CorridorEnv())],
    ['PartialObservation(PointEnv)', () => new PartialObservation(new PointEnv(), { keep: [0] })],
    ['TransformReward(CorridorEnv)', () => new TransformReward(new CorridorEnv(), (r) => 2 * r)],
  ];
  for (const [name, makeEnv] of correct) {
    it(`finds nothing wrong with ${name}`, () => {
      expect(checkEnv(makeEnv())).toEqual({ errors: [], warnings: [] });
    });
  }

  it('warns about Box action spaces other than [-1, 1], and passes them to warn', () => {
    const warn = vi.fn();
    const rescaled = checkEnv(new RescaleAction(new PointEnv(), 0, 4), { warn });
    expect(rescaled.errors).toEqual([]);
    expect(rescaled.warnings).toEqual([
      'Point-v0: the Box action space Box(0, 4, [1], float32) is not [-1, 1]; Gaussian policies learn best in a symmetric, normalised range: wrap the env in RescaleAction(env, -1, 1)',
    ]);
    expect(warn).toHaveBeenCalledWith(rescaled.warnings[0]);
    expect(checkEnv(new ClipAction(new PointEnv())).warnings).toEqual([
      'Point-v0: the Box action space Box(-inf, inf, [1], float32) is unbounded; bound it so policies know the valid range',
    ]);
  });

  it('warns when no episode ended, so step after the end could not be checked', () => {
    expect(checkEnv(new CorridorEnv(100), { steps: 3 })).toEqual({
      errors: [],
      warnings: [
        'CorridorEnv: no episode ended within 3 steps, so step() after the end was not checked (raise steps or add a TimeLimit)',
      ],
    });
  });

  it('assertEnv passes a correct env and throws an Error listing the errors of a broken one', () => {
    expect(() => assertEnv(new CorridorEnv())).not.toThrow();
    expect(() => assertEnv(new NaNReward())).toThrow(
      /^checkEnv found 1 error:\n- Point-v0: step 0 \(action Float32Array\[.*\]\) returned reward NaN, not a finite number$/,
    );
    expect(() => assertEnv(new StepsAfterEnd())).toThrow(/^checkEnv found 1 error:\n- StepsAfterEnd: step\(\) after the episode ended/);
  });

  it('validates its options', () => {
    expect(() => checkEnv(new CorridorEnv(), { steps: 0 })).toThrow(
      new RangeError('checkEnv: steps must be a positive integer, got 0'),
    );
    expect(() => checkEnv(new CorridorEnv(), { seed: 0.5 })).toThrow(new RangeError('checkEnv: seed must be an integer, got 0.5'));
  });
});

describe('checkEnv on envs broken in one way reports exactly that', () => {
  const broken: [string, () => Env, RegExp][] = [
    [
      'observationSpace is not a Space',
      () => ({ ...new CorridorEnv(), observationSpace: { n: 5 } }) as unknown as Env,
      /^Object: observationSpace must be a tfrl Space \(Box, Discrete, … from @tfrl\/core\), got \{"n":5\}$/,
    ],
    [
      'reset observation outside the space',
      () => new ResetOutsideSpace(),
      /^ResetOutsideSpace: reset\(\{ seed: 0 \}\) returned observation 99, not in the observation space Discrete\(5\)$/,
    ],
    [
      'reset observation not finite',
      () => new ResetNaN(),
      /^Point-v0: reset\(\{ seed: 0 \}\) returned observation Float32Array\[NaN, 0\], whose flattened element 0 is NaN, not finite$/,
    ],
    ['reset not reproducible', () => new UnseededReset(), /^UnseededReset: reset\(\{ seed: 0 \}\) twice gave different observations, 0 then 1/],
    ['reset info not a plain object', () => new ResetInfoMap(), /^ResetInfoMap: reset\(\{ seed: 0 \}\) returned info \{\}, not a plain object$/],
    ['reset throws', () => new ResetThrows(), /^ResetThrows: reset\(\{ seed: 0 \}\) threw Error: no reset today$/],
    [
      'step observation outside the space',
      () => new StepOutsideSpace(),
      /^Point-v0: step 0 \(action Float32Array\[.*\]\) returned observation Float32Array\[5, 0\], not in the observation space Box\(\[-2, -1\], \[2, 1\], \[2\], float32\)$/,
    ],
    ['reward not finite', () => new NaNReward(), /^Point-v0: step 0 \(action .*\) returned reward NaN, not a finite number$/],
    ['terminated not a boolean', () => new NumericTerminated(), /^NumericTerminated: step 0 \(action \d\) returned terminated [01], not a boolean$/],
    ['step info not a plain object', () => new ArrayInfo(), /^ArrayInfo: step 0 \(action \d\) returned info \[\], not a plain object$/],
    ['step throws', () => new StepThrows(), /^StepThrows: step 0 \(action \d\) threw RangeError: broken dynamics$/],
    [
      'step after the end does not throw',
      () => new StepsAfterEnd(),
      /^StepsAfterEnd: step\(\) after the episode ended \(terminated at step \d+\) did not throw; it must until reset\(\) is called$/,
    ],
    [
      'Discrete action 1.5 accepted',
      () => new FloorsActions(),
      /^FloorsActions: step\(0\.5\) did not throw, but the action is outside the action space Discrete\(2\)$/,
    ],
    [
      'Box action NaN accepted',
      () => new NaNActionIsZero(),
      /^Point-v0: step\(Float32Array\[NaN\]\) did not throw, but the action is outside the action space Box\(-1, 1, \[1\], float32\)$/,
    ],
    [
      'Box action of the wrong length accepted',
      () => new IgnoresLength(),
      /^Point-v0: step\(Float32Array\[0, 0\]\) did not throw, but the action is outside the action space Box\(-1, 1, \[1\], float32\)$/,
    ],
    ['close not idempotent', () => new CloseOnce(), /^Point-v0: close\(\) called twice threw Error: already closed; close must be idempotent$/],
    ['unknown apiVersion', () => new FutureApi(), /^FutureApi: declares apiVersion 2, but this checker knows Env contract v1$/],
  ];
  for (const [what, makeEnv, message] of broken) {
    it(what, () => {
      const { errors } = checkEnv(makeEnv());
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
    });
  }

  it('reports a Discrete env that accepts n and −1 once per action', () => {
    // Clamps into [0, 1]; 0.5 still reaches the inner range check and throws.
    class NoRangeCheck extends CorridorEnv {
      override step(action: number): StepResult<number> {
        return super.step(Math.min(Math.max(action, 0), 1));
      }
    }
    expect(checkEnv(new NoRangeCheck()).errors).toEqual([
      'NoRangeCheck: step(2) did not throw, but the action is outside the action space Discrete(2)',
      'NoRangeCheck: step(-1) did not throw, but the action is outside the action space Discrete(2)',
    ]);
  });
});
