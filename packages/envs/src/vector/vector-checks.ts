/**
 * Throws unless `actions` fits a vector env: an Int32Array of length numEnvs for a Discrete
 * action space (`actionSize` 1), a Float32Array [numEnvs × actionSize] for a Box.
 */
export function checkActions(
  owner: string,
  actions: Int32Array | Float32Array,
  discrete: boolean,
  numEnvs: number,
  actionSize: number,
): void {
  const expected = discrete ? Int32Array : Float32Array;
  if (!(actions instanceof expected)) {
    const got = (actions as unknown as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof actions;
    throw new TypeError(
      `${owner}.step: a ${discrete ? 'Discrete' : 'Box'} action space takes a ${expected.name} of actions, got ${got}`,
    );
  }
  if (actions.length !== numEnvs * actionSize) {
    throw new RangeError(
      `${owner}.step: actions has length ${actions.length}, expected ${numEnvs * actionSize} (numEnvs ${numEnvs} × action size ${actionSize})`,
    );
  }
}

/** Throws unless `mask` (when given) has one entry per sub-env and `seed` (when given) is an integer. */
export function checkResetOptions(owner: string, numEnvs: number, seed: number | undefined, mask: ArrayLike<number> | undefined): void {
  if (seed !== undefined && !Number.isInteger(seed)) throw new RangeError(`${owner}.reset: seed must be an integer, got ${seed}`);
  if (mask !== undefined && mask.length !== numEnvs) {
    throw new RangeError(`${owner}.reset: mask has length ${mask.length}, expected ${numEnvs} (numEnvs)`);
  }
}

/** Throws unless `mode` is one of the three autoreset modes. */
export function checkAutoresetMode(owner: string, mode: unknown): void {
  if (mode !== 'next-step' && mode !== 'same-step' && mode !== 'disabled') {
    throw new RangeError(`${owner}: autoresetMode must be 'next-step', 'same-step' or 'disabled', got ${String(mode)}`);
  }
}
