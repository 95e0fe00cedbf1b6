import { computeGae, type AutoresetMode, type Rng } from '@tfrl/core';
import { ColumnarStorage } from './columnar-storage.js';
import type { ActionDtype, ColumnArray, FieldSpec } from './field-spec.js';
import { gatherColumn } from './internal/gather-column.js';
import { normalize } from './internal/normalize.js';
import { PendingResets } from './internal/pending-resets.js';
import { decodeSnapshot, encodeSnapshot } from './internal/snapshot.js';
import { checkExtras, checkIntegersAtLeast, checkLength, checkStepFields, checkVectorStepConfig } from './internal/validate.js';

const KIND = 'RolloutBuffer';

/** Names the buffer uses itself; extras may not take them. */
const RESERVED = ['observation', 'action', 'reward', 'terminated', 'truncated', 'value', 'logProb', 'advantage', 'return', 'valid', 'resetPending'];

/** Configuration of {@link RolloutBuffer}. */
export interface RolloutBufferConfig {
  /** Vector steps per rollout (the `steps` of `[steps × numEnvs]`). */
  steps: number;
  /** Sub-envs per vector step. */
  numEnvs: number;
  /** Numbers per observation. */
  observationSize: number;
  /** Numbers per action (1 for a Discrete action). */
  actionSize: number;
  /** 'int32' for discrete actions, 'float32' for continuous ones. */
  actionDtype: ActionDtype;
  /** Discount γ in [0, 1]. */
  gamma: number;
  /** GAE λ in [0, 1]. */
  gaeLambda: number;
  /** Further per-step fields, e.g. `{ actionMask: { shape: [2], dtype: 'uint8' }, hidden: { shape: [64], dtype: 'float32' } }`. */
  extras?: FieldSpec;
  /**
   * How the vector env restarts sub-envs; must match it. Default `'next-step'` (Gymnasium's): the
   * step after an episode's end is that sub-env's reset step, stored but marked invalid (no
   * advantage, never in a minibatch); the truncated step then bootstraps from that row's value,
   * V(final observation). With `'same-step'`/`'disabled'` every row is valid and truncated steps
   * need `truncatedNextValues`.
   */
  autoresetMode?: AutoresetMode;
  /**
   * Advantage normalisation to mean 0, std 1 over valid rows: `'rollout'` once after computing,
   * `'minibatch'` per minibatch (PPO's usual choice), `false` (default) not at all. Returns stay raw.
   */
  normalizeAdvantages?: false | 'rollout' | 'minibatch';
}

/** One vector step handed to {@link RolloutBuffer.add}. */
export interface RolloutStep {
  /** s_t. */
  observations: ArrayLike<number>; // [numEnvs × observationSize]
  actions: ArrayLike<number>; // [numEnvs × actionSize]
  rewards: ArrayLike<number>; // [numEnvs]
  terminated: ArrayLike<number>; // [numEnvs]
  truncated: ArrayLike<number>; // [numEnvs]
  /** V(s_t). */
  values: ArrayLike<number>; // [numEnvs]
  /** log π(a_t | s_t) under the policy that acted. */
  logProbs: ArrayLike<number>; // [numEnvs]
  /** One `[numEnvs × width]` array per configured extra. */
  extras?: Readonly<Record<string, ArrayLike<number>>>;
}

/** Values needed to finish the rollout's advantages. */
export interface ComputeAdvantagesInput {
  /** V of the observation after the last step, per env. */
  lastValues: ArrayLike<number>; // [numEnvs]
  /**
   * V(final observation) at truncated steps (entries elsewhere ignored, NaN allowed). Required for
   * truncations under `'same-step'`/`'disabled'` autoreset, optional under `'next-step'`.
   */
  truncatedNextValues?: ArrayLike<number>; // [steps × numEnvs]
}

