import { Box, Discrete, Rng, type Env, type ResetOptions, type ResetResult, type StepResult } from '@tfrl/core';
import { describe, expect, it } from 'vitest';
import { checkEnvContract, describeEnvContract, envContractChecks, type EnvContractCheck } from './describe-env-contract.js';

const LENGTH = 10;
const TIME_LIMIT = 30;

/**
 * A 1-D corridor: start at a seeded random cell in 0..4, action 0 steps left, 1 steps right;
 * reaching cell 10 terminates (+1), every other step costs 0.01; truncated after 30 steps.
 */
class Corridor implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: 0, high: LENGTH, shape: [1] });
  readonly actionSpace = new Discrete(2);
  protected rng = Rng.fromSeed(0);
  protected position = 0;
  protected steps = 0;
  protected done = true;
  closed = 0;

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    this.position = this.rng.int(5);
    this.steps = 0;
    this.done = false;
    return { observation: this.observe(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.done) throw new Error('Corridor: step after the episode ended; call reset()');
    if (!this.actionSpace.contains(action)) throw new RangeError(`Corridor: invalid action ${action}`);
    this.position = Math.max(0, this.position + (action === 1 ? 1 : -1));
    this.steps++;
    const terminated = this.position === LENGTH;
    const truncated = !terminated && this.steps >= TIME_LIMIT;
    this.done = terminated || truncated;
    return { observation: this.observe(), reward: terminated ? 1 : -0.01, terminated, truncated, info: { steps: this.steps } };
  }

  close(): void {
    this.closed++;
  }

  protected observe(): Float32Array {
    return Float32Array.of(this.position);
  }
}

/** A point on a plane pushed by a Box action in [-1, 1]²; position clipped to [-5, 5]², 20 steps. */
class PointMass implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box({ low: -5, high: 5, shape: [2] });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [2] });
  protected rng = Rng.fromSeed(0);
  protected position = new Float32Array(2);
  protected steps = 0;
  protected done = true;

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    this.rng.fillUniform(this.position, -1, 1);
    this.steps = 0;
    this.done = false;
    return { observation: this.position.slice(), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (this.done) throw new Error('PointMass: step after the episode ended; call reset()');
    this.checkAction(action);
    for (let i = 0; i < 2; i++) this.position[i] = Math.min(5, Math.max(-5, this.position[i]! + action[i]!));
    this.steps++;
    this.done = this.steps >= 20;
    const reward = -Math.hypot(this.position[0]!, this.position[1]!);
    return { observation: this.position.slice(), reward, terminated: false, truncated: this.done, info: {} };
  }

  protected checkAction(action: Float32Array): void {
    if (!this.actionSpace.contains(action)) throw new RangeError('PointMass: action outside [-1, 1]²');
  }
}

/** PointMass that clips finite out-of-bound actions to [-1, 1]² (as Gymnasium's Pendulum does). */
class ClippingPointMass extends PointMass {
  override step(action: Float32Array): StepResult<Float32Array> {
    this.checkAction(action);
    return super.step(action.map((v) => Math.min(1, Math.max(-1, v))));
  }

  protected override checkAction(action: Float32Array): void {
    if (action.length !== 2 || !action.every((v) => Number.isFinite(v))) {
      throw new RangeError('ClippingPointMass: action must be 2 finite numbers');
    }
  }
}

describeEnvContract('Corridor', () => new Corridor());
describeEnvContract('PointMass', () => new PointMass());
describeEnvContract('PointMass that clips actions (clipsActions)', () => new ClippingPointMass(), { clipsActions: true });
describeEnvContract('Corridor (more seeds, extra invalid actions)', () => new Corridor(), {
  seeds: [3, 14, 15, 92],
  maxSteps: 100,
  invalidActions: ['1', null, -0.5],
});

/** The checks that report violations for `makeEnv`. */
function failingChecks(makeEnv: () => Env): EnvContractCheck[] {
  return [...new Set(checkEnvContract(makeEnv).map((v) => v.check))];
}

