import type { TabularOutcome } from '@tfrl/core';
import { TabularGridEnv, clippedMove, type Move, type TabularCoreSpec } from './internal/tabular-core.js';

/** Gymnasium's built-in FrozenLake maps: S start, F frozen, H hole, G goal. */
export const FROZEN_LAKE_MAPS: Readonly<Record<'4x4' | '8x8', readonly string[]>> = Object.freeze({
  '4x4': Object.freeze(['SFFF', 'FHFH', 'FFFH', 'HFFG']),
  '8x8': Object.freeze([
    'SFFFFFFF',
    'FFFFFFFF',
    'FFFHFFFF',
    'FFFFFHFF',
    'FFFHFFFF',
    'FHHFFFHF',
    'FHFFHFHF',
    'FFFHFFFG',
  ]),
});

/** Options of {@link FrozenLake} (Gymnasium's constructor arguments). */
export interface FrozenLakeOptions {
  /** A custom map, one string per row over S/F/H/G, with exactly one S and at least one G; wins over `mapName`. */
  desc?: readonly string[];
  /** A built-in map (default '4x4'). */
  mapName?: '4x4' | '8x8';
  /** Slippery ice (default true): the intended move with `successRate`, each perpendicular one with (1 − successRate) / 2. */
  isSlippery?: boolean;
  /** Probability of the intended move on slippery ice, in [0, 1] (default 1/3). */
  successRate?: number;
  /** Rewards for entering [a goal, a hole, frozen ice or the start] (default [1, 0, 0]). */
  rewardSchedule?: readonly [goal: number, hole: number, frozen: number];
}

/** Actions 0 left, 1 down, 2 right, 3 up (Gymnasium's order). */
const MOVES: readonly Move[] = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
];

/**
 * Gymnasium's `FrozenLake-v1` as an `Env<number, number>` with its full {@link TabularModel}:
 * cross a frozen lake from S to G without falling into a hole H. Observations are
 * `row * ncol + col`; actions 0 left, 1 down, 2 right, 3 up (Discrete(4)). Holes and goals end
 * the episode; moves off the grid stay put. On slippery ice (the default) each move goes the
 * intended way or one of the two perpendicular ways, each with probability 1/3. Outcomes that
 * coincide (e.g. two moves into the same edge) are merged, so `info.probability` is the summed
 * probability where Gymnasium reports one of the parts. Before the first seeded reset the env
 * draws from `Rng.fromSeed(0)`.
 */
export class FrozenLake extends TabularGridEnv {
  /** The map, one string per row. */
  readonly desc: readonly string[];
  readonly isSlippery: boolean;
  readonly successRate: number;
  readonly rewardSchedule: readonly [goal: number, hole: number, frozen: number];

  constructor(options: FrozenLakeOptions = {}) {
    const desc = options.desc ?? mapByName(options.mapName ?? '4x4');
    checkMap(desc);
    const isSlippery = options.isSlippery ?? true;
    if (typeof isSlippery !== 'boolean') {
      throw new RangeError(`FrozenLake: isSlippery must be a boolean, got ${String(isSlippery)}`);
    }
    const successRate = options.successRate ?? 1 / 3;
    if (typeof successRate !== 'number' || !(successRate >= 0 && successRate <= 1)) {
      throw new RangeError(`FrozenLake: successRate must be in [0, 1], got ${String(successRate)}`);
    }
    const schedule = options.rewardSchedule ?? [1, 0, 0];
    if (!Array.isArray(schedule) || schedule.length !== 3 || !schedule.every((r) => typeof r === 'number' && Number.isFinite(r))) {
      throw new RangeError(`FrozenLake: rewardSchedule must be 3 finite numbers [goal, hole, frozen], got ${JSON.stringify(schedule)}`);
    }
    const rewardSchedule = Object.freeze([schedule[0], schedule[1], schedule[2]] as const);
    super(frozenLakeSpec(desc, isSlippery, successRate, rewardSchedule));
    this.desc = Object.freeze([...desc]);
    this.isSlippery = isSlippery;
    this.successRate = successRate;
    this.rewardSchedule = rewardSchedule;
  }
}

/** The FrozenLake MDP of a checked map: start on S, holes H and goals G end the episode. */
function frozenLakeSpec(
  desc: readonly string[],
  isSlippery: boolean,
  successRate: number,
  [goalReward, holeReward, frozenReward]: readonly [goal: number, hole: number, frozen: number],
): TabularCoreSpec {
  const rows = desc.length;
  const cols = desc[0]!.length;
  const letters = desc.join('');
  const failRate = (1 - successRate) / 2;
  const moveTo = (state: number, direction: number, probability: number): TabularOutcome => {
    const [row, col] = clippedMove(Math.floor(state / cols), state % cols, MOVES[direction]!, rows, cols);
    const nextState = row * cols + col;
    const letter = letters[nextState];
    const reward = letter === 'G' ? goalReward : letter === 'H' ? holeReward : frozenReward;
    return { probability, nextState, reward, terminated: letter === 'G' || letter === 'H' };
  };
  return {
    name: 'FrozenLake',
    rows,
    cols,
    numActions: 4,
    start: letters.indexOf('S'),
    isTerminal: (state) => letters[state] === 'G' || letters[state] === 'H',
    outcomes: (state, action) =>
      isSlippery
        ? [(action + 3) % 4, action, (action + 1) % 4].map((direction) =>
            moveTo(state, direction, direction === action ? successRate : failRate),
          )
        : [moveTo(state, action, 1)],
    tile: (state) => letters[state]!,
  };
}

function mapByName(mapName: string): readonly string[] {
  if (mapName !== '4x4' && mapName !== '8x8') {
    throw new RangeError(`FrozenLake: mapName must be '4x4' or '8x8', got ${JSON.stringify(mapName)}`);
  }
  return FROZEN_LAKE_MAPS[mapName];
}

function checkMap(desc: readonly string[]): void {
  if (!Array.isArray(desc) || desc.length === 0 || typeof desc[0] !== 'string' || desc[0].length === 0) {
    throw new RangeError('FrozenLake: desc must be a non-empty array of non-empty strings');
  }
  const cols = desc[0].length;
  let starts = 0;
  let goals = 0;
  desc.forEach((row, i) => {
    if (typeof row !== 'string' || row.length !== cols) {
      throw new RangeError(`FrozenLake: desc rows must all have length ${cols}; row ${i} is ${JSON.stringify(row)}`);
    }
    const bad = /[^SFHG]/.exec(row);
    if (bad !== null) {
      throw new RangeError(`FrozenLake: desc row ${i} has ${JSON.stringify(bad[0])}; only S, F, H and G are allowed`);
    }
    for (const letter of row) {
      if (letter === 'S') starts++;
      if (letter === 'G') goals++;
    }
  });
  if (starts !== 1) throw new RangeError(`FrozenLake: desc must have exactly one S, found ${starts}`);
  if (goals === 0) throw new RangeError('FrozenLake: desc must have at least one G');
}
