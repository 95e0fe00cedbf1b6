// The machinery the toy-text envs share, kept out of the package's exports: the frozen tables of
// a finite MDP on a grid, and one episode driven by sampling from them. `step` and
// `transitions` read the same tables, so the env and its model can never disagree.
import {
  Discrete,
  Rng,
  type Env,
  type ResetOptions,
  type ResetResult,
  type StepResult,
  type TabularModel,
  type TabularOutcome,
} from '@tfrl/core';

/** What a toy-text env tells {@link TabularCore} about its MDP. */
export interface TabularCoreSpec {
  /** Class name used at the start of error messages. */
  name: string;
  rows: number;
  cols: number;
  numActions: number;
  /** Where every episode starts. */
  start: number;
  /** True for states that end episodes (they get no outcomes). */
  isTerminal(state: number): boolean;
  /** Outcomes of (state, action) for a non-terminal state; duplicates are merged, zero probabilities dropped. */
  outcomes(state: number, action: number): TabularOutcome[];
  /** One character per cell for `render`. */
  tile(state: number): string;
}

const PROBABILITY_TOLERANCE = 1e-9;

/** A grid MDP's transition tables (built once) plus the state of one episode. */
export class TabularCore {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly numStates: number;
  readonly numActions: number;
  readonly start: number;
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  /** Outcome lists, frozen, indexed by state * numActions + action. */
  private readonly table: (readonly TabularOutcome[])[];
  /** The probabilities of each outcome list, as the weights `Rng.categorical` draws from. */
  private readonly weights: Float64Array[];
  private readonly terminal: Uint8Array;
  private readonly tiles: string[];
  private rng = Rng.fromSeed(0);
  /** Current state, −1 before the first reset. */
  private current = -1;
  private ended = false;

  constructor(spec: TabularCoreSpec) {
    this.name = spec.name;
    this.rows = spec.rows;
    this.cols = spec.cols;
    this.numStates = spec.rows * spec.cols;
    this.numActions = spec.numActions;
    this.start = spec.start;
    this.observationSpace = new Discrete(this.numStates);
    this.actionSpace = new Discrete(spec.numActions);
    this.terminal = new Uint8Array(this.numStates);
    this.tiles = [];
    this.table = [];
    this.weights = [];
    for (let state = 0; state < this.numStates; state++) {
      this.terminal[state] = spec.isTerminal(state) ? 1 : 0;
      this.tiles.push(spec.tile(state));
      for (let action = 0; action < spec.numActions; action++) {
        const outcomes = this.terminal[state] === 1 ? [] : merge(spec.outcomes(state, action));
        const total = outcomes.reduce((sum, o) => sum + o.probability, 0);
        if (this.terminal[state] === 0 && Math.abs(total - 1) > PROBABILITY_TOLERANCE) {
          throw new Error(`${this.name}: outcomes of state ${state}, action ${action} sum to ${total}, not 1`);
        }
        this.table.push(Object.freeze(outcomes.map((o) => Object.freeze(o))));
        this.weights.push(Float64Array.from(outcomes, (o) => o.probability));
      }
    }
  }

  /** The current state; −1 before the first reset. */
  get state(): number {
    return this.current;
  }

  transitions(state: number, action: number): readonly TabularOutcome[] {
    this.checkState('transitions', state);
    if (!this.actionSpace.contains(action)) {
      throw new RangeError(`${this.name}.transitions: action ${String(action)} is not in ${this.actionSpace.toString()}`);
    }
    return this.table[state * this.numActions + action]!;
  }

  isTerminal(state: number): boolean {
    this.checkState('isTerminal', state);
    return this.terminal[state] === 1;
  }

  reset(options: ResetOptions = {}): ResetResult<number> {
    if (options.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    this.current = this.start;
    this.ended = false;
    return { observation: this.current, info: { probability: 1 } };
  }

  step(action: number): StepResult<number> {
    if (this.current < 0) throw new Error(`${this.name}.step: called before reset(); call reset() first`);
    if (this.ended) throw new Error(`${this.name}.step: the episode has terminated; call reset() first`);
    if (!this.actionSpace.contains(action)) {
      throw new RangeError(`${this.name}.step: action ${String(action)} is not in ${this.actionSpace.toString()}`);
    }
    const k = this.current * this.numActions + action;
    const outcomes = this.table[k]!;
    const outcome = outcomes[outcomes.length === 1 ? 0 : this.rng.categorical(this.weights[k]!)]!;
    this.current = outcome.nextState;
    this.ended = outcome.terminated;
    return {
      observation: outcome.nextState,
      reward: outcome.reward,
      terminated: outcome.terminated,
      truncated: false,
      info: { probability: outcome.probability },
    };
  }

  toRowCol(state: number): [row: number, col: number] {
    this.checkState('toRowCol', state);
    return [Math.floor(state / this.cols), state % this.cols];
  }

  fromRowCol(row: number, col: number): number {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows) {
      throw new RangeError(`${this.name}.fromRowCol: row must be an integer in [0, ${this.rows - 1}], got ${row}`);
    }
    if (!Number.isInteger(col) || col < 0 || col >= this.cols) {
      throw new RangeError(`${this.name}.fromRowCol: col must be an integer in [0, ${this.cols - 1}], got ${col}`);
    }
    return row * this.cols + col;
  }

