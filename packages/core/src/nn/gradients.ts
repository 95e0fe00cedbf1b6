import * as tf from '@tensorflow/tfjs-core';

/** What {@link clipByGlobalNorm} returns. */
export interface ClippedGradients<G> {
  /** g·min(1, maxNorm/‖g‖), same structure as the input; new tensors the caller disposes. */
  readonly clipped: G;
  /** ‖g‖ = √(Σ_i ‖g_i‖²) before clipping. */
  readonly globalNorm: number;
}

/**
 * Global-norm clipping (Pascanu et al. 2013): g_i ← g_i·min(1, maxNorm/‖g‖),
 * ‖g‖ = √(Σ_i ‖g_i‖²) over all tensors together. Reads the norm back once (it is returned as a
 * number for logging). The input tensors are not disposed. A non-finite norm is returned as is
 * and the gradients are then scaled by 0 (∞ norm) or NaN: check it, or the loss with
 * {@link assertFinite}, before applying.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): ClippedGradients<tf.Tensor[]>;
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): ClippedGradients<tf.NamedTensorMap>;
export function clipByGlobalNorm(
  grads: tf.Tensor[] | tf.NamedTensorMap,
  maxNorm: number,
): ClippedGradients<tf.Tensor[] | tf.NamedTensorMap> {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) {
    throw new RangeError(`clipByGlobalNorm: maxNorm must be a finite number > 0, got ${maxNorm}`);
  }
  const list = Array.isArray(grads) ? grads : Object.values(grads);
  let globalNorm = 0;
  if (list.length > 0) {
    const norm = tf.tidy(() => tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))));
    globalNorm = norm.dataSync()[0]!;
    norm.dispose();
  }
  const scale = globalNorm > maxNorm ? maxNorm / globalNorm : Number.isNaN(globalNorm) ? NaN : 1;
  const clip = (g: tf.Tensor): tf.Tensor => (scale === 1 ? tf.clone(g) : tf.tidy(() => tf.mul(g, scale)));
  if (Array.isArray(grads)) return { clipped: grads.map(clip), globalNorm };
  const clipped: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) clipped[name] = clip(g);
  return { clipped, globalNorm };
}

/**
 * Throws `non-finite loss (NaN) in <name>: refusing to apply the update` when `value` (a number
 * or any tensor, read back) holds NaN or ±Infinity; returns the number (first element) otherwise.
 */
export function assertFinite(value: number | tf.Tensor, name: string): number {
  const values = typeof value === 'number' ? [value] : value.dataSync();
  for (let i = 0; i < values.length; i++) {
    const x = Number(values[i]);
    if (!Number.isFinite(x)) {
      throw new Error(`non-finite loss (${x}) in ${name}: refusing to apply the update`);
    }
  }
  return Number(values[0]);
}

/**
 * `tf.variableGrads` with a useful error when tfjs's gradient functions are not registered:
 * tfjs-core alone has none in Node; importing '@tensorflow/tfjs-layers' (or '@tensorflow/tfjs')
 * once registers them.
 */
export function variableGrads(
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  try {
    return tf.variableGrads(loss, variables as tf.Variable[]);
  } catch (error) {
    if (error instanceof Error && /gradient function not found/i.test(error.message)) {
      throw new Error(
        `${error.message} tfjs-core registers no gradient functions by itself: ` +
          `add "import '@tensorflow/tfjs-layers';" (or '@tensorflow/tfjs') once at the start of your program.`,
        { cause: error },
      );
    }
    throw error;
  }
}
