import * as tf from '@tensorflow/tfjs-core';
import { createAdam, createRmsProp, variableGrads, type AdamState, type Optimizer, type RmsPropState } from '@tfrl/core/nn';

/** Adam with `epsilon` and, unless null, global-norm clipping at `maxGradNorm`. */
export function adamWithClipping(learningRate: number, epsilon: number, maxGradNorm: number | null): Optimizer<AdamState> {
  return createAdam({ learningRate, epsilon, ...(maxGradNorm === null ? {} : { maxGradNorm }) });
}

/** RMSProp (PyTorch's form) with decay `alpha`, `epsilon` and, unless null, global-norm clipping at `maxGradNorm`. */
export function rmsPropWithClipping(learningRate: number, alpha: number, epsilon: number, maxGradNorm: number | null): Optimizer<RmsPropState> {
  return createRmsProp({ learningRate, alpha, epsilon, ...(maxGradNorm === null ? {} : { maxGradNorm }) });
}

/** Any optimizer's state: a step count and flat Float32Array slots. */
export type OptimizerState = AdamState | RmsPropState;

/** What {@link gradientStep} returns. */
export interface GradientStepResult {
  /** False when `proceed` declined the step: no weight was changed. */
  readonly applied: boolean;
  /** The loss before the step. */
  readonly loss: number;
  /** Global gradient norm before clipping (NaN when not applied). */
  readonly gradNorm: number;
  /** The scalars the loss function passed to `keep`, read back in order. */
  readonly kept: number[];
}

/**
 * One optimizer step on the gradient of `lossFn` over `variables`, all in one `tf.tidy`: the loss
 * is read back and checked before any weight is written (a non-finite one throws
 * `<who>: non-finite loss (…) at <at>: refusing to apply the update`). `lossFn` may `keep`
 * scalars (e.g. the loss's parts) to be read back. `proceed`, given the kept values, may decline
 * the step (e.g. PPO's KL early stop) or set the optimizer up for it.
 */
export function gradientStep(
  optimizer: Optimizer<unknown>,
  variables: tf.Variable[],
  lossFn: (keep: (...scalars: tf.Scalar[]) => void) => tf.Scalar,
  who: string,
  at: string,
  proceed?: (kept: number[]) => boolean,
): GradientStepResult {
  const kept: tf.Scalar[] = [];
  const keep = (...scalars: tf.Scalar[]): void => {
    for (const s of scalars) kept.push(tf.keep(s));
  };
  try {
    return tf.tidy(() => {
      const { value, grads } = variableGrads(() => lossFn(keep), variables);
      const loss = value.dataSync()[0]!;
      if (!Number.isFinite(loss)) throw new Error(`${who}: non-finite loss (${loss}) at ${at}: refusing to apply the update`);
      const figures = kept.map((t) => t.dataSync()[0]!);
      if (proceed !== undefined && !proceed(figures)) return { applied: false, loss, gradNorm: Number.NaN, kept: figures };
      const gradNorm = optimizer.step(variables, variables.map((v) => grads[v.name]));
      return { applied: true, loss, gradNorm, kept: figures };
    });
  } finally {
    kept.forEach((t) => t.dispose());
  }
}

/** Checks a learner state's update count (`<who>.setState: updates must be …`), restores the optimizer state if it has stepped, and returns the count. */
export function restoreLearnerState<S extends { readonly step: number }>(who: string, state: { updates: number; optimizer: S }, optimizer: Optimizer<S>): number {
  if (!Number.isInteger(state.updates) || state.updates < 0) {
    throw new RangeError(`${who}.setState: updates must be an integer >= 0, got ${state.updates}`);
  }
  if (state.optimizer.step > 0) optimizer.setState(state.optimizer);
  return state.updates;
}