  /** One line per row, one 3-character cell per column; the agent's cell is in brackets: `[S]`. */
  render(): string {
    const lines: string[] = [];
    for (let row = 0; row < this.rows; row++) {
      let line = '';
      for (let col = 0; col < this.cols; col++) {
        const state = row * this.cols + col;
        const tile = this.tiles[state]!;
        line += state === this.current ? `[${tile}]` : ` ${tile} `;
      }
      lines.push(line.trimEnd());
    }
    return lines.join('\n');
  }

  private checkState(method: string, state: number): void {
    if (!Number.isInteger(state) || state < 0 || state >= this.numStates) {
      throw new RangeError(`${this.name}.${method}: state must be an integer in [0, ${this.numStates - 1}], got ${state}`);
    }
  }
}

/**
 * A toy-text env: an `Env<number, number>` and its {@link TabularModel}, both driven by one
 * {@link TabularCore} built from the subclass's spec. The subclass keeps only its options, map
 * and dynamics.
 */
export abstract class TabularGridEnv implements Env<number, number>, TabularModel {
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  readonly numStates: number;
  readonly numActions: number;
  readonly rows: number;
  readonly cols: number;
  /** Where every episode starts. */
  readonly start: number;
  private readonly core: TabularCore;

  protected constructor(spec: TabularCoreSpec) {
    this.core = new TabularCore(spec);
    this.observationSpace = this.core.observationSpace;
    this.actionSpace = this.core.actionSpace;
    this.numStates = this.core.numStates;
    this.numActions = this.core.numActions;
    this.rows = this.core.rows;
    this.cols = this.core.cols;
    this.start = this.core.start;
  }

  /** Starts an episode at `start`; `seed` reseeds the env's Rng. */
  reset(options?: ResetOptions): ResetResult<number> {
    return this.core.reset(options);
  }

  /** Samples the next state from `transitions(state, action)`; info carries its `probability`. */
  step(action: number): StepResult<number> {
    return this.core.step(action);
  }

  /** Every outcome of `action` in `state`; none for a terminal state. */
  transitions(state: number, action: number): readonly TabularOutcome[] {
    return this.core.transitions(state, action);
  }

  /** True for the states that end episodes. */
  isTerminal(state: number): boolean {
    return this.core.isTerminal(state);
  }

  /** Nothing to release; present so the env can be closed like any other. */
  close(): void {}

  /** The current state; −1 before the first reset. */
  get state(): number {
    return this.core.state;
  }

  /** [row, col] of a state index. */
  toRowCol(state: number): [row: number, col: number] {
    return this.core.toRowCol(state);
  }

  /** State index of a cell. */
  fromRowCol(row: number, col: number): number {
    return this.core.fromRowCol(row, col);
  }

  /** The grid as text, one character per cell, the agent's cell in brackets. */
  render(): string {
    return this.core.render();
  }
}

/** Sums the probabilities of identical (nextState, reward, terminated) outcomes, in first-seen order; drops zeros. */
function merge(outcomes: TabularOutcome[]): TabularOutcome[] {
  const merged: TabularOutcome[] = [];
  for (const o of outcomes) {
    if (o.probability === 0) continue;
    const same = merged.find((m) => m.nextState === o.nextState && m.reward === o.reward && m.terminated === o.terminated);
    if (same !== undefined) same.probability += o.probability;
    else merged.push({ ...o });
  }
  return merged;
}

/** Row/column offsets of a move on a grid. */
export type Move = readonly [dRow: number, dCol: number];

/** The cell reached by `move` from (row, col), clipped to the grid. */
export function clippedMove(row: number, col: number, move: Move, rows: number, cols: number): [number, number] {
  return [Math.min(rows - 1, Math.max(0, row + move[0])), Math.min(cols - 1, Math.max(0, col + move[1]))];
}