/** A shuffled minibatch: fresh typed arrays, rows in the order of `indices`. */
export interface RolloutMinibatch {
  size: number;
  /** Rows of the rollout, `t·numEnvs + e`. */
  indices: Int32Array; // [size]
  observations: Float32Array; // [size × observationSize]
  actions: Int32Array | Float32Array; // [size × actionSize]
  values: Float32Array; // [size]
  logProbs: Float32Array; // [size]
  advantages: Float32Array; // [size]
  returns: Float32Array; // [size]
  extras: Record<string, ColumnArray>; // [size × width] each
}

/**
 * `[steps × numEnvs]` storage for on-policy methods (A2C, PPO): one vector step per `add`,
 * then GAE(γ, λ) advantages and returns via core's `computeGae`, then shuffled minibatches.
 * Row `t·numEnvs + e` holds step t of env e.
 */
export class RolloutBuffer {
  readonly steps: number;
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly actionDtype: ActionDtype;
  readonly gamma: number;
  readonly gaeLambda: number;
  readonly autoresetMode: AutoresetMode;
  readonly normalizeAdvantages: false | 'rollout' | 'minibatch';
  private readonly extraSpec: FieldSpec;
  private readonly storage: ColumnarStorage;
  private readonly advantageColumn: Float32Array; // [steps × numEnvs]
  private readonly returnColumn: Float32Array; // [steps × numEnvs]
  private readonly nextValues: Float32Array; // [steps × numEnvs] scratch
  private readonly validColumn: Uint8Array; // [steps × numEnvs], 0 for next-step reset rows
  private readonly resets: PendingResets;
  private filled = 0;
  private computed = false;

  constructor(config: RolloutBufferConfig) {
    const { steps, numEnvs, observationSize, actionSize, actionDtype, gamma, gaeLambda } = config;
    const integers = { steps, numEnvs, observationSize, actionSize };
    this.autoresetMode = checkVectorStepConfig(KIND, integers, { gamma, gaeLambda }, actionDtype, config.autoresetMode);
    this.normalizeAdvantages = config.normalizeAdvantages ?? false;
    if (![false, 'rollout', 'minibatch'].includes(this.normalizeAdvantages)) {
      throw new RangeError(`${KIND}: normalizeAdvantages must be false, 'rollout' or 'minibatch', got ${String(this.normalizeAdvantages)}`);
    }
    this.extraSpec = checkExtras(KIND, config.extras, RESERVED);
    this.steps = steps;
    this.numEnvs = numEnvs;
    this.observationSize = observationSize;
    this.actionSize = actionSize;
    this.actionDtype = actionDtype;
    this.gamma = gamma;
    this.gaeLambda = gaeLambda;
    const rows = steps * numEnvs;
    this.storage = new ColumnarStorage(
      {
        observation: { shape: [observationSize], dtype: 'float32' },
        action: { shape: [actionSize], dtype: actionDtype },
        reward: { shape: [], dtype: 'float32' },
        terminated: { shape: [], dtype: 'uint8' },
        truncated: { shape: [], dtype: 'uint8' },
        value: { shape: [], dtype: 'float32' },
        logProb: { shape: [], dtype: 'float32' },
        ...this.extraSpec,
      },
      rows,
    );
    this.advantageColumn = new Float32Array(rows);
    this.returnColumn = new Float32Array(rows);
    this.nextValues = new Float32Array(rows);
    this.validColumn = new Uint8Array(rows);
    this.resets = new PendingResets(numEnvs, this.autoresetMode);
  }

  /** Vector steps added since the last reset. */
  get size(): number {
    return this.filled;
  }

  /** Whether all `steps` vector steps are in. */
  get full(): boolean {
    return this.filled === this.steps;
  }

  /** A_t per row, `[steps × numEnvs]` (a view; valid after computing, 0 on invalid rows). */
  get advantages(): Float32Array {
    return this.advantageColumn;
  }

  /** Value targets A_t + V(s_t) per row (a view; valid after computing). */
  get returns(): Float32Array {
    return this.returnColumn;
  }

  /** 1 where a row is a real transition, 0 for next-step reset rows (a view). */
  get valid(): Uint8Array {
    return this.validColumn;
  }

  /** The stored column of a field (observation, action, reward, terminated, truncated, value, logProb or an extra), a view. */
  column(name: string): ColumnArray {
    return this.storage.column(name);
  }

