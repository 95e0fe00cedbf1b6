import { Box, Discrete } from '@tfrl/core';
import {
  ClassicControlEnv,
  checkDiscreteAction,
  checkOptionKeys,
  finiteOption,
  type Transition,
} from '../internal/classic-control.js';

const NAME = 'MountainCar';
const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/** Options of {@link MountainCar} (Gymnasium's `MountainCarEnv` arguments). */
export interface MountainCarOptions {
  /** Velocity the car must have (at least) on reaching the goal position (default 0). */
  goalVelocity?: number;
}

/**
 * Mountain car with discrete actions, exactly as Gymnasium 1.4
 * `classic_control/mountain_car.py` (`MountainCarEnv`): action 0 accelerates left, 1 not at
 * all, 2 right.
 *
 *   v' = clip(v + (a − 1)·0.001 − 0.0025·cos(3p), −0.07, 0.07)
 *   p' = clip(p + v', −1.2, 0.6);  v' = 0 when p' = −1.2 and v' < 0 (inelastic left wall)
 *
 * in float64. Reward −1 per step; terminated when p' ≥ 0.5 and v' ≥ goalVelocity.
 * Observation (p, v) as float32. Start state: p uniform in [−0.6, −0.4), v = 0. No time limit
 * here: `makeEnv('MountainCar-v0')` adds Gymnasium's 200 steps.
 *
 * Randomness comes from the env's own {@link Rng}: `reset({ seed })` reseeds it; before any
 * seed it is `Rng.fromSeed(0)`, so an unseeded env is deterministic too.
 */
export class MountainCar extends ClassicControlEnv<number> {
  /** (position, velocity) within ([−1.2, 0.6], [−0.07, 0.07]), bounds rounded to float32. */
  readonly observationSpace = new Box({ low: [MIN_POSITION, -MAX_SPEED], high: [MAX_POSITION, MAX_SPEED] });
  /** 0 accelerates left, 1 does nothing, 2 accelerates right. */
  readonly actionSpace = new Discrete(3);
  readonly goalVelocity: number;

  constructor(options: MountainCarOptions = {}) {
    super(NAME, 2);
    checkOptionKeys(NAME, options, ['goalVelocity']);
    this.goalVelocity = finiteOption(NAME, 'goalVelocity', options.goalVelocity, 0);
  }

  protected drawStart(): void {
    this.s[0] = this.rng.uniform(-0.6, -0.4);
    this.s[1] = 0;
  }

  protected advance(action: number): Transition {
    checkDiscreteAction(NAME, this.actionSpace, action);
    let position = this.s[0]!;
    let velocity = this.s[1]!;
    velocity += (action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
    velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
    position += velocity;
    position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    const terminated = position >= GOAL_POSITION && velocity >= this.goalVelocity;
    this.s[0] = position;
    this.s[1] = velocity;
    return { reward: -1.0, terminated };
  }

  protected observe(): Float32Array {
    return Float32Array.from(this.s);
  }
}
