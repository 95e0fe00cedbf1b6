import { Box } from '@tfrl/core';
import {
  ClassicControlEnv,
  checkOptionKeys,
  finiteOption,
  readScalarBoxAction,
  type Transition,
} from '../internal/classic-control.js';

const NAME = 'Pendulum';
const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const MASS = 1.0;
const LENGTH = 1.0;
/** 3/(m·l²), a float32 factor once it multiplies the float32 torque (NEP 50). */
const TORQUE_GAIN = 3.0 / (MASS * LENGTH ** 2);
const COST_TORQUE_32 = Math.fround(0.001);
const TWO_PI = 2 * Math.PI;

/** ((x + π) mod 2π) − π with numpy's floored modulo, as Gymnasium's `angle_normalize`. */
export function angleNormalize(x: number): number {
  let r = (x + Math.PI) % TWO_PI;
  if (r < 0) r += TWO_PI;
  else if (r === 0) r = 0; // numpy's remainder returns +0, never −0
  return r - Math.PI;
}

/**
 * One step of the pendulum dynamics, in place on `state[offset .. offset + 2]` = (θ, θ̇),
 * with gravity `g`. `torque` is rounded to float32 and clipped to [−2, 2] (Gymnasium's
 * float32 action); it must not be NaN (validate first). Returns the reward
 * −(normalize(θ)² + 0.1·θ̇² + 0.001·u²), computed before the update. This is the physics
 * {@link Pendulum} uses, for batched kernels that must match it exactly.
 */
export function stepPendulumState(state: Float64Array, offset: number, torque: number, g = 10.0): number {
  const th = state[offset]!;
  const thDot = state[offset + 1]!;
  const u = Math.min(Math.max(Math.fround(torque), -MAX_TORQUE), MAX_TORQUE); // float32, bounds exact in float32
  const normalized = angleNormalize(th);
  // NEP 50: u is float32, so u² and 0.001·u² are float32; the rest is float64.
  const costs = normalized * normalized + 0.1 * (thDot * thDot) + Math.fround(COST_TORQUE_32 * Math.fround(u * u));
  const torqueTerm = Math.fround(Math.fround(TORQUE_GAIN) * u);
  let newThDot = thDot + (((3 * g) / (2 * LENGTH)) * Math.sin(th) + torqueTerm) * DT;
  newThDot = Math.min(Math.max(newThDot, -MAX_SPEED), MAX_SPEED);
  state[offset] = th + newThDot * DT;
  state[offset + 1] = newThDot;
  return -costs;
}

/** Writes the observation (cos θ, sin θ, θ̇) of the state at `offset` as float32 into `out` at `outOffset`. */
export function writePendulumObservation(state: Float64Array, offset: number, out: Float32Array, outOffset: number): void {
  const th = state[offset]!;
  out[outOffset] = Math.cos(th);
  out[outOffset + 1] = Math.sin(th);
  out[outOffset + 2] = state[offset + 1]!;
}

/** Options of {@link Pendulum} (Gymnasium's `PendulumEnv` arguments). */
export interface PendulumOptions {
  /** Acceleration of gravity in m/s² (default 10.0). */
  g?: number;
}

/**
 * Inverted-pendulum swing-up, exactly as Gymnasium 1.4 `classic_control/pendulum.py`
 * (`PendulumEnv`): torque u ∈ [−2, 2] (out-of-bound actions are clipped, as in Gymnasium) on a
 * pendulum of mass m = 1 and length l = 1, θ = 0 upright.
 *
 *   θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m·l²)·u)·dt, −8, 8),  θ' = θ + θ̇'·dt,  dt = 0.05
 *   reward = −(normalize(θ)² + 0.1·θ̇² + 0.001·u²), normalize(θ) in [−π, π)
 *
 * The action is float32, so `3/(m·l²)·u`, `u²` and `0.001·u²` are float32 products (numpy 2
 * promotion, NEP 50), emulated with `Math.fround`; the rest is float64. Observation
 * (cos θ, sin θ, θ̇) as float32; never terminates. Start state: θ uniform in [−π, π),
 * θ̇ uniform in [−1, 1). No time limit here: `makeEnv('Pendulum-v1')` adds 200 steps.
 *
 * Randomness comes from the env's own {@link Rng}: `reset({ seed })` reseeds it; before any
 * seed it is `Rng.fromSeed(0)`, so an unseeded env is deterministic too.
 */
export class Pendulum extends ClassicControlEnv<Float32Array> {
  /** (cos θ, sin θ, θ̇) within (±1, ±1, ±8). */
  readonly observationSpace = new Box({ low: [-1, -1, -MAX_SPEED], high: [1, 1, MAX_SPEED] });
  /** Torque in [−2, 2]; finite values outside are clipped, NaN and wrong lengths throw. */
  readonly actionSpace = new Box({ low: -MAX_TORQUE, high: MAX_TORQUE, shape: [1] });
  /** Acceleration of gravity (m/s²). */
  readonly g: number;

  constructor(options: PendulumOptions = {}) {
    super(NAME, 2);
    checkOptionKeys(NAME, options, ['g']);
    this.g = finiteOption(NAME, 'g', options.g, 10.0);
  }

  protected drawStart(): void {
    this.s[0] = this.rng.uniform(-Math.PI, Math.PI);
    this.s[1] = this.rng.uniform(-1, 1);
  }

  protected advance(action: Float32Array): Transition {
    const u = readScalarBoxAction(NAME, this.actionSpace, action);
    const reward = stepPendulumState(this.s, 0, u, this.g);
    return { reward, terminated: false };
  }

  protected observe(): Float32Array {
    const observation = new Float32Array(3);
    writePendulumObservation(this.s, 0, observation, 0);
    return observation;
  }
}
