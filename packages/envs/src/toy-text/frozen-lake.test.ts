import { describe, expect, it } from 'vitest';
import type { TabularOutcome } from '@tfrl/core';
import { FROZEN_LAKE_MAPS, FrozenLake } from './frozen-lake.js';

const LEFT = 0;
const DOWN = 1;
const RIGHT = 2;
const UP = 3;

/** Outcomes with probabilities rounded to 12 digits ((1 − 1/3) / 2 is 0.33333333333333337, as in Gymnasium). */
const rounded = (outcomes: readonly TabularOutcome[]) => outcomes.map((o) => ({ ...o, probability: Number(o.probability.toFixed(12)) }));

const statesWhere = (env: FrozenLake, keep: (s: number) => boolean): number[] =>
  Array.from({ length: env.numStates }, (_, s) => s).filter(keep);

describe('FrozenLake', () => {
  it('defaults to Gymnasium\'s slippery 4x4 map, with holes and the goal terminal', () => {
    const env = new FrozenLake();
    expect(env.desc).toEqual(['SFFF', 'FHFH', 'FFFH', 'HFFG']);
    expect([env.numStates, env.numActions, env.rows, env.cols, env.start]).toEqual([16, 4, 4, 4, 0]);
    expect([env.isSlippery, env.successRate, env.rewardSchedule]).toEqual([true, 1 / 3, [1, 0, 0]]);
    expect(statesWhere(env, (s) => env.isTerminal(s))).toEqual([5, 7, 11, 12, 15]);
    expect(env.toRowCol(14)).toEqual([3, 2]);
    expect(env.fromRowCol(1, 3)).toBe(7);
  });

  it('has the 8x8 map', () => {
    const env = new FrozenLake({ mapName: '8x8' });
    expect(env.desc).toEqual(FROZEN_LAKE_MAPS['8x8']);
    expect([env.numStates, env.start]).toEqual([64, 0]);
    expect(statesWhere(env, (s) => env.isTerminal(s))).toEqual([19, 29, 35, 41, 42, 46, 49, 52, 54, 59, 63]);
  });

  it('slips to the intended or a perpendicular direction, 1/3 each, merging moves into the same edge', () => {
    const env = new FrozenLake();
    // left from S: up (stays), left (stays), down (to 4)
    const third = Number((1 / 3).toFixed(12));
    expect(rounded(env.transitions(0, LEFT))).toEqual([
      { probability: Number((2 / 3).toFixed(12)), nextState: 0, reward: 0, terminated: false },
      { probability: third, nextState: 4, reward: 0, terminated: false },
    ]);
    // right from 14: down (stays), right (goal), up (10)
    expect(rounded(env.transitions(14, RIGHT))).toEqual([
      { probability: third, nextState: 14, reward: 0, terminated: false },
      { probability: third, nextState: 15, reward: 1, terminated: true },
      { probability: third, nextState: 10, reward: 0, terminated: false },
    ]);
    // down from 1: left (0), down (hole 5), right (2)
    expect(env.transitions(1, DOWN).map((o) => [o.nextState, o.terminated])).toEqual([
      [0, false],
      [5, true],
      [2, false],
    ]);
    expect(env.transitions(5, UP)).toEqual([]);
  });

  it('is deterministic when not slippery, and honours successRate and rewardSchedule', () => {
    const env = new FrozenLake({ isSlippery: false });
    expect(env.transitions(14, RIGHT)).toEqual([{ probability: 1, nextState: 15, reward: 1, terminated: true }]);
    expect(env.transitions(0, UP)).toEqual([{ probability: 1, nextState: 0, reward: 0, terminated: false }]);
    const custom = new FrozenLake({ successRate: 0.8, rewardSchedule: [10, -5, -0.1] });
    const outcomes = custom.transitions(1, DOWN);
    expect(outcomes.map((o) => o.probability)).toEqual([0.09999999999999998, 0.8, 0.09999999999999998]);
    expect(outcomes.map((o) => o.reward)).toEqual([-0.1, -5, -0.1]);
    expect(custom.transitions(14, RIGHT)[1]).toEqual({ probability: 0.8, nextState: 15, reward: 10, terminated: true });
  });

  it('accepts custom maps: the start need not be the first cell, several goals may end episodes', () => {
    const env = new FrozenLake({ desc: ['GFH', 'FSG'], isSlippery: false, mapName: '8x8' });
    expect([env.rows, env.cols, env.start, env.numStates]).toEqual([2, 3, 4, 6]);
    expect(statesWhere(env, (s) => env.isTerminal(s))).toEqual([0, 2, 5]);
    expect(env.reset({ seed: 1 }).observation).toBe(4);
    expect(env.step(RIGHT)).toEqual({ observation: 5, reward: 1, terminated: true, truncated: false, info: { probability: 1 } });
    expect(env.render()).toBe([' G  F  H', ' F  S [G]'].join('\n'));
  });

  it('renders the map with the agent in brackets', () => {
    const env = new FrozenLake();
    env.reset({ seed: 0 });
    expect(env.render()).toBe(['[S] F  F  F', ' F  H  F  H', ' F  F  F  H', ' H  F  F  G'].join('\n'));
  });

  it('rejects bad maps and options, naming the field', () => {
    const bad = (options: object, message: string) =>
      expect(() => new FrozenLake(options)).toThrow(new RangeError(`FrozenLake: ${message}`));
    bad({ mapName: '5x5' }, `mapName must be '4x4' or '8x8', got "5x5"`);
    bad({ desc: [] }, 'desc must be a non-empty array of non-empty strings');
    bad({ desc: [''] }, 'desc must be a non-empty array of non-empty strings');
    bad({ desc: ['SF', 'FFG'] }, 'desc rows must all have length 2; row 1 is "FFG"');
    bad({ desc: ['SX', 'FG'] }, 'desc row 0 has "X"; only S, F, H and G are allowed');
    bad({ desc: ['sF', 'FG'] }, 'desc row 0 has "s"; only S, F, H and G are allowed');
    bad({ desc: ['SS', 'FG'] }, 'desc must have exactly one S, found 2');
    bad({ desc: ['FF', 'FG'] }, 'desc must have exactly one S, found 0');
    bad({ desc: ['SF', 'FH'] }, 'desc must have at least one G');
    bad({ isSlippery: 0 }, 'isSlippery must be a boolean, got 0');
    bad({ successRate: 1.5 }, 'successRate must be in [0, 1], got 1.5');
    bad({ successRate: NaN }, 'successRate must be in [0, 1], got NaN');
    bad({ rewardSchedule: [1, 0] }, 'rewardSchedule must be 3 finite numbers [goal, hole, frozen], got [1,0]');
    bad({ rewardSchedule: [1, 0, Infinity] }, 'rewardSchedule must be 3 finite numbers [goal, hole, frozen], got [1,0,null]');
  });

  it('throws on misuse with messages naming the action or state', () => {
    const env = new FrozenLake();
    expect(() => env.step(LEFT)).toThrow(new Error('FrozenLake.step: called before reset(); call reset() first'));
    env.reset();
    expect(() => env.step(4)).toThrow(new RangeError('FrozenLake.step: action 4 is not in Discrete(4)'));
    expect(() => env.transitions(16, 0)).toThrow(new RangeError('FrozenLake.transitions: state must be an integer in [0, 15], got 16'));
    expect(() => env.isTerminal(16)).toThrow(new RangeError('FrozenLake.isTerminal: state must be an integer in [0, 15], got 16'));
    expect(() => env.toRowCol(16)).toThrow(new RangeError('FrozenLake.toRowCol: state must be an integer in [0, 15], got 16'));
    expect(() => env.fromRowCol(-1, 0)).toThrow(new RangeError('FrozenLake.fromRowCol: row must be an integer in [0, 3], got -1'));
    const lake = new FrozenLake({ isSlippery: false });
    lake.reset();
    lake.step(RIGHT);
    expect(lake.step(DOWN).terminated).toBe(true); // hole (1,1)
    expect(() => lake.step(DOWN)).toThrow(new Error('FrozenLake.step: the episode has terminated; call reset() first'));
  });
});
