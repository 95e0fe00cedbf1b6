// Sutton & Barto Example 6.6 / Figure 6.4: on CliffWalking with ε = 0.1 and α = 0.5, SARSA learns
// the safe path and Q-learning the optimal one along the cliff edge, which makes Q-learning's
// online (ε-greedy) returns worse.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '@tfrl/core';
import { CliffWalking, makeEnv } from '@tfrl/envs';
import { expectedSarsa } from './expected-sarsa.js';
import { qLearning } from './q-learning.js';
import type { QTable } from './q-table.js';
import { sarsa } from './sarsa.js';
import type { TabularControlResult } from './tabular-config.js';

const CONFIG = { alpha: 0.5, epsilon: 0.1, gamma: 1, episodes: 500 };
const SEEDS = [0, 1, 2, 3];

/** The [row, col] cells the greedy policy of `q` walks through from the start (at most 50 steps). */
function greedyPath(q: QTable): [number, number][] {
  const env = new CliffWalking();
  let state = env.reset({ seed: 0 }).observation;
  const cells = [env.toRowCol(state)];
  for (let t = 0; t < 50 && state !== env.goal; t++) {
    state = env.step(q.argmax(state)).observation;
    cells.push(env.toRowCol(state));
  }
  return cells;
}

const lastHundredMean = (result: TabularControlResult): number => result.episodeReturns.subarray(400).reduce((a, b) => a + b, 0) / 100;

describe('SARSA vs Q-learning on CliffWalking (Sutton & Barto Figure 6.4)', () => {
  const runs = SEEDS.map((seed) => ({
    seed,
    sarsa: sarsa(makeEnv('CliffWalking-v1'), { ...CONFIG, seed }),
    qLearning: qLearning(makeEnv('CliffWalking-v1'), { ...CONFIG, seed }),
  }));

  it('SARSA\'s greedy path is the safe one: it climbs away from the cliff before crossing', () => {
    for (const run of runs) {
      const path = greedyPath(run.sarsa.q);
      expect(path.at(-1)).toEqual([3, 11]);
      // it leaves row 2 (next to the cliff) at once, crosses in the top rows, and comes down only in the last column
      expect(Math.min(...path.map(([row]) => row))).toBeLessThanOrEqual(1);
      expect(path.filter(([row, col]) => row === 2 && col > 0 && col < 11)).toEqual([]);
      expect(path.length - 1).toBeGreaterThan(13);
    }
  });

  it('Q-learning\'s greedy path is the optimal one along the cliff edge: return −13', () => {
    for (const run of runs) {
      const path = greedyPath(run.qLearning.q);
      expect(path).toEqual([[3, 0], ...Array.from({ length: 12 }, (_, col) => [2, col] as [number, number]), [3, 11]]);
      const greedy = evaluatePolicy(new CliffWalking(), run.qLearning.q.toPolicy(), { episodes: 1, maxStepsPerEpisode: 100 });
      expect(greedy.returns).toEqual([-13]);
    }
  });

  it('Q-learning\'s online returns are worse than SARSA\'s: it keeps falling off while exploring', () => {
    for (const run of runs) expect(lastHundredMean(run.qLearning)).toBeLessThan(lastHundredMean(run.sarsa));
    const mean = (key: 'sarsa' | 'qLearning') => runs.reduce((sum, run) => sum + lastHundredMean(run[key]), 0) / runs.length;
    // Figure 6.4 shows about −25 for SARSA and about −50 for Q-learning
    expect(mean('sarsa')).toBeGreaterThan(-35);
    expect(mean('qLearning')).toBeLessThan(-40);
  });

  it('Expected SARSA does at least as well online as SARSA (Figure 6.3, α = 0.5)', () => {
    const mean = (learn: typeof sarsa) => SEEDS.reduce((sum, seed) => sum + lastHundredMean(learn(new CliffWalking(), { ...CONFIG, seed })), 0) / SEEDS.length;
    expect(mean(expectedSarsa)).toBeGreaterThan(mean(sarsa));
  });
});
