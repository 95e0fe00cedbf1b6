import { Box, type Env, type ResetOptions, type ResetResult, type Space, type StepResult } from '@tfrl/core';
import { requireDiscrete } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/**
 * Turns a Discrete(n, start) observation into a one-hot Float32Array of length n in
 * Box(0, 1, [n]) (1 at `observation − start`), so a tabular env such as GridWorld can feed a
 * network.
 */
export class OneHotObservation<A = unknown> extends Wrapper<Float32Array, A, number, A> {
  /** Number of observations (length of the one-hot vector). */
  readonly n: number;
  private readonly start: number;
  private readonly space: Box<'float32'>;

  constructor(env: Env<number, A>) {
    super(env);
    const { n, start } = requireDiscrete('OneHotObservation', 'observation', env.observationSpace);
    this.n = n;
    this.start = start;
    this.space = new Box({ low: 0, high: 1, shape: [n] });
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const { observation, info } = this.env.reset(options);
    return { observation: this.encode(observation), info };
  }

  override step(action: A): StepResult<Float32Array> {
    const result = this.env.step(action);
    return { ...result, observation: this.encode(result.observation) };
  }

  private encode(observation: number): Float32Array {
    const index = observation - this.start;
    if (!Number.isInteger(index) || index < 0 || index >= this.n) {
      throw new RangeError(`OneHotObservation: the env returned observation ${observation}, outside its space`);
    }
    const out = new Float32Array(this.n);
    out[index] = 1;
    return out;
  }
}
