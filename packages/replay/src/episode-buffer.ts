import { discountedReturns, type AutoresetMode } from '@tfrl/core';
import { createColumn, fieldWidth, validateFieldSpec, type ActionDtype, type ColumnArray, type FieldSpec } from './field-spec.js';
import { concatEpisodes, episodeArrays, readEpisodeArrays, type EpisodeLayout, type OpenEpisode } from './internal/episode-snapshot.js';
import { PendingResets } from './internal/pending-resets.js';
import { decodeSnapshot, encodeSnapshot } from './internal/snapshot.js';
import { checkExtras, checkLength, checkStepFields, checkVectorStepConfig } from './internal/validate.js';

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
  private readonly widths: Readonly<Record<string, number>>;
  private readonly extraNames: string[];
  private completed: Episode[] = [];
  private storedSteps = 0;
  private open: OpenEpisode[];
  private readonly resets: PendingResets;

  constructor(config: EpisodeBufferConfig) {
    const { numEnvs, observationSize, actionSize, actionDtype, gamma, capacity } = config;
    const integers = { numEnvs, observationSize, actionSize, capacity };
    this.autoresetMode = checkVectorStepConfig(KIND, integers, { gamma }, actionDtype, config.autoresetMode);
    const extras = checkExtras(KIND, config.extras, RESERVED);
    this.extraNames = Object.keys(extras);
    this.fields = validateFieldSpec(KIND, {
      observation: { shape: [observationSize], dtype: 'float32' },
      action: { shape: [actionSize], dtype: actionDtype },
      reward: { shape: [], dtype: 'float32' },
      ...extras,
    });
    this.widths = Object.fromEntries(Object.entries(this.fields).map(([name, field]) => [name, fieldWidth(field)]));
    this.numEnvs = numEnvs;
    this.observationSize = observationSize;
    this.actionSize = actionSize;
    this.actionDtype = actionDtype;
    this.gamma = gamma;
    this.capacity = capacity;
    this.open = Array.from({ length: numEnvs }, () => this.newOpenEpisode(16));
    this.resets = new PendingResets(numEnvs, this.autoresetMode);
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
      if (this.resets.isResetRow(e, step.terminated[e]!, step.truncated[e]!)) continue; // no part of an episode
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
    }
  }

  /** Removes every completed episode and returns them laid end to end (episodes in progress stay). */
  drain(): EpisodeBatch {
    const episodes = this.completed;
    const offsets = new Int32Array(episodes.length + 1);
    for (let i = 0; i < episodes.length; i++) offsets[i + 1] = offsets[i]! + episodes[i]!.length;
    const size = offsets[episodes.length]!;
    const concat = (name: string): ColumnArray => concatEpisodes(episodes, name, this.fields[name]?.dtype ?? 'float32');
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
    this.resets.clear();
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
    this.push(this.episode(e, open.length, (name, end) => open.columns[name]!.slice(0, end), terminated, truncated, finalObservation));
    open.length = 0;
  }

  /** A completed episode of `length` steps whose field `name` is `slice(name, length × width)`, with its rewards-to-go. */
  private episode(
    env: number,
    length: number,
    slice: (name: string, end: number) => ColumnArray,
    terminated: boolean,
    truncated: boolean,
    finalObservation: Float32Array | null,
  ): Episode {
    const part = (name: string): ColumnArray => slice(name, length * this.widths[name]!);
    const rewards = part('reward') as Float32Array;
    const extras = Object.fromEntries(this.extraNames.map((name) => [name, part(name)]));
    const observations = part('observation') as Float32Array;
    const actions = part('action') as Int32Array | Float32Array;
    const returns = discountedReturns(rewards, this.gamma);
    return { length, env, observations, actions, rewards, returns, terminated, truncated, finalObservation, extras };
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
    const fn = `${KIND}.add`;
    for (const name of ['rewards', 'terminated', 'truncated'] as const) checkLength(fn, name, step[name]?.length, numEnvs, 'numEnvs');
    for (const name of ['nextObservations', 'finalObservations'] as const) {
      if (step[name] !== undefined) checkLength(fn, name, step[name].length, numEnvs * this.observationSize);
    }
    const fields = [
      ['observation', step.observations],
      ['action', step.actions],
      ['reward', step.rewards],
      ...this.extraNames.map((name) => [name, step.extras?.[name]] as const),
    ] as const;
    return checkStepFields(fn, fields, this.widths, numEnvs, RESERVED);
  }

  private get layout(): EpisodeLayout {
    return { numEnvs: this.numEnvs, observationSize: this.observationSize, fields: this.fields, widths: this.widths };
  }

  private spec(): unknown {
    const { numEnvs, observationSize, actionSize, actionDtype, gamma, capacity, autoresetMode } = this;
    return { numEnvs, observationSize, actionSize, actionDtype, gamma, capacity, autoresetMode, fields: this.fields };
  }

  /** Bytes holding completed episodes, episodes in progress and pending resets. */
  snapshot(): Uint8Array {
    const arrays = episodeArrays(this.layout, this.completed, this.open, this.resets.flags);
    return encodeSnapshot({ kind: KIND, spec: this.spec(), counters: { numEpisodes: this.completed.length }, arrays });
  }

  /** Restores {@link EpisodeBuffer.snapshot} bytes; throws for another spec or bad bytes, changing nothing. */
  restore(bytes: Uint8Array): void {
    const { arrays } = decodeSnapshot(bytes, KIND, this.spec());
    const { completed, open, resetPending } = readEpisodeArrays(KIND, this.layout, arrays);
    this.completed = completed.map((ep) => this.episode(ep.env, ep.length, ep.slice, ep.terminated, ep.truncated, ep.finalObservation));
    this.storedSteps = completed.reduce((sum, ep) => sum + ep.length, 0);
    this.open = open.map(({ length, slice }) => {
      const episode = this.newOpenEpisode(Math.max(16, length));
      for (const name of Object.keys(this.fields)) episode.columns[name]!.set(slice(name));
      episode.length = length;
      return episode;
    });
    this.resets.flags.set(resetPending);
  }
}
