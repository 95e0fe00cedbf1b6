// Small envs for the wrapper and checkEnv tests; not exported from the package.
import {
  Box,
  Discrete,
  Rng,
  type BoxOptions,
  type BoxValue,
  type Env,
  type EnvSpec,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '@tfrl/core';

/** Options of {@link PointEnv}. */
export interface PointEnvOptions {
  /** Clip finite out-of-bounds actions into [-1, 1] instead of throwing (Gymnasium-style). */
  clipActions?: boolean;
  /** The `info` every reset and step returns (copied). */
  info?: Info;
}

/**
 * A point on a line: observation [position, last action] in Box([-2, -1], [2, 1]), action
 * Box(-1, 1, [1]); position ← clamp(position + 0.5·action, −2, 2), reward −position², the
 * episode terminates when |position| reaches 2. Starts uniform in [−1, 1) from the seed.
 */
export class PointEnv implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box({ low: [-2, -1], high: [2, 1] });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly spec: EnvSpec = { id: 'Point-v0' };
  /** Actions the inner env received, for tests of action wrappers. */
  readonly received: Float32Array[] = [];
  private rng = Rng.fromSeed(0);
  private position = 0;
  private ended = true;
  private readonly options: PointEnvOptions;
  closed = 0;

  constructor(options: PointEnvOptions = {}) {
    this.options = options;
  }

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    const start = options.options?.['position'];
    this.position = typeof start === 'number' ? start : Math.fround(this.rng.uniform(-1, 1));
    this.ended = false;
    return { observation: Float32Array.of(this.position, 0), info: { ...this.options.info } };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (this.ended) throw new Error('PointEnv: step() after the episode ended; call reset()');
    if (!(action instanceof Float32Array) || action.length !== 1 || !Number.isFinite(action[0])) {
      throw new RangeError(`PointEnv: action must be a Float32Array of 1 finite number, got ${String(action)}`);
    }
    let a = action[0]!;
    if (this.options.clipActions) a = Math.min(Math.max(a, -1), 1);
    else if (!this.actionSpace.contains(action)) throw new RangeError(`PointEnv: action ${a} is outside [-1, 1]`);
    this.received.push(action.slice());
    this.position = Math.min(Math.max(this.position + 0.5 * a, -2), 2);
    const terminated = Math.abs(this.position) >= 2;
    this.ended = terminated;
    return {
      observation: Float32Array.of(this.position, a),
      reward: -this.position * this.position,
      terminated,
      truncated: false,
      info: { ...this.options.info },
    };
  }

  close(): void {
    this.closed++;
  }
}

/**
 * A corridor of `length` cells (Discrete observation = cell), actions Discrete(2): 0 left,
 * 1 right (walls stop you). Reward −1 per step; reaching the right end terminates. Starts in
 * a seeded random cell other than the last.
 */
export class CorridorEnv implements Env<number, number> {
  readonly observationSpace: Discrete;
  readonly actionSpace = new Discrete(2);
  readonly length: number;
  private rng = Rng.fromSeed(0);
  private cell = 0;
  private ended = true;

  constructor(length = 5) {
    this.length = length;
    this.observationSpace = new Discrete(length);
  }

  reset(options: ResetOptions = {}): ResetResult<number> {
    if (options.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    const start = options.options?.['cell'];
    this.cell = typeof start === 'number' ? start : this.rng.int(this.length - 1);
    this.ended = false;
    return { observation: this.cell, info: {} };
  }

  step(action: number): StepResult<number> {
    if (this.ended) throw new Error('CorridorEnv: step() after the episode ended; call reset()');
    if (!this.actionSpace.contains(action)) throw new RangeError(`CorridorEnv: action ${action} is not 0 or 1`);
    this.cell = Math.min(Math.max(this.cell + (action === 1 ? 1 : -1), 0), this.length - 1);
    const terminated = this.cell === this.length - 1;
    this.ended = terminated;
    return { observation: this.cell, reward: -1, terminated, truncated: false, info: {} };
  }
}

/** One scripted step of a {@link ScriptedEnv}. */
export interface ScriptedStep {
  reward: number;
  terminated?: boolean;
  truncated?: boolean;
}

/**
 * Plays back fixed rewards and flags, whatever the action (Discrete(2)); the observation is
 * the step index within the episode, as Box(0, 1000, [1]). For exact reward tests.
 */
export class ScriptedEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: 0, high: 1000, shape: [1] });
  readonly actionSpace = new Discrete(2);
  private readonly script: readonly ScriptedStep[];
  private t = 0;
  private index = 0;
  private ended = true;

  /** `script` is read in order across episodes, wrapping around at its end. */
  constructor(script: readonly ScriptedStep[]) {
    this.script = script;
  }

  reset(_options?: ResetOptions): ResetResult<Float32Array> {
    this.t = 0;
    this.ended = false;
    return { observation: Float32Array.of(0), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.ended) throw new Error('ScriptedEnv: step() after the episode ended; call reset()');
    if (!this.actionSpace.contains(action)) throw new RangeError(`ScriptedEnv: action ${action} is not 0 or 1`);
    const { reward, terminated = false, truncated = false } = this.script[this.index % this.script.length]!;
    this.index++;
    this.t++;
    this.ended = terminated || truncated;
    return { observation: Float32Array.of(this.t), reward, terminated, truncated, info: {} };
  }
}

/**
 * Records the actions it receives: action space Box(low, high) of any float dtype, constant
 * observation [0] in Box(0, 1, [1]), reward 0, terminates after `episodeLength` steps.
 */
export class BoxActionEnv<D extends 'float32' | 'float64' = 'float32'> implements Env<Float32Array, BoxValue<D>> {
  readonly observationSpace = new Box({ low: 0, high: 1, shape: [1] });
  readonly actionSpace: Box<D>;
  readonly received: BoxValue<D>[] = [];
  private readonly episodeLength: number;
  private t = 0;
  private ended = true;

  constructor(options: BoxOptions<D>, episodeLength = 10) {
    this.actionSpace = new Box(options);
    this.episodeLength = episodeLength;
  }

  reset(_options?: ResetOptions): ResetResult<Float32Array> {
    this.t = 0;
    this.ended = false;
    return { observation: Float32Array.of(0), info: {} };
  }

  step(action: BoxValue<D>): StepResult<Float32Array> {
    if (this.ended) throw new Error('BoxActionEnv: step() after the episode ended; call reset()');
    if (!this.actionSpace.contains(action)) throw new RangeError(`BoxActionEnv: action ${String(action)} is outside the space`);
    this.received.push(action.slice() as BoxValue<D>);
    this.t++;
    this.ended = this.t >= this.episodeLength;
    return { observation: Float32Array.of(0), reward: 0, terminated: this.ended, truncated: false, info: {} };
  }
}
