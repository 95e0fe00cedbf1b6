import { discountedReturns, type AutoresetMode } from '@tfrl/core';
import {
  createColumn,
  fieldWidth,
  validateFieldSpec,
  type ActionDtype,
  type ColumnArray,
  type FieldSpec,
} from './field-spec.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotArray } from './internal/snapshot.js';

const KIND = 'EpisodeBuffer';

/** Names the buffer uses itself; extras may not take them. */
const RESERVED = ['observation', 'action', 'reward', 'return'];

/** Configuration of {@link EpisodeBuffer}. */
export interface EpisodeBufferConfig {
  /** Sub-envs per vector step. */
  numEnvs: number;
  /** Numbers per observation. */
  observationSize: number;
  /** Numbers per action (1 for a Discrete action). */
  actionSize: number;
  /** 'int32' for discrete actions, 'float32' for continuous ones. */
  actionDtype: ActionDtype;
  /** Discount γ in [0, 1] of the rewards-to-go. */
  gamma: number;
  /** Most steps kept over the completed episodes; the oldest episodes go first (the newest always stays). */
  capacity: number;
  /**
   * Further per-step fields, e.g. `{ hidden: { shape: [64], dtype: 'float32' } }` holding the
   * recurrent state the policy had before acting at that step (for {@link SequenceSampler}).
   */
  extras?: FieldSpec;
  /** How the vector env restarts sub-envs; must match it. Default `'next-step'`: the reset step's row is skipped. */
  autoresetMode?: AutoresetMode;
}

/**
 * One vector step. Pass `nextObservations` (next-step autoreset: the step's `observations`) or
 * `finalObservations` (same-step: `step.finalObservations`) to keep each episode's last
 * observation, needed to bootstrap a truncated episode; without them it is null.
 */
export interface EpisodeStep {
  /** s_t, the observation acted on. */
  observations: ArrayLike<number>; // [numEnvs × observationSize]
  actions: ArrayLike<number>; // [numEnvs × actionSize]
  rewards: ArrayLike<number>; // [numEnvs]
  terminated: ArrayLike<number>; // [numEnvs]
  truncated: ArrayLike<number>; // [numEnvs]
  nextObservations?: ArrayLike<number>; // [numEnvs × observationSize]
  finalObservations?: ArrayLike<number>; // [numEnvs × observationSize]
  /** One `[numEnvs × width]` array per configured extra. */
  extras?: Readonly<Record<string, ArrayLike<number>>>;
}

/** A completed episode, as stored (treat as read-only). */
export interface Episode {
  /** Steps T. */
  length: number;
  /** Sub-env it came from. */
  env: number;
  observations: Float32Array; // [T × observationSize]
  actions: Int32Array | Float32Array; // [T × actionSize]
  rewards: Float32Array; // [T]
  /** Rewards-to-go G_t = Σ_k γ^k r_{t+k} (core's `discountedReturns`, no bootstrap even if truncated). */
  returns: Float32Array; // [T]
  terminated: boolean;
  truncated: boolean;
  /** s_T, the observation after the last step, when the steps carried it. */
  finalObservation: Float32Array | null; // [observationSize]
  extras: Record<string, ColumnArray>; // [T × width] each
}

/** Completed episodes laid end to end, as {@link EpisodeBuffer.drain} returns them. */
export interface EpisodeBatch {
  /** Steps in all. */
  size: number;
  /** Episode i spans rows `offsets[i] … offsets[i + 1]`. */
  offsets: Int32Array; // [numEpisodes + 1]
  observations: Float32Array; // [size × observationSize]
  actions: Int32Array | Float32Array; // [size × actionSize]
  rewards: Float32Array; // [size]
  returns: Float32Array; // [size]
  extras: Record<string, ColumnArray>; // [size × width] each
}

/** A sub-env's episode in progress: growable columns. */
interface OpenEpisode {
  length: number;
  columns: Record<string, ColumnArray>;
}

/**
 * Whole episodes, for Monte Carlo methods (REINFORCE) and recurrent replay: steps are added per
 * vector step, and each sub-env's episode becomes available, with its rewards-to-go, once it
 * terminates or is truncated.
 */
export class EpisodeBuffer {
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly actionDtype: ActionDtype;
  readonly gamma: number;
  readonly capacity: number;
  readonly autoresetMode: AutoresetMode;
  /** Per-step fields: observation, action, reward and the extras. */
  readonly fields: FieldSpec;
  private readonly widths: Record<string, number> = {};
  private readonly extraNames: string[];
  private completed: Episode[] = [];
  private storedSteps = 0;
  private open: OpenEpisode[];
  private readonly resetPending: Uint8Array;

