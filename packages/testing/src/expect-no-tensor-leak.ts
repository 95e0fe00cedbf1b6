/** Options of {@link expectNoTensorLeak}. */
export interface NoTensorLeakOptions {
  /** Calls before counting, so lazily created tensors (weights, optimizer slots) exist (default 1). */
  warmup?: number;
  /** Calls after counting whose net tensor count must not grow (default 3). */
  runs?: number;
}

/**
 * Calls `fn` `warmup` times, records `tf.memory().numTensors`, calls it `runs` more times and
 * rejects, naming the growth, when the count went up: after N calls there must be exactly as
 * many tensors as after one. Awaits `fn` when it returns a promise; always returns one.
 * tfjs-core is imported on first use, so importing the test kit needs no TensorFlow.js.
 */
export async function expectNoTensorLeak(
  fn: () => unknown | Promise<unknown>,
  options: NoTensorLeakOptions = {},
): Promise<void> {
  const { warmup = 1, runs = 3 } = options;
  for (const [name, value] of [['warmup', warmup], ['runs', runs]] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`expectNoTensorLeak: ${name} must be a non-negative integer, got ${value}`);
    }
  }
  const tf = await import('@tensorflow/tfjs-core');
  for (let i = 0; i < warmup; i++) await fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < runs; i++) await fn();
  const after = tf.memory().numTensors;
  if (after > before) {
    throw new Error(
      `expectNoTensorLeak: ${after - before} tensor(s) leaked over ${runs} run(s) ` +
        `(numTensors ${before} after warmup, ${after} after the runs)`,
    );
  }
}
