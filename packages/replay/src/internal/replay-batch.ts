import type { ColumnarStorage } from '../columnar-storage.js';
import { createColumn, type ColumnArray } from '../field-spec.js';
import type { ReplayBatch } from '../uniform-replay-buffer.js';

/** A zeroed batch of `batchSize` rows of the transitions in `storage`, with columns for `extraNames`. */
export function createReplayBatch(storage: ColumnarStorage, extraNames: readonly string[], batchSize: number): ReplayBatch {
  const { observation: observationSize, action: actionSize } = storage.widths;
  const extras: Record<string, ColumnArray> = {};
  for (const name of extraNames) extras[name] = createColumn(storage.spec[name]!.dtype, batchSize * storage.widths[name]!);
  return {
    size: batchSize,
    observations: new Float32Array(batchSize * observationSize!),
    actions: createColumn(storage.spec.action!.dtype === 'int32' ? 'int32' : 'float32', batchSize * actionSize!),
    rewards: new Float32Array(batchSize),
    nextObservations: new Float32Array(batchSize * observationSize!),
    terminated: new Uint8Array(batchSize),
    truncated: new Uint8Array(batchSize),
    indices: new Int32Array(batchSize),
    extras,
    // A scalar float32 extra named `discount` (what NStepAdapter writes: γ^m of each n-step
    // transition) doubles as core's `TransitionBatch.discounts`, the same array.
    ...(extras['discount'] instanceof Float32Array && storage.widths['discount'] === 1 ? { discounts: extras['discount'] } : {}),
  };
}

/** Whether `out` has the arrays {@link createReplayBatch} would make for `batchSize` rows. */
export function fitsReplayBatch(storage: ColumnarStorage, extraNames: readonly string[], out: ReplayBatch, batchSize: number): boolean {
  const { observation: observationSize, action: actionSize } = storage.widths;
  return (
    out.observations.length === batchSize * observationSize! &&
    out.nextObservations.length === batchSize * observationSize! &&
    out.actions.length === batchSize * actionSize! &&
    out.actions.constructor === (storage.spec.action!.dtype === 'int32' ? Int32Array : Float32Array) &&
    out.rewards.length === batchSize &&
    out.terminated.length === batchSize &&
    out.truncated.length === batchSize &&
    out.indices.length === batchSize &&
    extraNames.every((name) => out.extras?.[name]?.length === batchSize * storage.widths[name]!)
  );
}
