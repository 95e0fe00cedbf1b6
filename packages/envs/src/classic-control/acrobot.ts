import { Box, Discrete } from '@tfrl/core';
import { ClassicControlEnv, checkDiscreteAction, checkOptionKeys, type Transition } from '../internal/classic-control.js';

const NAME = 'Acrobot';
const DT = 0.2;
const LINK_LENGTH_1 = 1.0;
const LINK_MASS_1 = 1.0;
const LINK_MASS_2 = 1.0;
const LINK_COM_POS_1 = 0.5;
const LINK_COM_POS_2 = 0.5;
const LINK_MOI = 1.0;
const GRAVITY = 9.8;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1.0] as const;

/**
 * Gymnasium's `wrap`: shifts `x` by multiples of `max − min` until `min <= x <= max` (for
 * angles: wrap(3π/2, −π, π) = −π/2), by repeated subtraction as the original does.
 */
export function wrap(x: number, min: number, max: number): number {
  const diff = max - min;
  while (x > max) x = x - diff;
  while (x < min) x = x + diff;
  return x;
}

/** Gymnasium's `bound`: `x` clipped to [min, max]. */
export function bound(x: number, min: number, max: number): number {
  return Math.min(Math.max(x, min), max);
}

/**
 * Gymnasium's `rk4`: integrates dy/dt = derivs(y) with the classic 4th-order Runge–Kutta
 * method over the sample times `t` (one RK4 step between consecutive times) and returns y at
 * the last time (all of it; Gymnasium's version then drops the trailing action element).
 * Evaluated as `y + dt/6·(k1 + 2·k2 + 2·k3 + k4)` with numpy's order of operations.
 */
export function rk4(derivs: (y: Float64Array) => ArrayLike<number>, y0: ArrayLike<number>, t: ArrayLike<number>): Float64Array {
  const n = y0.length;
  let y = Float64Array.from(y0);
  const probe = new Float64Array(n);
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const evaluate = (k: Float64Array, base: Float64Array, h: number, slope: Float64Array | null): void => {
    if (slope === null) {
      k.set(derivs(base));
    } else {
      for (let j = 0; j < n; j++) probe[j] = base[j]! + h * slope[j]!;
      k.set(derivs(probe));
    }
  };
  for (let i = 0; i < t.length - 1; i++) {
    const dt = t[i + 1]! - t[i]!;
    const dt2 = dt / 2.0;
    evaluate(k1, y, 0, null);
    evaluate(k2, y, dt2, k1);
    evaluate(k3, y, dt2, k2);
    evaluate(k4, y, dt, k3);
    const next = new Float64Array(n);
    const factor = dt / 6.0;
    for (let j = 0; j < n; j++) next[j] = y[j]! + factor * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!);
    y = next;
  }
  return y;
}

/**
 * Time derivative of the augmented Acrobot state y = (θ1, θ2, θ̇1, θ̇2, torque) with the
 * book's equations (Gymnasium's `_dsdt` with `book_or_nips = 'book'`); the torque's derivative is 0.
 */
