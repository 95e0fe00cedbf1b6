import { describe, expect, it } from 'vitest';
import { GridWorld } from './grid-world.js';

const UP = 0;
const DOWN = 1;
const LEFT = 2;
const RIGHT = 3;

describe('GridWorld', () => {
  it('has the book layout: 3 × 4, start (2,0), goal (0,3), bomb (1,3), wall (1,1)', () => {
    const env = new GridWorld();
    expect([env.numStates, env.numActions, env.observationSpace.n, env.actionSpace.n]).toEqual([12, 4, 12, 4]);
    expect(env.toRowCol(env.start)).toEqual([2, 0]);
    expect(env.toRowCol(env.goal)).toEqual([0, 3]);
    expect(env.toRowCol(env.bomb)).toEqual([1, 3]);
    expect(env.toRowCol(env.wall)).toEqual([1, 1]);
    expect(env.fromRowCol(2, 3)).toBe(11);
    for (let s = 0; s < 12; s++) expect(env.fromRowCol(...env.toRowCol(s))).toBe(s);
    expect(env.isTerminal(env.goal)).toBe(true);
    expect(env.isTerminal(env.bomb)).toBe(true);
    expect(env.isTerminal(env.start)).toBe(false);
    expect(env.isTerminal(env.wall)).toBe(false);
    expect([env.slip, env.bombTerminates]).toEqual([0, true]);
  });

  it('moves deterministically, stays put at the edges and the wall, and rewards goal and bomb', () => {
    const env = new GridWorld();
    const only = (state: number, action: number) => {
      const outcomes = env.transitions(state, action);
      expect(outcomes).toHaveLength(1);
      return outcomes[0];
    };
    expect(only(8, UP)).toEqual({ probability: 1, nextState: 4, reward: 0, terminated: false });
    expect(only(8, RIGHT)).toEqual({ probability: 1, nextState: 9, reward: 0, terminated: false });
    expect(only(8, DOWN)).toEqual({ probability: 1, nextState: 8, reward: 0, terminated: false });
    expect(only(8, LEFT)).toEqual({ probability: 1, nextState: 8, reward: 0, terminated: false });
    expect(only(4, RIGHT)).toEqual({ probability: 1, nextState: 4, reward: 0, terminated: false }); // into the wall
    expect(only(9, UP)).toEqual({ probability: 1, nextState: 9, reward: 0, terminated: false }); // into the wall
    expect(only(2, RIGHT)).toEqual({ probability: 1, nextState: 3, reward: 1, terminated: true });
    expect(only(6, RIGHT)).toEqual({ probability: 1, nextState: 7, reward: -1, terminated: true });
    expect(only(11, UP)).toEqual({ probability: 1, nextState: 7, reward: -1, terminated: true });
    expect(env.transitions(env.goal, UP)).toEqual([]);
  });

  it('slips to the perpendicular directions with slip / 2 each, merging moves that stay put', () => {
    const env = new GridWorld({ slip: 0.2 });
    expect(env.transitions(8, UP)).toEqual([
      { probability: 0.8, nextState: 4, reward: 0, terminated: false },
      { probability: 0.1, nextState: 8, reward: 0, terminated: false },
      { probability: 0.1, nextState: 9, reward: 0, terminated: false },
    ]);
    const stay = env.transitions(8, LEFT);
    expect(stay.map((o) => o.nextState)).toEqual([8, 4]);
    expect(stay[0]!.probability).toBeCloseTo(0.9, 15);
    expect(stay[1]!.probability).toBeCloseTo(0.1, 15);
    expect(new GridWorld({ slip: 1 }).transitions(8, UP).map((o) => [o.nextState, o.probability])).toEqual([
      [8, 0.5],
      [9, 0.5],
    ]);
  });

  it('bombTerminates: false keeps the episode going after the −1 (the "from scratch" book dynamics)', () => {
    const env = new GridWorld({ bombTerminates: false });
    expect(env.isTerminal(env.bomb)).toBe(false);
    expect(env.transitions(6, RIGHT)).toEqual([{ probability: 1, nextState: 7, reward: -1, terminated: false }]);
    expect(env.transitions(env.bomb, RIGHT)).toEqual([{ probability: 1, nextState: 7, reward: -1, terminated: false }]);
    expect(env.transitions(env.bomb, UP)).toEqual([{ probability: 1, nextState: 3, reward: 1, terminated: true }]);
  });

  it('runs an episode: up, up, right, right, right reaches the goal; info carries the probability', () => {
    const env = new GridWorld();
    expect(env.state).toBe(-1);
    expect(env.reset({ seed: 3 })).toEqual({ observation: 8, info: { probability: 1 } });
    const steps = [UP, UP, RIGHT, RIGHT, RIGHT].map((a) => env.step(a));
    expect(steps.map((s) => s.observation)).toEqual([4, 0, 1, 2, 3]);
    expect(steps.map((s) => s.reward)).toEqual([0, 0, 0, 0, 1]);
    expect(steps.map((s) => s.terminated)).toEqual([false, false, false, false, true]);
    expect(steps.every((s) => s.truncated === false)).toBe(true);
    expect(steps[4]!.info).toEqual({ probability: 1 });
    expect(env.state).toBe(3);
  });

  it('renders the grid with the agent in brackets', () => {
    const env = new GridWorld();
    expect(env.render()).toBe([' .  .  .  G', ' .  #  .  B', ' S  .  .  .'].join('\n'));
    env.reset({ seed: 0 });
    expect(env.render()).toBe([' .  .  .  G', ' .  #  .  B', '[S] .  .  .'].join('\n'));
    env.step(UP);
    expect(env.render()).toBe([' .  .  .  G', '[.] #  .  B', ' S  .  .  .'].join('\n'));
  });

  it('rejects bad options, naming the field', () => {
    expect(() => new GridWorld({ slip: -0.1 })).toThrow(new RangeError('GridWorld: slip must be in [0, 1], got -0.1'));
    expect(() => new GridWorld({ slip: 1.5 })).toThrow(new RangeError('GridWorld: slip must be in [0, 1], got 1.5'));
    expect(() => new GridWorld({ slip: NaN })).toThrow(new RangeError('GridWorld: slip must be in [0, 1], got NaN'));
    expect(() => new GridWorld({ bombTerminates: 1 as unknown as boolean })).toThrow(
      new RangeError('GridWorld: bombTerminates must be a boolean, got 1'),
    );
  });

  it('throws on step before reset, after termination, and on actions outside Discrete(4)', () => {
    const env = new GridWorld();
    expect(() => env.step(UP)).toThrow(new Error('GridWorld.step: called before reset(); call reset() first'));
    env.reset();
    expect(() => env.step(4)).toThrow(new RangeError('GridWorld.step: action 4 is not in Discrete(4)'));
    expect(() => env.step(-1)).toThrow(RangeError);
    expect(() => env.step(1.5)).toThrow(new RangeError('GridWorld.step: action 1.5 is not in Discrete(4)'));
    for (const a of [UP, UP, RIGHT, RIGHT, RIGHT]) env.step(a);
    expect(() => env.step(UP)).toThrow(new Error('GridWorld.step: the episode has terminated; call reset() first'));
    expect(env.reset().observation).toBe(env.start);
  });

  it('throws on states, actions and cells outside the grid in the model and helpers', () => {
    const env = new GridWorld();
    expect(() => env.transitions(12, 0)).toThrow(new RangeError('GridWorld.transitions: state must be an integer in [0, 11], got 12'));
    expect(() => env.transitions(0, 4)).toThrow(new RangeError('GridWorld.transitions: action 4 is not in Discrete(4)'));
    expect(() => env.isTerminal(-1)).toThrow(new RangeError('GridWorld.isTerminal: state must be an integer in [0, 11], got -1'));
    expect(() => env.toRowCol(0.5)).toThrow(new RangeError('GridWorld.toRowCol: state must be an integer in [0, 11], got 0.5'));
    expect(() => env.fromRowCol(3, 0)).toThrow(new RangeError('GridWorld.fromRowCol: row must be an integer in [0, 2], got 3'));
    expect(() => env.fromRowCol(0, 4)).toThrow(new RangeError('GridWorld.fromRowCol: col must be an integer in [0, 3], got 4'));
  });

  it('reset({ seed }) reseeds: the same seed gives the same slippery trajectory, before any seed Rng.fromSeed(0)', () => {
    const run = (env: GridWorld, seed?: number) => {
      env.reset(seed === undefined ? {} : { seed });
      const observations: number[] = [];
      for (let t = 0; t < 30; t++) {
        const { observation, terminated } = env.step(t % 2 === 0 ? RIGHT : UP);
        observations.push(observation);
        if (terminated) env.reset();
      }
      return observations;
    };
    expect(run(new GridWorld({ slip: 0.5 }), 5)).toEqual(run(new GridWorld({ slip: 0.5 }), 5));
    expect(run(new GridWorld({ slip: 0.5 }))).toEqual(run(new GridWorld({ slip: 0.5 }), 0));
    expect(run(new GridWorld({ slip: 0.5 }), 5)).not.toEqual(run(new GridWorld({ slip: 0.5 }), 6));
  });
});
