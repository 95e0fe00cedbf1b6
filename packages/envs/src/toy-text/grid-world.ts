import type { TabularOutcome } from '@tfrl/core';
import { TabularGridEnv, clippedMove, type Move, type TabularCoreSpec } from './internal/tabular-core.js';

/** Options of {@link GridWorld}. */
export interface GridWorldOptions {
  /**
   * Probability that a move slips to one of the two perpendicular directions (each slip / 2);
   * 0 (default) is deterministic, 0.2 gives Russell & Norvig's 0.8 / 0.1 / 0.1 dynamics. In [0, 1].
   */
  slip?: number;
  /**
   * Whether entering the bomb ends the episode (default true, as in Russell & Norvig's 4×3
   * world). false gives the "deep RL from scratch" book's exact dynamics, where the bomb only
   * costs −1 and the episode goes on until the goal.
   */
  bombTerminates?: boolean;
}

const ROWS = 3;
const COLS = 4;
const START = 8;
const GOAL = 3;
const BOMB = 7;
const WALL = 5;
/** Actions 0 up, 1 down, 2 left, 3 right. */
const MOVES: readonly Move[] = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];
/** The two directions perpendicular to each action. */
const PERPENDICULAR: readonly (readonly [number, number])[] = [
  [2, 3],
  [2, 3],
  [0, 1],
  [0, 1],
];

/**
 * The book's 3 × 4 GridWorld as an `Env<number, number>` and its full {@link TabularModel}.
 * Observations are state indices `row * 4 + col` (Discrete(12)); actions are 0 up, 1 down,
 * 2 left, 3 right (Discrete(4)).
 *
 * ```
 *  .  .  .  G      G goal (0,3): reward +1, ends the episode
 *  .  #  .  B      B bomb (1,3): reward −1, ends the episode (see `bombTerminates`)
 * [S] .  .  .      # wall (1,1): cannot be entered; S start (2,0)
 * ```
 *
 * Every other step gives reward 0; a move into the wall or off the grid stays put (and the reward
 * is that of the cell stayed in). The wall keeps its state index 5 so that states map to cells,
 * but no episode ever reaches it; its transitions are defined like any other cell's so the model
 * is total, and planners' values for it mean nothing. Deterministic unless `slip > 0`. Before the
 * first seeded reset the env draws from `Rng.fromSeed(0)`.
 */
export class GridWorld extends TabularGridEnv {
  /** Goal state (row 0, col 3). */
  readonly goal: number = GOAL;
  /** Bomb state (row 1, col 3). */
  readonly bomb: number = BOMB;
  /** Wall state (row 1, col 1), never reached. */
  readonly wall: number = WALL;
  /** Probability of a perpendicular slip. */
  readonly slip: number;
  /** Whether the bomb ends the episode. */
  readonly bombTerminates: boolean;

  constructor(options: GridWorldOptions = {}) {
    const slip = options.slip ?? 0;
    if (typeof slip !== 'number' || !(slip >= 0 && slip <= 1)) {
      throw new RangeError(`GridWorld: slip must be in [0, 1], got ${String(slip)}`);
    }
    const bombTerminates = options.bombTerminates ?? true;
    if (typeof bombTerminates !== 'boolean') {
      throw new RangeError(`GridWorld: bombTerminates must be a boolean, got ${String(bombTerminates)}`);
    }
    super(gridWorldSpec(slip, bombTerminates));
    this.slip = slip;
    this.bombTerminates = bombTerminates;
  }
}

/** The GridWorld MDP: start (2,0), goal (0,3), bomb (1,3), wall (1,1). */
function gridWorldSpec(slip: number, bombTerminates: boolean): TabularCoreSpec {
  const rewardOf = (state: number): number => (state === GOAL ? 1 : state === BOMB ? -1 : 0);
  const isTerminal = (state: number): boolean => state === GOAL || (bombTerminates && state === BOMB);
  const moveTo = (state: number, direction: number, probability: number): TabularOutcome => {
    const row = Math.floor(state / COLS);
    const col = state % COLS;
    const [nextRow, nextCol] = clippedMove(row, col, MOVES[direction]!, ROWS, COLS);
    const target = nextRow * COLS + nextCol;
    const nextState = target === WALL ? state : target;
    return { probability, nextState, reward: rewardOf(nextState), terminated: isTerminal(nextState) };
  };
  return {
    name: 'GridWorld',
    rows: ROWS,
    cols: COLS,
    numActions: 4,
    start: START,
    isTerminal,
    outcomes: (state, action) => [
      moveTo(state, action, 1 - slip),
      ...PERPENDICULAR[action]!.map((direction) => moveTo(state, direction, slip / 2)),
    ],
    tile: (state) => (state === GOAL ? 'G' : state === BOMB ? 'B' : state === WALL ? '#' : state === START ? 'S' : '.'),
  };
}
