import { describe, expect, it } from 'vitest';
import { CliffWalking } from './cliff-walking.js';

const UP = 0;
const RIGHT = 1;
const DOWN = 2;
const LEFT = 3;

describe('CliffWalking', () => {
  it('has the Gymnasium layout: 4 × 12, start (3,0), goal (3,11), cliff (3,1..10)', () => {
    const env = new CliffWalking();
    expect([env.numStates, env.numActions, env.observationSpace.n, env.actionSpace.n]).toEqual([48, 4, 48, 4]);
    expect(env.toRowCol(env.start)).toEqual([3, 0]);
    expect(env.toRowCol(env.goal)).toEqual([3, 11]);
    const cliff = Array.from({ length: 48 }, (_, s) => s).filter((s) => env.isCliff(s));
    expect(cliff.map((s) => env.toRowCol(s))).toEqual(Array.from({ length: 10 }, (_, i) => [3, i + 1]));
    expect(Array.from({ length: 48 }, (_, s) => s).filter((s) => env.isTerminal(s))).toEqual([env.goal]);
    expect(env.isSlippery).toBe(false);
  });

  it('costs −1 a step, −100 and back to the start for the cliff (no termination), and terminates at the goal', () => {
    const env = new CliffWalking();
    expect(env.transitions(36, UP)).toEqual([{ probability: 1, nextState: 24, reward: -1, terminated: false }]);
    expect(env.transitions(36, LEFT)).toEqual([{ probability: 1, nextState: 36, reward: -1, terminated: false }]);
    expect(env.transitions(36, DOWN)).toEqual([{ probability: 1, nextState: 36, reward: -1, terminated: false }]);
    expect(env.transitions(36, RIGHT)).toEqual([{ probability: 1, nextState: 36, reward: -100, terminated: false }]);
    expect(env.transitions(30, DOWN)).toEqual([{ probability: 1, nextState: 36, reward: -100, terminated: false }]);
    expect(env.transitions(35, DOWN)).toEqual([{ probability: 1, nextState: 47, reward: -1, terminated: true }]);
    expect(env.transitions(0, UP)).toEqual([{ probability: 1, nextState: 0, reward: -1, terminated: false }]);
    expect(env.transitions(env.goal, UP)).toEqual([]);
  });

  it('is_slippery: the intended move or a perpendicular one, 1/3 each', () => {
    const env = new CliffWalking({ isSlippery: true });
    expect(env.transitions(36, UP)).toEqual([
      { probability: 1 / 3, nextState: 36, reward: -1, terminated: false }, // left: off the grid
      { probability: 1 / 3, nextState: 24, reward: -1, terminated: false },
      { probability: 1 / 3, nextState: 36, reward: -100, terminated: false }, // right: the cliff
    ]);
    expect(env.transitions(13, RIGHT).map((o) => o.nextState)).toEqual([1, 14, 25]);
  });

  it('walks the optimal path along the cliff edge for a return of −13, then refuses to step', () => {
    const env = new CliffWalking();
    env.reset({ seed: 0 });
    let total = 0;
    const actions = [UP, ...Array<number>(11).fill(RIGHT), DOWN];
    const results = actions.map((a) => env.step(a));
    for (const r of results) total += r.reward;
    expect(total).toBe(-13);
    expect(results.map((r) => r.terminated)).toEqual([...Array<boolean>(12).fill(false), true]);
    expect(results.at(-1)!.observation).toBe(env.goal);
    expect(() => env.step(UP)).toThrow(new Error('CliffWalking.step: the episode has terminated; call reset() first'));
  });

  it('falling off the cliff during an episode sends the agent back to the start', () => {
    const env = new CliffWalking();
    env.reset();
    env.step(UP);
    env.step(RIGHT);
    expect(env.step(DOWN)).toEqual({ observation: 36, reward: -100, terminated: false, truncated: false, info: { probability: 1 } });
    expect(env.state).toBe(36);
  });

  it('renders the grid with the agent in brackets', () => {
    const env = new CliffWalking();
    env.reset({ seed: 0 });
    const free = Array<string>(3).fill(' .  .  .  .  .  .  .  .  .  .  .  .');
    expect(env.render()).toBe([...free, '[S] C  C  C  C  C  C  C  C  C  C  G'].join('\n'));
    env.step(UP);
    expect(env.render().split('\n')[2]).toBe('[.] .  .  .  .  .  .  .  .  .  .  .');
  });

  it('rejects bad options and misuse with messages naming the field, action or state', () => {
    expect(() => new CliffWalking({ isSlippery: 'yes' as unknown as boolean })).toThrow(
      new RangeError('CliffWalking: isSlippery must be a boolean, got yes'),
    );
    const env = new CliffWalking();
    expect(() => env.step(UP)).toThrow(new Error('CliffWalking.step: called before reset(); call reset() first'));
    env.reset();
    expect(() => env.step(7)).toThrow(new RangeError('CliffWalking.step: action 7 is not in Discrete(4)'));
    expect(() => env.transitions(48, 0)).toThrow(new RangeError('CliffWalking.transitions: state must be an integer in [0, 47], got 48'));
    expect(() => env.transitions(0, NaN)).toThrow(new RangeError('CliffWalking.transitions: action NaN is not in Discrete(4)'));
    expect(() => env.isTerminal(48)).toThrow(new RangeError('CliffWalking.isTerminal: state must be an integer in [0, 47], got 48'));
    expect(() => env.toRowCol(-1)).toThrow(new RangeError('CliffWalking.toRowCol: state must be an integer in [0, 47], got -1'));
    expect(() => env.fromRowCol(4, 0)).toThrow(new RangeError('CliffWalking.fromRowCol: row must be an integer in [0, 3], got 4'));
    expect(() => env.fromRowCol(0, 12)).toThrow(new RangeError('CliffWalking.fromRowCol: col must be an integer in [0, 11], got 12'));
  });
});
