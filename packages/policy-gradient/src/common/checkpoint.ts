import * as tf from '@tensorflow/tfjs-core';
import {
  CheckpointError,
  assertValidCheckpoint,
  bytesFromBlob,
  createCheckpoint,
  typedArrayFromBlob,
  type Checkpoint,
  type CheckpointBlobInput,
  type CheckpointStore,
  type JsonObject,
  type RngState,
} from '@tfrl/core';
import type { AdamState } from '@tfrl/core/nn';
import type { OptimizerState } from './gradient-step.js';

/** Everything an agent writes: the shared checkpoint layout of this package's algorithms. */
export interface AgentCheckpointInput {
  /** Manifest `algorithm`, e.g. 'ppo'. */
  readonly algorithm: string;
  /** The agent's config as JSON (functions left out). */
  readonly config: JsonObject;
  readonly rngState: RngState;
  /** Integer progress counters (steps, episodes, updates, …). */
  readonly counters: Readonly<Record<string, number>>;
  /** Named groups of variables, stored as blobs `<group>.<k>` (e.g. `policy`, `target`). */
  readonly variables: Readonly<Record<string, readonly tf.Variable[]>>;
  /** Named optimizer states, each slot stored as blob `<name>.<slot>` (Adam: `.m`, `.v`), steps in the manifest. */
  readonly optimizers?: Readonly<Record<string, OptimizerState>>;
  /** Further blobs (replay snapshots, observations in flight, …). */
  readonly blobs?: Readonly<Record<string, CheckpointBlobInput>>;
  /** Further JSON (model spec, episode statistics, …). */
  readonly extra?: JsonObject;
}

/** A core checkpoint in the layout {@link AgentCheckpoint} reads back. */
export function writeAgentCheckpoint(input: AgentCheckpointInput): Checkpoint {
  const blobs: Record<string, CheckpointBlobInput> = {};
  for (const [group, variables] of Object.entries(input.variables)) {
    variables.forEach((v, k) => (blobs[`${group}.${k}`] = { data: Float32Array.from(v.dataSync() as Float32Array), shape: v.shape }));
  }
  const optimizerSteps: JsonObject = {};
  for (const [name, state] of Object.entries(input.optimizers ?? {})) {
    for (const [slot, values] of Object.entries(state)) if (values instanceof Float32Array) blobs[`${name}.${slot}`] = values;
    optimizerSteps[name] = state.step;
  }
  Object.assign(blobs, input.blobs ?? {});
  return createCheckpoint({
    algorithm: input.algorithm,
    config: input.config,
    counters: { ...input.counters },
    rngState: input.rngState,
    blobs,
    extra: { ...(input.extra ?? {}), optimizerSteps },
  });
}

/**
 * Reads a checkpoint written by {@link writeAgentCheckpoint}, checking as it goes: every method
 * throws a {@link CheckpointError} naming what is missing or does not fit (another algorithm, a
 * missing blob, a variable of another shape, a counter that is not a non-negative integer).
 */
export class AgentCheckpoint {
  readonly cp: Checkpoint;
  private readonly context: string;

  constructor(cp: Checkpoint, algorithm: string) {
    this.context = `not a usable ${algorithm} checkpoint`;
    assertValidCheckpoint(cp, { algorithm }, this.context);
    this.cp = cp;
  }

  get config(): JsonObject {
    return this.cp.manifest.config;
  }

  get rngState(): RngState {
    return this.cp.manifest.rngState;
  }

  get extra(): JsonObject {
    return this.cp.manifest.extra ?? {};
  }

  /** The named counters, each checked to be an integer >= 0. */
  counters<K extends string>(names: readonly K[]): Record<K, number> {
    const problems: string[] = [];
    const out = {} as Record<K, number>;
    for (const name of names) {
      const value = this.cp.manifest.counters[name];
      if (!Number.isSafeInteger(value) || (value as number) < 0) problems.push(`counters.${name} must be an integer >= 0, got ${String(value)}`);
      out[name] = value as number;
    }
    if (problems.length > 0) throw new CheckpointError(this.context, problems);
    return out;
  }