  /** Stores one vector step; throws when the rollout is full. */
  add(step: RolloutStep): void {
    if (this.full) throw new Error(`${KIND}.add: the rollout is full (${this.steps} steps); call reset() after training on it`);
    const { numEnvs } = this;
    const fields = [
      ['observation', step.observations],
      ['action', step.actions],
      ['reward', step.rewards],
      ['terminated', step.terminated],
      ['truncated', step.truncated],
      ['value', step.values],
      ['logProb', step.logProbs],
      ...Object.keys(this.extraSpec).map((name) => [name, step.extras?.[name]] as const),
    ] as const;
    const sources = checkStepFields(`${KIND}.add`, fields, this.storage.widths, numEnvs, RESERVED);
    const first = this.filled * numEnvs;
    for (const [name, source] of sources) this.storage.writeRows(name, first, source, 0, numEnvs);
    for (let e = 0; e < numEnvs; e++) this.validColumn[first + e] = this.resets.isResetRow(e, step.terminated[e]!, step.truncated[e]!) ? 0 : 1;
    this.filled++;
    this.computed = false;
  }

  /**
   * GAE advantages and returns of the full rollout (core's `computeGae`): V(s_{t+1}) is the next
   * row's value, `lastValues` after the last step, and V(final observation) on truncated steps.
   */
  computeReturnsAndAdvantages(input: ComputeAdvantagesInput): { advantages: Float32Array; returns: Float32Array } {
    const fn = `${KIND}.computeReturnsAndAdvantages`;
    if (!this.full) throw new Error(`${fn}: the rollout holds ${this.filled} of ${this.steps} steps; add the rest first`);
    const { numEnvs, steps } = this;
    const rows = steps * numEnvs;
    const { lastValues, truncatedNextValues } = input;
    checkLength(fn, 'lastValues', lastValues?.length, numEnvs, 'numEnvs');
    if (truncatedNextValues !== undefined) checkLength(fn, 'truncatedNextValues', truncatedNextValues.length, rows, 'steps × numEnvs');
    const values = this.storage.column('value') as Float32Array;
    const truncated = this.storage.column('truncated') as Uint8Array;
    this.nextValues.set(values.subarray(numEnvs), 0);
    for (let e = 0; e < numEnvs; e++) this.nextValues[rows - numEnvs + e] = lastValues[e]!;
    for (let i = 0; i < rows; i++) {
      if (truncated[i] === 0 || this.validColumn[i] === 0) continue;
      if (truncatedNextValues !== undefined) this.nextValues[i] = truncatedNextValues[i]!;
      else if (this.autoresetMode !== 'next-step') {
        const [t, e] = [Math.floor(i / numEnvs), i % numEnvs];
        throw new Error(`${fn}: step ${t} of env ${e} was truncated; pass truncatedNextValues with V(final observation) there`);
      }
    }
    computeGae(
      {
        rewards: this.storage.column('reward') as Float32Array,
        values,
        nextValues: this.nextValues,
        terminated: this.storage.column('terminated') as Uint8Array,
        truncated,
        numEnvs,
        gamma: this.gamma,
        gaeLambda: this.gaeLambda,
      },
      { advantages: this.advantageColumn, returns: this.returnColumn },
    );
    for (let i = 0; i < rows; i++) {
      if (this.validColumn[i] !== 0) continue;
      this.advantageColumn[i] = 0; // a reset row is no transition: nothing to learn from it
      this.returnColumn[i] = values[i]!;
    }
    if (this.normalizeAdvantages === 'rollout') normalize(this.advantageColumn, this.validColumn);
    this.computed = true;
    return { advantages: this.advantageColumn, returns: this.returnColumn };
  }

