import type { Rng } from '@tfrl/core';
import type { ActionNoiseConfig } from './config.js';

/**
 * One Euler–Maruyama step of the Ornstein-Uhlenbeck process around 0 (as SB3's
 * OrnsteinUhlenbeckActionNoise):
 *   x ← x + θ·(0 − x)·dt + σ·√dt·ε,  ε ~ N(0, 1) given as `epsilon`.
 * Returns a new array of x's length.
 */
export function ornsteinUhlenbeckStep(
  x: ArrayLike<number>,
  epsilon: ArrayLike<number>,
  parameters: { sigma: number; theta: number; dt: number },
): Float32Array {
  if (epsilon.length !== x.length) throw new RangeError(`ornsteinUhlenbeckStep: epsilon has ${epsilon.length} values, x ${x.length}`);
  const { sigma, theta, dt } = parameters;
  const scale = sigma * Math.sqrt(dt);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - theta * x[i]! * dt + scale * epsilon[i]!;
  return out;
}

/**
 * Exploration noise of `numEnvs` sub-envs, `size` numbers each, drawn from the agent's Rng:
 * Gaussian σ·ε, or one Ornstein-Uhlenbeck process per sub-env (its state is the noise), which
 * {@link ExplorationNoise.resetEnv} sets back to 0 when that sub-env's episode ends.
 */
export class ExplorationNoise {
  readonly config: ActionNoiseConfig;
  readonly numEnvs: number;
  readonly size: number;
  /** The OU state x [numEnvs × size] (all 0 for Gaussian noise). */
  state: Float32Array;
  private readonly epsilon: Float32Array;

  constructor(config: ActionNoiseConfig, numEnvs: number, size: number) {
    this.config = config;
    this.numEnvs = numEnvs;
    this.size = size;
    this.state = new Float32Array(numEnvs * size);
    this.epsilon = new Float32Array(numEnvs * size);
  }

  /** The noise of the next step [numEnvs × size]; a view into internal state, copy to keep. */
  sample(rng: Rng): Float32Array {
    const { config } = this;
    rng.fillNormal(this.epsilon);
    if (config.kind === 'gaussian') {
      for (let i = 0; i < this.epsilon.length; i++) this.state[i] = config.sigma * this.epsilon[i]!;
      return this.state;
    }
    this.state = ornsteinUhlenbeckStep(this.state, this.epsilon, config);
    return this.state;
  }

  /** Starts sub-env `env`'s process again at 0 (a new episode). */
  resetEnv(env: number): void {
    this.state.fill(0, env * this.size, (env + 1) * this.size);
  }

  /** Every process back at 0. */
  reset(): void {
    this.state.fill(0);
  }
}
