import type { TabularOutcome } from '@tfrl/core';
import { TabularGridEnv, clippedMove, type Move, type TabularCoreSpec } from './internal/tabular-core.js';

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
/** Start state (row 3, col 0). */
const START = 36;
/** Goal state (row 3, col 11). */
const GOAL = 47;
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
export class CliffWalking extends TabularGridEnv {
  /** Goal state (row 3, col 11). */
  readonly goal: number = GOAL;
  /** Whether moves slip to perpendicular directions. */
  readonly isSlippery: boolean;

  constructor(options: CliffWalkingOptions = {}) {
    const isSlippery = options.isSlippery ?? false;
    if (typeof isSlippery !== 'boolean') {
      throw new RangeError(`CliffWalking: isSlippery must be a boolean, got ${String(isSlippery)}`);
    }
    super(cliffWalkingSpec(isSlippery));
    this.isSlippery = isSlippery;
  }

  /** True for the cliff cells (row 3, cols 1..10). */
  isCliff(state: number): boolean {
    return isCliff(state);
  }
}

function isCliff(state: number): boolean {
  return state > START && state < GOAL;
}

/** The CliffWalking MDP: start (3,0), cliff (3,1..10) back to the start for −100, goal (3,11). */
function cliffWalkingSpec(isSlippery: boolean): TabularCoreSpec {
  const moveTo = (state: number, direction: number, probability: number): TabularOutcome => {
    const [row, col] = clippedMove(Math.floor(state / COLS), state % COLS, MOVES[direction]!, ROWS, COLS);
    const nextState = row * COLS + col;
    if (isCliff(nextState)) return { probability, nextState: START, reward: -100, terminated: false };
    return { probability, nextState, reward: -1, terminated: nextState === GOAL };
  };
  return {
    name: 'CliffWalking',
    rows: ROWS,
    cols: COLS,
    numActions: 4,
    start: START,
    isTerminal: (state) => state === GOAL,
    outcomes: (state, action) =>
      isSlippery
        ? [(action + 3) % 4, action, (action + 1) % 4].map((direction) => moveTo(state, direction, 1 / 3))
        : [moveTo(state, action, 1)],
    tile: (state) => (state === GOAL ? 'G' : isCliff(state) ? 'C' : state === START ? 'S' : '.'),
  };
}
