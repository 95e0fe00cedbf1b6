/** The call of a sub-env that failed. */
export type SubEnvPhase = 'create' | 'reset' | 'step' | 'close';

/** The parts of an error that survive a trip through `postMessage`. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** `error` as plain data (a thrown non-Error becomes its string form). */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    if (error.stack !== undefined) out.stack = error.stack;
    return out;
  }
  return { name: 'Error', message: String(error) };
}

/** An Error rebuilt from {@link serializeError}'s data, with the original name and stack. */
export function deserializeError(data: SerializedError): Error {
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}

/**
 * A sub-env of a vector env failed: it threw, or its worker died or timed out while running
 * it. `envIndex` names it, `phase` the call, and `cause` is the original error (from a worker:
 * rebuilt with the original name, message and stack).
 */
export class SubEnvError extends Error {
  /** Index of the sub-env in the vector env. */
  readonly envIndex: number;
  readonly phase: SubEnvPhase;

  constructor(owner: string, envIndex: number, phase: SubEnvPhase, cause: unknown) {
    const original = cause instanceof Error ? cause.message : String(cause);
    super(`${owner}: sub-env ${envIndex} failed in ${phase}(): ${original}`, { cause });
    this.name = 'SubEnvError';
    this.envIndex = envIndex;
    this.phase = phase;
    // The original stack is the useful one (for workers it is the only one that points at
    // the env's code), so it follows this error's own.
    if (cause instanceof Error && cause.stack !== undefined && this.stack !== undefined) {
      this.stack = `${this.stack}\nCaused by: ${cause.stack}`;
    }
  }
}
