import { GridWorld, OneHotObservation } from '@tfrl/envs';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { qFromV } from '../tabular/greedy-policy.js';
import { valueIteration } from '../tabular/value-iteration.js';
import { onlineQLearning } from './online-q-learning.js';
import { useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

const GAMMA = 0.9;

describe('onlineQLearning', () => {
  it("learns value iteration's greedy policy on the one-hot GridWorld (no replay, no target net)", () => {
    const grid = new GridWorld();
    const { values } = valueIteration(grid, { gamma: GAMMA });
    const qStar = qFromV(grid, values, GAMMA);
    const result = onlineQLearning(new OneHotObservation(grid), { seed: 1, gamma: GAMMA });
    const disagreements: string[] = [];
    for (let state = 0; state < grid.numStates; state++) {
      if (grid.isTerminal(state) || state === grid.wall) continue;
      const row = qStar.subarray(state * 4, state * 4 + 4);
      const best = Math.max(...row);
      const observation = new Float32Array(12);
      observation[state] = 1;
      const action = result.greedyAction(observation);
      // Shortest paths tie (e.g. up or right from the start): any action of value V*(s) is optimal.
      if (row[action]! < best - 1e-9) disagreements.push(`state ${state}: action ${action} has q* ${row[action]!.toFixed(3)}, best ${best.toFixed(3)}`);
    }
    expect(disagreements).toEqual([]);
    expect(result.episodeReturns.slice(-20).every((r) => r === 1 || r === 0 || r === -1)).toBe(true);
    result.network.dispose();
  });

  it('leaks no tensors and validates its config', async () => {
    const env = new OneHotObservation(new GridWorld());
    await expectNoTensorLeak(() => onlineQLearning(env, { episodes: 2 }).network.dispose());
    expect(() => onlineQLearning(env, { gamma: 2 })).toThrow('onlineQLearning: gamma must be in [0, 1], got 2');
  });
});
