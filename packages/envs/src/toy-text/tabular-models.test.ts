import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, type Env, type TabularModel } from '@tfrl/core';
import { describeEnvContract } from '@tfrl/testing';
import { CliffWalking, FrozenLake, GridWorld } from './index.js';

type TabularEnv = Env<number, number> & TabularModel;

const variants: [string, () => TabularEnv][] = [
  ['GridWorld', () => new GridWorld()],
  ['GridWorld slip 0.2', () => new GridWorld({ slip: 0.2 })],
  ['GridWorld bomb does not terminate, slip 0.3', () => new GridWorld({ slip: 0.3, bombTerminates: false })],
  ['CliffWalking', () => new CliffWalking()],
  ['CliffWalking slippery', () => new CliffWalking({ isSlippery: true })],
  ['FrozenLake 4x4 slippery', () => new FrozenLake()],
  ['FrozenLake 4x4 not slippery', () => new FrozenLake({ isSlippery: false })],
  ['FrozenLake 8x8 slippery', () => new FrozenLake({ mapName: '8x8' })],
];

/** Test-local value iteration over the TabularModel interface: V and the greedy action per state. */
function valueIteration(model: TabularModel, gamma: number, tolerance = 1e-12): { values: Float64Array; greedy: Int32Array } {
  const values = new Float64Array(model.numStates);
  const greedy = new Int32Array(model.numStates).fill(-1);
  for (let delta = Infinity; delta > tolerance; ) {
    delta = 0;
    for (let s = 0; s < model.numStates; s++) {
      if (model.isTerminal(s)) continue;
      let best = -Infinity;
      for (let a = 0; a < model.numActions; a++) {
        let q = 0;
        for (const o of model.transitions(s, a)) q += o.probability * (o.reward + (o.terminated ? 0 : gamma * values[o.nextState]!));
        if (q > best + 1e-12) [best, greedy[s]] = [q, a];
      }
      delta = Math.max(delta, Math.abs(best - values[s]!));
      values[s] = best;
    }
  }
  return { values, greedy };
}

/** Checks that a model's outcome lists are well formed: probabilities in (0, 1] summing to 1, states in range. */
function modelViolations(model: TabularModel): string[] {
  const violations: string[] = [];
  for (let s = 0; s < model.numStates; s++) {
    for (let a = 0; a < model.numActions; a++) {
      const outcomes = model.transitions(s, a);
      if (model.isTerminal(s)) {
        if (outcomes.length > 0) violations.push(`terminal state ${s} has outcomes for action ${a}`);
        continue;
      }
      const total = outcomes.reduce((sum, o) => sum + o.probability, 0);
      if (Math.abs(total - 1) > 1e-12) violations.push(`(${s}, ${a}) sums to ${total}`);
      for (const o of outcomes) {
        if (!(o.probability > 0 && o.probability <= 1)) violations.push(`(${s}, ${a}) has probability ${o.probability}`);
        if (!(Number.isInteger(o.nextState) && o.nextState >= 0 && o.nextState < model.numStates)) {
          violations.push(`(${s}, ${a}) leads to ${o.nextState}`);
        }
        if (o.terminated !== model.isTerminal(o.nextState)) violations.push(`(${s}, ${a}) → ${o.nextState}: terminated flag disagrees with isTerminal`);
      }
    }
  }
  return violations;
}

