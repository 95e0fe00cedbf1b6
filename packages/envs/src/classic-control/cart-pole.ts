import { Box, Discrete } from '@tfrl/core';
import {
  ClassicControlEnv,
  booleanOption,
  checkDiscreteAction,
  checkOptionKeys,
  type Transition,
} from '../internal/classic-control.js';

const NAME = 'CartPole';
const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02; // seconds between state updates
/** The episode terminates when the pole leans more than this (12°, in radians). */
export const CART_POLE_THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
/** The episode terminates when the cart's centre leaves [-2.4, 2.4]. */
export const CART_POLE_X_THRESHOLD = 2.4;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * One Euler step of the cart-pole dynamics, in place on `state[offset .. offset + 4]`
 * = (x, ẋ, θ, θ̇); action 1 pushes right, any other value left (no check: validate first).
 * Returns the step's reward: 1, or with `suttonBartoReward` 0 (−1 when the step terminates).
 * This is the physics {@link CartPole} uses, for batched kernels that must match it exactly.
 */
export function stepCartPoleState(state: Float64Array, offset: number, action: number, suttonBartoReward = false): number {
  const x = state[offset]!;
  const xDot = state[offset + 1]!;
  const theta = state[offset + 2]!;
  const thetaDot = state[offset + 3]!;
  const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
  const cosTheta = Math.cos(theta);
  const sinTheta = Math.sin(theta);
  // Same association as Gymnasium's Python, so the float64 results agree bit for bit.
  const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
  const thetaAcc =
    (GRAVITY * sinTheta - cosTheta * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cosTheta * cosTheta)) / TOTAL_MASS));
  const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
  state[offset] = x + TAU * xDot;
  state[offset + 1] = xDot + TAU * xAcc;
  state[offset + 2] = theta + TAU * thetaDot;
  state[offset + 3] = thetaDot + TAU * thetaAcc;
  if (!suttonBartoReward) return 1.0;
  return cartPoleTerminated(state, offset) ? -1.0 : 0.0;
}

/** True when the state at `offset` is terminal: |x| > 2.4 or |θ| > 12°. */
export function cartPoleTerminated(state: Float64Array, offset: number): boolean {
  const x = state[offset]!;
  const theta = state[offset + 2]!;
  return (
    x < -CART_POLE_X_THRESHOLD ||
    x > CART_POLE_X_THRESHOLD ||
    theta < -CART_POLE_THETA_THRESHOLD ||
    theta > CART_POLE_THETA_THRESHOLD
  );
}

/** Writes the observation of the state at `offset` (the state itself, as float32) into `out` at `outOffset`. */
export function writeCartPoleObservation(state: Float64Array, offset: number, out: Float32Array, outOffset: number): void {
  for (let i = 0; i < 4; i++) out[outOffset + i] = state[offset + i]!;
}

/** Options of {@link CartPole} (Gymnasium's `CartPoleEnv` arguments). */
export interface CartPoleOptions {
  /** Reward 0 per step and −1 on termination instead of +1 per step (default false). */
  suttonBartoReward?: boolean;
}

/**
 * Cart-pole balancing, exactly as Gymnasium 1.4 `classic_control/cartpole.py` (`CartPoleEnv`):
 * a pole hinged on a cart pushed left (action 0) or right (1) with force F = ±10 N.
 *
 *   temp = (F + m_p·l·θ̇²·sin θ) / (m_c + m_p)
 *   θ̈ = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ / (m_c + m_p)))
 *   ẍ = temp − m_p·l·θ̈·cos θ / (m_c + m_p)
 *   explicit Euler with τ = 0.02: x += τ·ẋ, ẋ += τ·ẍ, θ += τ·θ̇, θ̇ += τ·θ̈
 *
 * with g = 9.8, m_c = 1, m_p = 0.1, l = 0.5 (half the pole). Observation (x, ẋ, θ, θ̇) as
 * float32; reward +1 per step (termination step included); terminated when |x| > 2.4 or
 * |θ| > 12°. Start state: each variable uniform in [−0.05, 0.05). No time limit here:
 * `makeEnv('CartPole-v1')` adds Gymnasium's 500 steps.
 *
 * Randomness comes from the env's own {@link Rng}: `reset({ seed })` reseeds it; before any
 * seed it is `Rng.fromSeed(0)`, so an unseeded env is deterministic too.
 */
export class CartPole extends ClassicControlEnv<number> {
  /** (x, ẋ, θ, θ̇) within (±4.8, ±float32 max, ±24°, ±float32 max), rounded to float32 as in Gymnasium. */
  readonly observationSpace = new Box({
    low: [-CART_POLE_X_THRESHOLD * 2, -FLOAT32_MAX, -CART_POLE_THETA_THRESHOLD * 2, -FLOAT32_MAX],
    high: [CART_POLE_X_THRESHOLD * 2, FLOAT32_MAX, CART_POLE_THETA_THRESHOLD * 2, FLOAT32_MAX],
  });
  /** 0 pushes the cart left, 1 right. */
  readonly actionSpace = new Discrete(2);
  readonly suttonBartoReward: boolean;

  constructor(options: CartPoleOptions = {}) {
    super(NAME, 4);
    checkOptionKeys(NAME, options, ['suttonBartoReward']);
    this.suttonBartoReward = booleanOption(NAME, 'suttonBartoReward', options.suttonBartoReward, false);
  }

  protected drawStart(): void {
    for (let i = 0; i < 4; i++) this.s[i] = this.rng.uniform(-0.05, 0.05);
  }

  protected advance(action: number): Transition {
    checkDiscreteAction(NAME, this.actionSpace, action);
    const reward = stepCartPoleState(this.s, 0, action, this.suttonBartoReward);
    return { reward, terminated: cartPoleTerminated(this.s, 0) };
  }

  protected observe(): Float32Array {
    const observation = new Float32Array(4);
    writeCartPoleObservation(this.s, 0, observation, 0);
    return observation;
  }
}
