import type { ResetOptions } from '@tfrl/core';

/**
 * `reset` options of the classic-control envs. `state` (Gymnasium's `env.unwrapped.state`)
 * starts the episode from that state instead of drawing one, so a recorded transition can be
 * replayed; `seed`, when given too, still reseeds the env's Rng.
 */
export interface ClassicControlResetOptions extends ResetOptions {
  /** The internal state to start from (length and meaning per env; see each env's `state`). */
  state?: ArrayLike<number>;
}