  constructor(config: EpisodeBufferConfig) {
    const { numEnvs, observationSize, actionSize, actionDtype, gamma, capacity } = config;
    for (const [name, x] of Object.entries({ numEnvs, observationSize, actionSize, capacity })) {
      if (!Number.isInteger(x) || x < 1) throw new RangeError(`${KIND}: ${name} must be an integer >= 1, got ${x}`);
    }
    if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`${KIND}: gamma must be in [0, 1], got ${gamma}`);
    if (actionDtype !== 'int32' && actionDtype !== 'float32') {
      throw new RangeError(`${KIND}: actionDtype must be 'int32' or 'float32', got ${String(actionDtype)}`);
    }
    this.autoresetMode = config.autoresetMode ?? 'next-step';
    if (!['next-step', 'same-step', 'disabled'].includes(this.autoresetMode)) {
      throw new RangeError(`${KIND}: unknown autoresetMode ${String(this.autoresetMode)}`);
    }
    const extras = validateFieldSpec(KIND, config.extras ?? {});
    this.extraNames = Object.keys(extras);
    for (const name of this.extraNames) {
      if (RESERVED.includes(name)) throw new RangeError(`${KIND}: extras.${name} clashes with a field of the buffer`);
    }
    this.fields = validateFieldSpec(KIND, {
      observation: { shape: [observationSize], dtype: 'float32' },
      action: { shape: [actionSize], dtype: actionDtype },
      reward: { shape: [], dtype: 'float32' },
      ...extras,
    });
    for (const [name, field] of Object.entries(this.fields)) this.widths[name] = fieldWidth(field);
    this.numEnvs = numEnvs;
    this.observationSize = observationSize;
    this.actionSize = actionSize;
    this.actionDtype = actionDtype;
    this.gamma = gamma;
    this.capacity = capacity;
    this.open = Array.from({ length: numEnvs }, () => this.newOpenEpisode(16));
    this.resetPending = new Uint8Array(numEnvs);
  }

  /** Completed episodes stored. */
  get numEpisodes(): number {
    return this.completed.length;
  }

  /** Steps in the completed episodes stored. */
  get size(): number {
    return this.storedSteps;
  }

  /** The completed episodes, oldest first. */
  get episodes(): readonly Episode[] {
    return this.completed;
  }

  /** Stores one vector step; completes the episodes that end in it. */
  add(step: EpisodeStep): void {
    const { numEnvs, observationSize } = this;
    const sources = this.checkStep(step);
    for (let e = 0; e < numEnvs; e++) {
      if (this.resetPending[e] !== 0) {
        this.resetPending[e] = 0; // next-step autoreset: the reset step is no part of an episode
        continue;
      }
      const episode = this.grow(e);
      for (const [name, source] of sources) {
        const w = this.widths[name]!;
        const column = episode.columns[name]!;
        for (let k = 0; k < w; k++) column[episode.length * w + k] = source[e * w + k]!;
      }
      episode.length++;
      const terminated = step.terminated[e] !== 0;
      const truncated = step.truncated[e] !== 0;
      if (!terminated && !truncated) continue;
      const final = step.finalObservations ?? step.nextObservations;
      const finalObservation =
        final === undefined ? null : Float32Array.from({ length: observationSize }, (_, k) => final[e * observationSize + k]!);
      this.complete(e, terminated, truncated, finalObservation);
      if (this.autoresetMode === 'next-step') this.resetPending[e] = 1;
    }
  }

  /** Removes every completed episode and returns them laid end to end (episodes in progress stay). */
  drain(): EpisodeBatch {
    const episodes = this.completed;
    const offsets = new Int32Array(episodes.length + 1);
    for (let i = 0; i < episodes.length; i++) offsets[i + 1] = offsets[i]! + episodes[i]!.length;
    const size = offsets[episodes.length]!;
    const concat = (name: string): ColumnArray => {
      const width = this.widths[name] ?? 1;
      const out = createColumn(this.fields[name]?.dtype ?? 'float32', size * width);
      episodes.forEach((episode, i) => out.set(episodeColumn(episode, name), offsets[i]! * width));
      return out;
    };
    const batch: EpisodeBatch = {
      size,
      offsets,
      observations: concat('observation') as Float32Array,
      actions: concat('action') as Int32Array | Float32Array,
      rewards: concat('reward') as Float32Array,
      returns: concat('return') as Float32Array,
      extras: Object.fromEntries(this.extraNames.map((name) => [name, concat(name)])),
    };
    this.completed = [];
    this.storedSteps = 0;
    return batch;
  }

  /** Drops everything: completed episodes, episodes in progress and pending resets (e.g. after `VectorEnv.reset`). */
  clear(): void {
    this.completed = [];
    this.storedSteps = 0;
    for (const episode of this.open) episode.length = 0;
    this.resetPending.fill(0);
  }

  private newOpenEpisode(rows: number): OpenEpisode {
    const columns: Record<string, ColumnArray> = {};
    for (const [name, field] of Object.entries(this.fields)) columns[name] = createColumn(field.dtype, rows * this.widths[name]!);
    return { length: 0, columns };
  }

  /** Env e's open episode, with room for one more step. */
  private grow(e: number): OpenEpisode {
    const episode = this.open[e]!;
    if ((episode.length + 1) * this.widths.reward! <= episode.columns.reward!.length) return episode;
    const bigger = this.newOpenEpisode(2 * episode.columns.reward!.length);
    for (const name of Object.keys(this.fields)) bigger.columns[name]!.set(episode.columns[name]!);
    bigger.length = episode.length;
    this.open[e] = bigger;
    return bigger;
  }

  private complete(e: number, terminated: boolean, truncated: boolean, finalObservation: Float32Array | null): void {
    const open = this.open[e]!;
    const T = open.length;
    const slice = (name: string): ColumnArray => open.columns[name]!.slice(0, T * this.widths[name]!);
    const rewards = slice('reward') as Float32Array;
    this.push({
      length: T,
      env: e,
      observations: slice('observation') as Float32Array,
      actions: slice('action') as Int32Array | Float32Array,
      rewards,
      returns: discountedReturns(rewards, this.gamma),
      terminated,
      truncated,
      finalObservation,
      extras: Object.fromEntries(this.extraNames.map((name) => [name, slice(name)])),
    });
    open.length = 0;
  }

  private push(episode: Episode): void {
    this.completed.push(episode);
    this.storedSteps += episode.length;
    let drop = 0;
    while (this.storedSteps > this.capacity && drop < this.completed.length - 1) this.storedSteps -= this.completed[drop++]!.length;
    if (drop > 0) this.completed.splice(0, drop);
  }

  private checkStep(step: EpisodeStep): [string, ArrayLike<number>][] {
    const { numEnvs } = this;
    const fail = (why: string): never => {
      throw new RangeError(`${KIND}.add: ${why}`);
    };
    for (const name of ['rewards', 'terminated', 'truncated'] as const) {
      if (step[name]?.length !== numEnvs) fail(`${name} has length ${step[name]?.length}, expected numEnvs = ${numEnvs}`);
    }
    for (const name of ['nextObservations', 'finalObservations'] as const) {
      const array = step[name];
      if (array !== undefined && array.length !== numEnvs * this.observationSize) {
        fail(`${name} has length ${array.length}, expected ${numEnvs * this.observationSize}`);
      }
    }
    const sources: [string, ArrayLike<number> | undefined][] = [
      ['observation', step.observations],
      ['action', step.actions],
      ['reward', step.rewards],
      ...this.extraNames.map((name): [string, ArrayLike<number> | undefined] => [name, step.extras?.[name]]),
    ];
    for (const [name, source] of sources) {
      const expected = numEnvs * this.widths[name]!;
      const what = RESERVED.includes(name) ? `${name}s` : `extras.${name}`;
      if (source?.length !== expected) fail(`${what} has length ${source?.length}, expected ${expected}`);
    }
    return sources as [string, ArrayLike<number>][];
  }

  private spec(): unknown {
    const { numEnvs, observationSize, actionSize, actionDtype, gamma, capacity, autoresetMode } = this;
    return { numEnvs, observationSize, actionSize, actionDtype, gamma, capacity, autoresetMode, fields: this.fields };
  }

  /** Bytes holding completed episodes, episodes in progress and pending resets. */
  snapshot(): Uint8Array {
    const episodes = this.completed;
    const arrays: Record<string, SnapshotArray> = {
      'episodes.length': Int32Array.from(episodes, (ep) => ep.length),
      'episodes.env': Int32Array.from(episodes, (ep) => ep.env),
      'episodes.flags': Uint8Array.from(episodes, (ep) => (ep.terminated ? 1 : 0) | (ep.truncated ? 2 : 0) | (ep.finalObservation ? 4 : 0)),
      'episodes.finalObservation': new Float32Array(episodes.length * this.observationSize),
      'open.length': Int32Array.from(this.open, (ep) => ep.length),
      resetPending: this.resetPending,
    };
    episodes.forEach((ep, i) => {
      if (ep.finalObservation !== null) (arrays['episodes.finalObservation'] as Float32Array).set(ep.finalObservation, i * this.observationSize);
    });
    const openSteps = this.open.reduce((sum, ep) => sum + ep.length, 0);
    for (const [name, field] of Object.entries(this.fields)) {
      const w = this.widths[name]!;
      const done = createColumn(field.dtype, this.storedSteps * w);
      let offset = 0;
      for (const ep of episodes) {
        done.set(episodeColumn(ep, name), offset);
        offset += ep.length * w;
      }
      const open = createColumn(field.dtype, openSteps * w);
      offset = 0;
      for (const ep of this.open) {
        open.set(ep.columns[name]!.subarray(0, ep.length * w), offset);
        offset += ep.length * w;
      }
      arrays[`episodes.${name}`] = done;
      arrays[`open.${name}`] = open;
    }
    return encodeSnapshot({ kind: KIND, spec: this.spec(), counters: { numEpisodes: episodes.length }, arrays });
  }

  /** Restores {@link EpisodeBuffer.snapshot} bytes; throws for another spec or bad bytes, changing nothing. */
  restore(bytes: Uint8Array): void {
    const { arrays } = decodeSnapshot(bytes, KIND, this.spec());
    const fail = (why: string): never => {
      throw new Error(`${KIND}.restore: ${why}`);
    };
    const get = (name: string, ctor: new (length: number) => SnapshotArray, length?: number): SnapshotArray => {
      const array = arrays[name];
      if (!(array instanceof ctor) || (length !== undefined && array.length !== length)) {
        fail(`array ${name} is missing or has the wrong type or length`);
      }
      return array!;
    };
    const lengths = get('episodes.length', Int32Array) as Int32Array;
    const count = lengths.length;
    const env = get('episodes.env', Int32Array, count);
    const flags = get('episodes.flags', Uint8Array, count);
    const finals = get('episodes.finalObservation', Float32Array, count * this.observationSize);
    const openLengths = get('open.length', Int32Array, this.numEnvs) as Int32Array;
    const resetPending = get('resetPending', Uint8Array, this.numEnvs);
    if ([...lengths, ...openLengths].some((x) => x < 0) || lengths.some((x) => x < 1)) fail('episode lengths are out of range');
    const total = lengths.reduce((s, x) => s + x, 0);
    const openTotal = openLengths.reduce((s, x) => s + x, 0);
    const columns: Record<string, [SnapshotArray, SnapshotArray]> = {};
    for (const [name, field] of Object.entries(this.fields)) {
      const ctor = createColumn(field.dtype, 0).constructor as new (length: number) => SnapshotArray;
      columns[name] = [get(`episodes.${name}`, ctor, total * this.widths[name]!), get(`open.${name}`, ctor, openTotal * this.widths[name]!)];
    }
    const completed: Episode[] = [];
    let row = 0;
    for (let i = 0; i < count; i++) {
      const T = lengths[i]!;
      const part = (name: string): ColumnArray => columns[name]![0].slice(row * this.widths[name]!, (row + T) * this.widths[name]!) as ColumnArray;
      const rewards = part('reward') as Float32Array;
      completed.push({
        length: T,
        env: env[i]!,
        observations: part('observation') as Float32Array,
        actions: part('action') as Int32Array | Float32Array,
        rewards,
        returns: discountedReturns(rewards, this.gamma),
        terminated: (flags[i]! & 1) !== 0,
        truncated: (flags[i]! & 2) !== 0,
        finalObservation: (flags[i]! & 4) !== 0 ? (finals.slice(i * this.observationSize, (i + 1) * this.observationSize) as Float32Array) : null,
        extras: Object.fromEntries(this.extraNames.map((name) => [name, part(name)])),
      });
      row += T;
    }
    const open: OpenEpisode[] = [];
    row = 0;
    for (let e = 0; e < this.numEnvs; e++) {
      const T = openLengths[e]!;
      const episode = this.newOpenEpisode(Math.max(16, T));
      for (const name of Object.keys(this.fields)) {
        const w = this.widths[name]!;
        episode.columns[name]!.set(columns[name]![1].subarray(row * w, (row + T) * w));
      }
      episode.length = T;
      open.push(episode);
      row += T;
    }
    this.completed = completed;
    this.storedSteps = total;
    this.open = open;
    this.resetPending.set(resetPending);
  }
}

/** The column of field `name` ('return' for the rewards-to-go) of a completed episode. */
function episodeColumn(episode: Episode, name: string): ColumnArray {
  switch (name) {
    case 'observation':
      return episode.observations;
    case 'action':
      return episode.actions;
    case 'reward':
      return episode.rewards;
    case 'return':
      return episode.returns;
    default:
      return episode.extras[name]!;
  }
}
