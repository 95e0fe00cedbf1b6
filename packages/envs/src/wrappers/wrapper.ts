import type { Env, EnvSpec, ResetOptions, ResetResult, Space, StepResult } from '@tfrl/core';

/**
 * Gymnasium's `Wrapper`: an Env that forwards to `env`. Override the methods whose behaviour
 * changes; `unwrapped` reaches the innermost env.
 */
export class Wrapper<O = unknown, A = unknown, InnerO = O, InnerA = A> implements Env<O, A> {
  readonly env: Env<InnerO, InnerA>;

  constructor(env: Env<InnerO, InnerA>) {
    this.env = env;
  }

  get observationSpace(): Space<O> {
    return this.env.observationSpace as unknown as Space<O>;
  }

  get actionSpace(): Space<A> {
    return this.env.actionSpace as unknown as Space<A>;
  }

  get spec(): EnvSpec | undefined {
    return this.env.spec;
  }

  /** The innermost env, past every wrapper. */
  get unwrapped(): Env {
    let inner: Env = this.env as Env;
    while (inner instanceof Wrapper) inner = inner.env as Env;
    return inner;
  }

  reset(options?: ResetOptions): ResetResult<O> {
    return this.env.reset(options) as unknown as ResetResult<O>;
  }

  step(action: A): StepResult<O> {
    return this.env.step(action as unknown as InnerA) as unknown as StepResult<O>;
  }

  close(): void {
    this.env.close?.();
  }
}