function acrobotDerivatives(y: Float64Array): number[] {
  const m1 = LINK_MASS_1;
  const m2 = LINK_MASS_2;
  const l1 = LINK_LENGTH_1;
  const lc1 = LINK_COM_POS_1;
  const lc2 = LINK_COM_POS_2;
  const I1 = LINK_MOI;
  const I2 = LINK_MOI;
  const g = GRAVITY;
  const theta1 = y[0]!;
  const theta2 = y[1]!;
  const dtheta1 = y[2]!;
  const dtheta2 = y[3]!;
  const a = y[4]!;
  // Same association as Gymnasium's Python, so the float64 results agree bit for bit.
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * (dtheta2 * dtheta2) * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 =
    (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * Math.sin(theta2) - phi2) /
    (m2 * lc2 ** 2 + I2 - (d2 * d2) / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return [dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0];
}

/**
 * One step of the Acrobot dynamics, in place on `state[offset .. offset + 4]` =
 * (θ1, θ2, θ̇1, θ̇2): torque −1, 0, +1 for action 0, 1, 2 (no check: validate first), one RK4
 * step of dt = 0.2, then θ wrapped to [−π, π] and θ̇1, θ̇2 bounded to ±4π, ±9π. Returns the
 * reward: −1, or 0 when the new state is terminal. This is the physics {@link Acrobot} uses.
 */
export function stepAcrobotState(state: Float64Array, offset: number, action: number): number {
  const torque = AVAIL_TORQUE[action as 0 | 1 | 2];
  const augmented = [state[offset]!, state[offset + 1]!, state[offset + 2]!, state[offset + 3]!, torque];
  const next = rk4(acrobotDerivatives, augmented, [0, DT]);
  state[offset] = wrap(next[0]!, -Math.PI, Math.PI);
  state[offset + 1] = wrap(next[1]!, -Math.PI, Math.PI);
  state[offset + 2] = bound(next[2]!, -MAX_VEL_1, MAX_VEL_1);
  state[offset + 3] = bound(next[3]!, -MAX_VEL_2, MAX_VEL_2);
  return acrobotTerminated(state, offset) ? 0.0 : -1.0;
}

/** True when the free end is above the bar: −cos θ1 − cos(θ2 + θ1) > 1. */
export function acrobotTerminated(state: Float64Array, offset: number): boolean {
  const theta1 = state[offset]!;
  const theta2 = state[offset + 1]!;
  return -Math.cos(theta1) - Math.cos(theta2 + theta1) > 1.0;
}

/** Writes the observation (cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2) as float32 into `out` at `outOffset`. */
export function writeAcrobotObservation(state: Float64Array, offset: number, out: Float32Array, outOffset: number): void {
  const theta1 = state[offset]!;
  const theta2 = state[offset + 1]!;
  out[outOffset] = Math.cos(theta1);
  out[outOffset + 1] = Math.sin(theta1);
  out[outOffset + 2] = Math.cos(theta2);
  out[outOffset + 3] = Math.sin(theta2);
  out[outOffset + 4] = state[offset + 2]!;
  out[outOffset + 5] = state[offset + 3]!;
}

/** Options of {@link Acrobot}: none (Gymnasium's `AcrobotEnv` takes none either). */
export type AcrobotOptions = Record<string, never>;

/**
 * The Acrobot swing-up, exactly as Gymnasium 1.4 `classic_control/acrobot.py` (`AcrobotEnv`,
 * `book_or_nips = 'book'`, `torque_noise_max = 0`): two links (m = 1, l = 1, centre of mass
 * at 0.5, moment of inertia 1) hang from a fixed joint; actions 0, 1, 2 apply torque a = −1, 0,
 * +1 at the middle joint. With g = 9.8:
 *
 *   d1 = m1·lc1² + m2·(l1² + lc2² + 2·l1·lc2·cos θ2) + I1 + I2
 *   d2 = m2·(lc2² + l1·lc2·cos θ2) + I2
 *   φ2 = m2·lc2·g·cos(θ1 + θ2 − π/2)
 *   φ1 = −m2·l1·lc2·θ̇2²·sin θ2 − 2·m2·l1·lc2·θ̇2·θ̇1·sin θ2 + (m1·lc1 + m2·l1)·g·cos(θ1 − π/2) + φ2
 *   θ̈2 = (a + d2/d1·φ1 − m2·l1·lc2·θ̇1²·sin θ2 − φ2) / (m2·lc2² + I2 − d2²/d1)
 *   θ̈1 = −(d2·θ̈2 + φ1) / d1
 *
 * integrated by one RK4 step of dt = 0.2 ({@link rk4}); then θ1, θ2 are wrapped to [−π, π]
 * and θ̇1, θ̇2 bounded to ±4π, ±9π. Observation (cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2) as
 * float32; reward −1 per step, 0 on the terminating step; terminated when
 * −cos θ1 − cos(θ2 + θ1) > 1. Start state: each of θ1, θ2, θ̇1, θ̇2 uniform in [−0.1, 0.1),
 * rounded to float32 as Gymnasium does. No time limit here: `makeEnv('Acrobot-v1')` adds
 * Gymnasium's 500 steps.
 *
 * Randomness comes from the env's own {@link Rng}: `reset({ seed })` reseeds it; before any
 * seed it is `Rng.fromSeed(0)`, so an unseeded env is deterministic too.
 */
export class Acrobot extends ClassicControlEnv<number> {
  /** (cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2) within (±1, ±1, ±1, ±1, ±4π, ±9π), bounds rounded to float32. */
  readonly observationSpace = new Box({ low: [-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2], high: [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2] });
  /** Torque −1 (0), 0 (1) or +1 (2) on the middle joint. */
  readonly actionSpace = new Discrete(3);

  constructor(options: AcrobotOptions = {}) {
    super(NAME, 4);
    checkOptionKeys(NAME, options, []);
  }

  protected drawStart(): void {
    for (let i = 0; i < 4; i++) this.s[i] = Math.fround(this.rng.uniform(-0.1, 0.1));
  }

  protected advance(action: number): Transition {
    checkDiscreteAction(NAME, this.actionSpace, action);
    const reward = stepAcrobotState(this.s, 0, action);
    return { reward, terminated: reward === 0.0 };
  }

  protected observe(): Float32Array {
    const observation = new Float32Array(6);
    writeAcrobotObservation(this.s, 0, observation, 0);
    return observation;
  }
}