  /** Assigns the blobs `<group>.<k>` to `variables`, after checking every shape. */
  restoreVariables(group: string, variables: readonly tf.Variable[]): void {
    const expected: Record<string, { dtype: 'float32'; shape: readonly number[] }> = {};
    variables.forEach((v, k) => (expected[`${group}.${k}`] = { dtype: 'float32', shape: v.shape }));
    const extra = Object.keys(this.cp.manifest.blobs).filter((name) => name.startsWith(`${group}.`) && /\.\d+$/.test(name) && !(name in expected));
    if (extra.length > 0) {
      throw new CheckpointError(`${this.context}: the network does not match`, extra.map((name) => `blob ${JSON.stringify(name)}: the network has only ${variables.length} variables in ${group}`));
    }
    assertValidCheckpoint(this.cp, { blobs: expected }, `${this.context}: the network does not match`);
    const values = variables.map((_, k) => typedArrayFromBlob(this.cp, `${group}.${k}`, 'float32'));
    tf.tidy(() => variables.forEach((v, k) => v.assign(tf.tensor(values[k]!, v.shape))));
  }

  /** The Adam state `<name>` for `size` parameters. */
  optimizer(name: string, size: number): AdamState {
    return this.optimizerState<AdamState>(name, size, ['m', 'v']);
  }

  /** The optimizer state `<name>` with blobs `<name>.<slot>` for each of `slots`, each of `size` values (none before the first step). */
  optimizerState<S extends OptimizerState>(name: string, size: number, slots: readonly Exclude<keyof S, 'step'>[]): S {
    const steps = (this.extra.optimizerSteps ?? {}) as JsonObject;
    const step = steps[name];
    if (!Number.isSafeInteger(step) || (step as number) < 0) {
      throw new CheckpointError(this.context, [`extra.optimizerSteps.${name} must be an integer >= 0, got ${String(step)}`]);
    }
    const length = (step as number) > 0 ? size : 0;
    const expected: Record<string, { dtype: 'float32'; shape: number[] }> = {};
    for (const slot of slots) expected[`${name}.${String(slot)}`] = { dtype: 'float32', shape: [length] };
    assertValidCheckpoint(this.cp, { blobs: expected }, `${this.context}: the optimizer does not match`);
    const state: Record<string, number | Float32Array> = { step: step as number };
    for (const slot of slots) state[String(slot)] = typedArrayFromBlob(this.cp, `${name}.${String(slot)}`, 'float32');
    return state as unknown as S;
  }

  /** True when the checkpoint has a blob `name`. */
  has(name: string): boolean {
    return name in this.cp.manifest.blobs;
  }

  /** Float32 blob `name` of `shape`. */
  float32(name: string, shape: readonly number[]): Float32Array {
    assertValidCheckpoint(this.cp, { blobs: { [name]: { dtype: 'float32', shape } } }, this.context);
    return typedArrayFromBlob(this.cp, name, 'float32');
  }

  /** Bytes blob `name`. */
  bytes(name: string): Uint8Array {
    assertValidCheckpoint(this.cp, { blobs: { [name]: { dtype: 'bytes' } } }, this.context);
    return bytesFromBlob(this.cp, name);
  }
}

/** A directory (Node, via `@tfrl/core/node`) or any {@link CheckpointStore}. */
export async function resolveStore(target: string | CheckpointStore): Promise<CheckpointStore> {
  return typeof target === 'string' ? (await import('@tfrl/core/node')).directoryCheckpointStore(target) : target;
}

/** Restores an Adam state into an optimizer bound to `variables` (a no-op for a fresh state). */
export function restoreOptimizer(
  optimizer: { setState(state: AdamState): void },
  checkpoint: AgentCheckpoint,
  name: string,
  variables: readonly tf.Variable[],
): void {
  const state = checkpoint.optimizer(name, variables.reduce((n, v) => n + v.size, 0));
  if (state.step > 0) optimizer.setState(state);
}
