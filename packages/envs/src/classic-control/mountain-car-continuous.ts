import { Box } from '@tfrl/core';
import {
  ClassicControlEnv,
  checkOptionKeys,
  finiteOption,
  readScalarBoxAction,
  type Transition,
} from '../internal/classic-control.js';

const NAME = 'MountainCarContinuous';
const MIN_ACTION = -1.0;
const MAX_ACTION = 1.0;
const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.45;
const POWER = 0.0015;
const f32 = Math.fround;

/** Options of {@link MountainCarContinuous} (Gymnasium's `Continuous_MountainCarEnv` arguments). */
export interface MountainCarContinuousOptions {
  /** Velocity the car must have (at least) on reaching the goal position (default 0). */
  goalVelocity?: number;
}

/**
 * Mountain car with a continuous force, exactly as Gymnasium 1.4
 * `classic_control/continuous_mountain_car.py` (`Continuous_MountainCarEnv`):
 *
 *   force = min(max(a, −1), 1)   (out-of-bound actions are clipped, as in Gymnasium)
 *   v' = clip(v + 0.0015·force − 0.0025·cos(3p), −0.07, 0.07)
 *   p' = clip(p + v', −1.2, 0.6);  v' = 0 when p' = −1.2 and v' < 0 (inelastic left wall)
 *   reward = 100·[terminated] − 0.1·a²   (a: the action before clipping)
 *
 * terminated when p' ≥ 0.45 and v' ≥ goalVelocity. Observation (p, v) as float32. Start
 * state: p uniform in [−0.6, −0.4), v = 0. No time limit here:
 * `makeEnv('MountainCarContinuous-v0')` adds Gymnasium's 999 steps.
 *
 * Float32 roundings (numpy 2 promotion, NEP 50), emulated with `Math.fround`: the action is
 * float32, so while it is inside the bounds `force·0.0015 − 0.0025·cos(3p)` is a float32
 * expression (a clipped force is a Python float, so that expression is float64). Gymnasium
 * keeps the state in float64 after reset but in float32 after every step, so from the second
 * step on `3p`, `v + …` and `p + v'` are float32 too. We keep float64 state and infer that
 * precision from the values: a state whose two numbers are both float32 values is treated as
 * float32 (a drawn start position never is, in practice), which also makes `reset({ state })`
 * reproduce a recorded mid-episode state exactly.
 *
 * Randomness comes from the env's own {@link Rng}: `reset({ seed })` reseeds it; before any
 * seed it is `Rng.fromSeed(0)`, so an unseeded env is deterministic too.
 */
export class MountainCarContinuous extends ClassicControlEnv<Float32Array> {
  /** (position, velocity) within ([−1.2, 0.6], [−0.07, 0.07]), bounds rounded to float32. */
  readonly observationSpace = new Box({ low: [MIN_POSITION, -MAX_SPEED], high: [MAX_POSITION, MAX_SPEED] });
  /** Force in [−1, 1]; finite values outside are clipped, NaN and wrong lengths throw. */
  readonly actionSpace = new Box({ low: MIN_ACTION, high: MAX_ACTION, shape: [1] });
  readonly goalVelocity: number;

  constructor(options: MountainCarContinuousOptions = {}) {
    super(NAME, 2);
    checkOptionKeys(NAME, options, ['goalVelocity']);
    this.goalVelocity = finiteOption(NAME, 'goalVelocity', options.goalVelocity, 0);
  }

  protected drawStart(): void {
    this.s[0] = this.rng.uniform(-0.6, -0.4);
    this.s[1] = 0;
  }

  protected advance(action: Float32Array): Transition {
    const a = readScalarBoxAction(NAME, this.actionSpace, action); // float32, unclipped
    let position = this.s[0]!;
    let velocity = this.s[1]!;
    const single = f32(position) === position && f32(velocity) === velocity; // Gymnasium's state is float32
    const gravityTerm = 0.0025 * Math.cos(single ? f32(3 * position) : 3 * position); // a Python float
    let change: number;
    if (a >= MIN_ACTION && a <= MAX_ACTION) {
      change = f32(f32(a * f32(POWER)) - f32(gravityTerm)); // float32 force: a float32 expression
      velocity = single ? f32(velocity + change) : velocity + change;
    } else {
      change = (a < MIN_ACTION ? MIN_ACTION : MAX_ACTION) * POWER - gravityTerm; // clipped: Python floats
      velocity = single ? f32(velocity + f32(change)) : velocity + change;
    }
    velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
    if (single) velocity = f32(velocity); // a clipped ±0.07 enters the float32 sum below as float32
    position = single ? f32(position + velocity) : position + velocity;
    position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
    if ((single ? f32(position) === f32(MIN_POSITION) : position === MIN_POSITION) && velocity < 0) velocity = 0;
    // numpy 2 compares a float32 with a Python float in float32.
    const terminated = single
      ? f32(position) >= f32(GOAL_POSITION) && f32(velocity) >= f32(this.goalVelocity)
      : position >= GOAL_POSITION && velocity >= this.goalVelocity;
    // Gymnasium stores the new state as float32.
    this.s[0] = f32(position);
    this.s[1] = f32(velocity);
    const reward = (terminated ? 100.0 : 0) - a * a * 0.1;
    return { reward, terminated };
  }

  protected observe(): Float32Array {
    return Float32Array.from(this.s);
  }
}
