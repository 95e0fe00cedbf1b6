import type { Discrete, Env, ResetOptions, ResetResult, StepResult, TabularModel, TabularOutcome } from '@tfrl/core';
import { TabularCore, clippedMove, type Move } from './internal/tabular-core.js';

/** Options of {@link CliffWalking}. */
export interface CliffWalkingOptions {
  /**
   * Gymnasium 1.x's `is_slippery` (default false): the intended move or one of the two
   * perpendicular ones, each with probability 1/3.
   */
  isSlippery?: boolean;
}

const ROWS = 4;
const COLS = 12;
/** Actions 0 up, 1 right, 2 down, 3 left (Gymnasium's order). */
const MOVES: readonly Move[] = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
];

/**
 * Sutton & Barto's Example 6.6 as Gymnasium's `CliffWalking-v1`, an `Env<number, number>` with
 * its full {@link TabularModel}: a 4 × 12 grid, observations `row * 12 + col` (Discrete(48)),
 * actions 0 up, 1 right, 2 down, 3 left (Discrete(4)).
 *
 * ```
 *  .  .  .  .  .  .  .  .  .  .  .  .
 *  .  .  .  .  .  .  .  .  .  .  .  .
 *  .  .  .  .  .  .  .  .  .  .  .  .
 * [S] C  C  C  C  C  C  C  C  C  C  G
 * ```
 *
 * Every step gives −1; stepping into the cliff C (3,1..10) gives −100 instead and puts the agent
 * back at the start S (3,0) without ending the episode; reaching the goal G (3,11) terminates.
 * Moves off the grid stay put. Cliff cells are never occupied; their transitions are defined as
 * Gymnasium defines them. Before the first seeded reset the env draws from `Rng.fromSeed(0)`.
 */
export class CliffWalking implements Env<number, number>, TabularModel {
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  readonly numStates: number = ROWS * COLS;
  readonly numActions: number = 4;
  readonly rows: number = ROWS;
  readonly cols: number = COLS;
  /** Start state (row 3, col 0). */
  readonly start: number = 36;
  /** Goal state (row 3, col 11). */
  readonly goal: number = 47;
  /** Whether moves slip to perpendicular directions. */
  readonly isSlippery: boolean;
  private readonly core: TabularCore;

  constructor(options: CliffWalkingOptions = {}) {
    const isSlippery = options.isSlippery ?? false;
    if (typeof isSlippery !== 'boolean') {
      throw new RangeError(`CliffWalking: isSlippery must be a boolean, got ${String(isSlippery)}`);
    }
    this.isSlippery = isSlippery;
    const moveTo = (state: number, direction: number, probability: number): TabularOutcome => {
      const [row, col] = clippedMove(Math.floor(state / COLS), state % COLS, MOVES[direction]!, ROWS, COLS);
      const nextState = row * COLS + col;
      if (this.isCliff(nextState)) return { probability, nextState: this.start, reward: -100, terminated: false };
      return { probability, nextState, reward: -1, terminated: nextState === this.goal };
    };
    this.core = new TabularCore({
      name: 'CliffWalking',
      rows: ROWS,
      cols: COLS,
      numActions: 4,
      start: this.start,
      isTerminal: (state) => state === this.goal,
      outcomes: (state, action) =>
        isSlippery
          ? [(action + 3) % 4, action, (action + 1) % 4].map((direction) => moveTo(state, direction, 1 / 3))
          : [moveTo(state, action, 1)],
      tile: (state) => (state === this.goal ? 'G' : this.isCliff(state) ? 'C' : state === this.start ? 'S' : '.'),
    });
    this.observationSpace = this.core.observationSpace;
    this.actionSpace = this.core.actionSpace;
  }

  /** True for the cliff cells (row 3, cols 1..10). */
  isCliff(state: number): boolean {
    return state > this.start && state < this.goal;
  }

  /** Starts an episode at `start`; `seed` reseeds the env's Rng. */
  reset(options?: ResetOptions): ResetResult<number> {
    return this.core.reset(options);
  }

  /** Samples the next state from `transitions(state, action)`; info carries its `probability`. */
  step(action: number): StepResult<number> {
    return this.core.step(action);
  }

  /** Every outcome of `action` in `state`; none for the goal. */
  transitions(state: number, action: number): readonly TabularOutcome[] {
    return this.core.transitions(state, action);
  }

  /** True for the goal only (the cliff sends the agent back, it does not end the episode). */
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

  /** The grid as text, the agent's cell in brackets (S start, C cliff, G goal). */
  render(): string {
    return this.core.render();
  }
}