describe.each(variants)('%s', (name, make) => {
  it('every non-terminal (state, action) has outcomes summing to 1; terminal states have none', () => {
    const env = make();
    expect(modelViolations(env)).toEqual([]);
    const terminal = Array.from({ length: env.numStates }, (_, s) => s).filter((s) => env.isTerminal(s));
    expect(terminal.length).toBeGreaterThan(0);
  });

  it('step samples the model: every step is one of its outcomes, at the model frequencies', () => {
    const env = make();
    const rng = Rng.fromSeed(7);
    const counts = new Map<string, number>(); // `${s},${a},${outcome index}`
    const visits = new Map<string, number>(); // `${s},${a}`
    const mismatches: string[] = [];
    let state = env.reset({ seed: 11 }).observation;
    for (let t = 0; t < 200_000; t++) {
      const action = rng.int(env.numActions);
      const { observation, reward, terminated, info } = env.step(action);
      const outcomes = env.transitions(state, action);
      const i = outcomes.findIndex((o) => o.nextState === observation && o.reward === reward && o.terminated === terminated);
      if (i < 0 || info['probability'] !== outcomes[i]!.probability || Object.keys(info).length !== 1) {
        mismatches.push(`step (${state}, ${action}) → ${observation}, ${reward}, ${terminated}, ${JSON.stringify(info)}`);
        if (mismatches.length >= 10) break;
      }
      counts.set(`${state},${action},${i}`, (counts.get(`${state},${action},${i}`) ?? 0) + 1);
      visits.set(`${state},${action}`, (visits.get(`${state},${action}`) ?? 0) + 1);
      state = terminated ? env.reset().observation : observation;
    }
    expect(mismatches).toEqual([]);
    let checked = 0;
    for (const [key, n] of visits) {
      if (n < 500) continue;
      const [s, a] = key.split(',').map(Number) as [number, number];
      env.transitions(s, a).forEach((o, i) => {
        const frequency = (counts.get(`${s},${a},${i}`) ?? 0) / n;
        const sigma = Math.sqrt((o.probability * (1 - o.probability)) / n);
        expect(Math.abs(frequency - o.probability), `(${s}, ${a}) → outcome ${i}`).toBeLessThanOrEqual(5 * sigma + 1e-9);
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  describeEnvContract(name, make, { maxSteps: 2000 });
});

describe('models of random configurations', () => {
  const arbitraryMap = fc
    .record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 2, max: 6 }) })
    .chain(({ rows, cols }) =>
      fc.record({
        cells: fc.array(fc.constantFrom('F', 'F', 'H', 'G'), { minLength: rows * cols, maxLength: rows * cols }),
        start: fc.integer({ min: 0, max: rows * cols - 1 }),
        goalOffset: fc.integer({ min: 1, max: rows * cols - 1 }),
        cols: fc.constant(cols),
      }),
    )
    .map(({ cells, start, goalOffset, cols }) => {
      const letters: string[] = [...cells];
      letters[start] = 'S';
      letters[(start + goalOffset) % letters.length] = 'G';
      return Array.from({ length: letters.length / cols }, (_, r) => letters.slice(r * cols, (r + 1) * cols).join(''));
    });

  it('FrozenLake: any valid map, slipperiness and success rate gives a well-formed model', () => {
    fc.assert(
      fc.property(arbitraryMap, fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (desc, isSlippery, successRate) => {
        const env = new FrozenLake({ desc, isSlippery, successRate });
        expect(modelViolations(env)).toEqual([]);
        expect(env.render().replace(/[\s[\]]/g, '')).toBe(desc.join(''));
      }),
    );
  });

  it('GridWorld and CliffWalking: any slip gives a well-formed model', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (slip, bombTerminates) => {
        expect(modelViolations(new GridWorld({ slip, bombTerminates }))).toEqual([]);
      }),
    );
    expect(modelViolations(new CliffWalking({ isSlippery: true }))).toEqual([]);
  });
});

describe('value iteration on the models', () => {
  it('GridWorld (γ = 0.9, deterministic): the greedy policy walks up/right from the start to the goal, avoiding the bomb', () => {
    const env = new GridWorld();
    const { values, greedy } = valueIteration(env, 0.9);
    let { observation: state } = env.reset({ seed: 0 });
    const path = [state];
    let totalReward = 0;
    for (let done = false; !done; ) {
      const action = greedy[state]!;
      expect([0, 3]).toContain(action); // up or right
      const step = env.step(action);
      [state, done] = [step.observation, step.terminated];
      totalReward += step.reward;
      path.push(state);
    }
    expect(state).toBe(env.goal);
    expect(path).not.toContain(env.bomb);
    expect(path).toHaveLength(6); // 5 moves, the shortest way round the wall
    expect(totalReward).toBe(1);
    expect(values[env.start]).toBeCloseTo(0.9 ** 4, 12);
  });

  it('FrozenLake 4x4 slippery (γ = 0.99): the optimal value of the start state is about 0.542', () => {
    const env = new FrozenLake();
    const { values } = valueIteration(env, 0.99);
    expect(Math.abs(values[env.start]! - 0.542)).toBeLessThan(0.01);
  });

  it('CliffWalking (γ = 1, deterministic): the optimal return from the start is −13, along the cliff edge', () => {
    const env = new CliffWalking();
    const { values } = valueIteration(env, 1);
    expect(values[env.start]).toBe(-13);
  });
});