describe('the env contract catches broken envs', () => {
  it('passes the correct corridor with no violations', () => {
    expect(checkEnvContract(() => new Corridor())).toEqual([]);
  });

  it('catches a NaN reward', () => {
    class NaNReward extends Corridor {
      override step(action: number): StepResult<Float32Array> {
        return { ...super.step(action), reward: NaN };
      }
    }
    expect(failingChecks(() => new NaNReward())).toEqual(['step']);
    expect(envContractChecks.step(() => new NaNReward(), {}).violations[0]).toMatch(/reward NaN is not a finite number/);
  });

  it('catches observations outside the observation space (and non-finite ones in flatten)', () => {
    class Overshoots extends Corridor {
      protected override observe(): Float32Array {
        return Float32Array.of(this.steps > 3 ? Infinity : this.position);
      }
    }
    expect(failingChecks(() => new Overshoots())).toEqual(['step', 'flatten']);
    expect(envContractChecks.flatten(() => new Overshoots(), {}).violations[0]).toMatch(/has Infinity at 0/);
  });

  it('catches a reset observation outside the space and a missing info', () => {
    class BadReset extends Corridor {
      override reset(options?: ResetOptions): ResetResult<Float32Array> {
        super.reset(options);
        return { observation: Float32Array.of(-1), info: undefined as never };
      }
    }
    const violations = envContractChecks.reset(() => new BadReset(), { seeds: [0] }).violations;
    expect(violations).toEqual([
      'reset({ seed: 0 }): observation Float32Array[-1] is not in the observation space',
      'reset({ seed: 0 }): info undefined is not an object',
    ]);
  });

  it('catches 0/1 flags instead of booleans', () => {
    class NumericFlags extends Corridor {
      override step(action: number): StepResult<Float32Array> {
        const result = super.step(action);
        return { ...result, terminated: Number(result.terminated) as never };
      }
    }
    expect(envContractChecks.step(() => new NumericFlags(), {}).violations[0]).toMatch(/terminated 0 is not a boolean/);
  });

  it('catches a step after the episode ended', () => {
    class NeverDone extends Corridor {
      override step(action: number): StepResult<Float32Array> {
        const result = super.step(action);
        this.done = false; // forgets the episode ended
        return result;
      }
    }
    expect(failingChecks(() => new NeverDone())).toEqual(['stepAfterEnd']);
  });

  it('skips the step-after-end check when no episode ends within maxSteps', () => {
    const result = envContractChecks.stepAfterEnd(() => new Corridor(), { maxSteps: 5 });
    expect(result).toEqual({ violations: [], skipped: expect.stringMatching(/no episode ended within 5 steps/) });
  });

  it('catches actions outside the action space being accepted', () => {
    class Lenient extends Corridor {
      override step(action: number): StepResult<Float32Array> {
        return super.step(action >= 1 ? 1 : 0); // clamps instead of throwing
      }
    }
    expect(failingChecks(() => new Lenient())).toEqual(['invalidActions']);
    const messages = envContractChecks.invalidActions(() => new Lenient(), {}).violations;
    expect(messages).toContain('step(NaN) did not throw for an action outside the action space');
  });

  it('catches a Box env that lets NaN and out-of-range actions through', () => {
    class ChecksLengthOnly extends PointMass {
      protected override checkAction(action: Float32Array): void {
        if (action.length !== 2) throw new RangeError('PointMass: action must have 2 elements');
      }
    }
    const violations = envContractChecks.invalidActions(() => new ChecksLengthOnly(), {}).violations;
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.some((v) => /^step\(Float32Array\[NaN, /.test(v))).toBe(true);
    expect(violations.every((v) => !/Float32Array\[[^,\]]*\]\)/.test(v))).toBe(true); // wrong lengths were rejected
  });

  it('with clipsActions, accepts finite out-of-bound Box actions but still requires NaN and wrong lengths to throw', () => {
    const clipping = (): Env => new ClippingPointMass();
    expect(envContractChecks.invalidActions(clipping, { clipsActions: true }).violations).toEqual([]);
    // Without the option, the clipped actions count as accepted invalid actions.
    const strict = envContractChecks.invalidActions(clipping, {}).violations;
    expect(strict.length).toBeGreaterThan(0);
    expect(strict.every((v) => /^step\(Float32Array\[[^\]]*\]\) did not throw/.test(v))).toBe(true);
    // An env that throws on out-of-bound actions contradicts clipsActions.
    const throwing = envContractChecks.invalidActions(() => new PointMass(), { clipsActions: true }).violations;
    expect(throwing.length).toBeGreaterThan(0);
    expect(throwing.every((v) => /threw RangeError: PointMass: action outside \[-1, 1\]², but clipsActions says/.test(v))).toBe(true);
    // Clipping NaN as well is still a violation.
    class ClipsNaN extends ClippingPointMass {
      protected override checkAction(action: Float32Array): void {
        if (action.length !== 2) throw new RangeError('ClipsNaN: action must have 2 elements');
      }
    }
    const nan = envContractChecks.invalidActions(() => new ClipsNaN(), { clipsActions: true }).violations;
    expect(nan.length).toBeGreaterThan(0);
    expect(nan.every((v) => /^step\(Float32Array\[.*(NaN|Infinity).*\]\) did not throw/.test(v))).toBe(true);
  });

  it('catches an action in invalidActions that the action space contains (a mistake in the options)', () => {
    const result = envContractChecks.invalidActions(() => new Corridor(), { invalidActions: [1] });
    expect(result.violations).toEqual(['invalid action 1 is contained in the action space']);
  });

  it('catches a reset that ignores its seed', () => {
    let counter = 0;
    class IgnoresSeed extends Corridor {
      override reset(options?: ResetOptions): ResetResult<Float32Array> {
        const result = super.reset(options);
        this.position = counter++ % 5; // depends on how many envs were reset before
        return { ...result, observation: this.observe() };
      }
    }
    expect(failingChecks(() => new IgnoresSeed())).toEqual(['determinism']);
  });

  it('catches an env whose seed only takes effect in a fresh instance', () => {
    class SeedsOnce extends Corridor {
      private seeded = false;
      override reset(options: ResetOptions = {}): ResetResult<Float32Array> {
        const seed = this.seeded ? undefined : options.seed;
        this.seeded = true;
        return super.reset({ ...options, seed });
      }
    }
    const violations = envContractChecks.determinism(() => new SeedsOnce(), {}).violations;
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.includes('same env reset with the seed again'))).toBe(true);
  });

  it('catches close() that throws the second time', () => {
    class CloseOnce extends Corridor {
      override close(): void {
        super.close();
        if (this.closed > 1) throw new Error('already closed');
      }
    }
    expect(failingChecks(() => new CloseOnce())).toEqual(['close']);
  });

  it('reports a throwing env as a violation instead of crashing', () => {
    class Throws extends Corridor {
      override reset(): ResetResult<Float32Array> {
        throw new Error('boom');
      }
    }
    const violations = checkEnvContract(() => new Throws(), {}, ['reset']);
    expect(violations).toEqual([{ check: 'reset', message: 'reset: threw Error: boom' }]);
  });
});