  /**
   * Shuffled minibatches of `batchSize` valid rows (the last one smaller when they do not divide):
   * every valid row exactly once per call. Needs computed advantages.
   */
  *minibatches(batchSize: number, rng: Rng): Generator<RolloutMinibatch, void, undefined> {
    checkIntegersAtLeast(`${KIND}.minibatches`, { batchSize }, 1);
    if (!this.computed) throw new Error(`${KIND}.minibatches: call computeReturnsAndAdvantages() after the last add`);
    let count = 0;
    for (const v of this.validColumn) count += v;
    const order = new Int32Array(count);
    for (let i = 0, k = 0; i < this.validColumn.length; i++) if (this.validColumn[i] !== 0) order[k++] = i;
    rng.shuffle(order);
    for (let start = 0; start < count; start += batchSize) {
      const indices = order.slice(start, Math.min(start + batchSize, count));
      const size = indices.length;
      const gather = (name: string): ColumnArray => gatherColumn(this.storage, name, indices);
      const pick = (column: Float32Array): Float32Array => Float32Array.from(indices, (i) => column[i]!);
      const advantages = pick(this.advantageColumn);
      if (this.normalizeAdvantages === 'minibatch') normalize(advantages);
      yield {
        size,
        indices,
        observations: gather('observation') as Float32Array,
        actions: gather('action') as Int32Array | Float32Array,
        values: gather('value') as Float32Array,
        logProbs: gather('logProb') as Float32Array,
        advantages,
        returns: pick(this.returnColumn),
        extras: Object.fromEntries(Object.keys(this.extraSpec).map((name) => [name, gather(name)])),
      };
    }
  }

  /**
   * Empties the rollout for the next one. Sub-envs whose episode ended on the last step still have
   * their reset step ahead (next-step autoreset) unless `envReset` says the vector env was reset.
   */
  reset(options: { envReset?: boolean } = {}): void {
    this.filled = 0;
    this.computed = false;
    if (options.envReset === true) this.resets.clear();
  }

  private spec(): unknown {
    const { steps, numEnvs, observationSize, actionSize, actionDtype, gamma, gaeLambda, autoresetMode, normalizeAdvantages } = this;
    const extras = this.extraSpec;
    return { steps, numEnvs, observationSize, actionSize, actionDtype, gamma, gaeLambda, autoresetMode, normalizeAdvantages, extras };
  }

  /** Bytes from which {@link RolloutBuffer.restore} rebuilds this rollout (data, advantages, autoreset state). */
  snapshot(): Uint8Array {
    const rows = this.filled * this.numEnvs;
    return encodeSnapshot({
      kind: KIND,
      spec: this.spec(),
      counters: { size: this.filled, computed: this.computed ? 1 : 0 },
      arrays: {
        ...this.storage.snapshotArrays(rows),
        advantage: this.advantageColumn.subarray(0, rows),
        return: this.returnColumn.subarray(0, rows),
        valid: this.validColumn.subarray(0, rows),
        resetPending: this.resets.flags,
      },
    });
  }

  /** Restores {@link RolloutBuffer.snapshot} bytes; throws for another spec or bad bytes, changing nothing. */
  restore(bytes: Uint8Array): void {
    const { counters, arrays } = decodeSnapshot(bytes, KIND, this.spec());
    const size = counters.size!;
    if (!Number.isInteger(size) || size < 0 || size > this.steps) {
      throw new Error(`${KIND}.restore: snapshot holds ${size} steps, the rollout ${this.steps}`);
    }
    const rows = size * this.numEnvs;
    this.storage.checkArrays(KIND, arrays, rows);
    const own: [string, Float32Array | Uint8Array, number][] = [
      ['advantage', this.advantageColumn, rows],
      ['return', this.returnColumn, rows],
      ['valid', this.validColumn, rows],
      ['resetPending', this.resets.flags, this.numEnvs],
    ];
    for (const [name, target, length] of own) {
      const array = arrays[name];
      if (array?.constructor !== target.constructor || array.length !== length) {
        throw new Error(`${KIND}.restore: snapshot's ${name} array has the wrong type or length`);
      }
    }
    this.storage.loadArrays(arrays, rows);
    for (const [name, target] of own) {
      target.fill(0);
      target.set(arrays[name]!);
    }
    this.filled = size;
    this.computed = counters.computed === 1;
  }
}
