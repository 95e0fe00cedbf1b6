// Behaviour every tabular learner shares: config checks, space checks, determinism, and
// bootstrapping on truncation but not on termination.
import { describe, expect, it } from 'vitest';
import { Box, Discrete, linearSchedule, type Env, type Space, type StepResult } from '@tfrl/core';
import { GridWorld } from '@tfrl/envs';
import { expectedSarsa } from './expected-sarsa.js';
import { monteCarloControl } from './monte-carlo-control.js';
import { nStepSarsa } from './n-step-sarsa.js';
import { nStepTdPrediction } from './n-step-td-prediction.js';
import { qLearning } from './q-learning.js';
import { sarsa } from './sarsa.js';
import { defaultTabularControlConfig, type NStepConfig, type TabularControlConfig } from './tabular-config.js';
import { td0Prediction } from './td0-prediction.js';

type Config = TabularControlConfig & NStepConfig;
/** Runs a learner and returns its table (Q or V) and its returns. */
type Learner = (env: Env<number, number>, config: Config) => { table: Float64Array; episodeReturns: Float64Array; episodeLengths: Int32Array };

const uniform = (env: Env<number, number>): Float64Array => {
  const actions = (env.actionSpace as Discrete).n;
  return new Float64Array((env.observationSpace as Discrete).n * actions).fill(1 / actions);
};

const control = (learn: (env: Env<number, number>, config: Config) => { q: { values: Float64Array }; episodeReturns: Float64Array; episodeLengths: Int32Array }): Learner =>
  (env, config) => {
    const { q, ...rest } = learn(env, config);
    return { table: q.values, ...rest };
  };
const prediction = (learn: typeof td0Prediction): Learner => (env, config) => {
  const { values, ...rest } = learn(env, uniform(env), config);
  return { table: values, ...rest };
};

const CONTROL: [string, Learner][] = [
  ['qLearning', control(qLearning)],
  ['sarsa', control(sarsa)],
  ['expectedSarsa', control(expectedSarsa)],
  ['nStepSarsa', control(nStepSarsa)],
  ['monteCarloControl', control(monteCarloControl)],
];
const PREDICTION: [string, Learner][] = [
  ['td0Prediction', prediction(td0Prediction)],
  ['nStepTdPrediction', prediction(nStepTdPrediction)],
];
const ALL = [...CONTROL, ...PREDICTION];

/** One state, one action, reward 1 a step; the episode ends after `length` steps, terminated or truncated. */
class Treadmill implements Env<number, number> {
  readonly observationSpace = new Discrete(1);
  readonly actionSpace = new Discrete(1);
  private t = 0;
  constructor(
    private readonly length: number,
    private readonly ending: 'terminated' | 'truncated',
  ) {}
  reset() {
    this.t = 0;
    return { observation: 0, info: {} };
  }
  step(): StepResult<number> {
    const end = ++this.t === this.length;
    return { observation: 0, reward: 1, terminated: end && this.ending === 'terminated', truncated: end && this.ending === 'truncated', info: {} };
  }
}

/** A deterministic chain: state 0 pays 0 and moves to 1, state 1 pays 1 and ends (in state 2), whatever the action. */
class Chain implements Env<number, number> {
  readonly observationSpace = new Discrete(3);
  readonly actionSpace = new Discrete(1);
  private state = 0;
  reset() {
    this.state = 0;
    return { observation: 0, info: {} };
  }
  step(): StepResult<number> {
    this.state++;
    return { observation: this.state, reward: this.state === 2 ? 1 : 0, terminated: this.state === 2, truncated: false, info: {} };
  }
}

/** GridWorld with other spaces, to check the space validation. */
const withSpaces = (observationSpace: Space<unknown>, actionSpace: Space<unknown>): Env<number, number> =>
  Object.assign(new GridWorld(), { observationSpace, actionSpace }) as unknown as Env<number, number>;

describe('tabular learners: shared behaviour', () => {
  it('default to α 0.1, γ 0.99, ε 0.1, 500 episodes, seed 0, 10 000 steps per episode', () => {
    expect(defaultTabularControlConfig).toEqual({ alpha: 0.1, gamma: 0.99, epsilon: 0.1, episodes: 500, seed: 0, maxStepsPerEpisode: 10_000 });
  });

  it.each(ALL)('%s rejects non-Discrete spaces with a TypeError naming the space', (name, learn) => {
    const box = new Box({ low: 0, high: 1, shape: [2] });
    expect(() => learn(withSpaces(box, new Discrete(4)), {})).toThrow(
      new TypeError(`${name}: env.observationSpace must be a Discrete space starting at 0, got Box(0, 1, [2], float32)`),
    );
    expect(() => learn(withSpaces(new Discrete(12, { start: 1 }), new Discrete(4)), {})).toThrow(
      new TypeError(`${name}: env.observationSpace must be a Discrete space starting at 0, got Discrete(12, start=1)`),
    );
    expect(() => learn(withSpaces(new Discrete(12), box), {})).toThrow(
      new TypeError(`${name}: env.actionSpace must be a Discrete space starting at 0, got Box(0, 1, [2], float32)`),
    );
  });

  it.each(ALL)('%s rejects out-of-range config fields with a RangeError naming the field', (name, learn) => {
    const env = new GridWorld();
    const bad: [Config, string][] = [
      [{ alpha: 0 }, 'alpha must be in (0, 1], got 0'],
      [{ alpha: 1.5 }, 'alpha must be in (0, 1], got 1.5'],
      [{ gamma: -0.1 }, 'gamma must be in [0, 1], got -0.1'],
      [{ gamma: NaN }, 'gamma must be in [0, 1], got NaN'],
      [{ episodes: 0 }, 'episodes must be an integer >= 1, got 0'],
      [{ seed: 0.5 }, 'seed must be an integer, got 0.5'],
      [{ maxStepsPerEpisode: 2.5 }, 'maxStepsPerEpisode must be an integer >= 1, got 2.5'],
    ];
    if (name.startsWith('nStep')) bad.push([{ n: 0 }, 'n must be an integer >= 1, got 0']);
    if (CONTROL.some(([control]) => control === name)) {
      bad.push([{ epsilon: 1.2 }, 'epsilon must be in [0, 1], got 1.2']);
      bad.push([{ epsilon: linearSchedule({ start: 2, end: 0 }), episodes: 2 }, 'epsilon schedule gave 2 at progress 0; epsilon must be in [0, 1]']);
    }
    for (const [config, message] of bad) expect(() => learn(env, config)).toThrow(new RangeError(`${name}: ${message}`));
  });

  it.each(ALL)('%s gives identical results for the same seed, different ones for another', (_name, learn) => {
    const run = (seed: number) => learn(new GridWorld({ slip: 0.2 }), { seed, episodes: 30, gamma: 0.9, alpha: 0.5, epsilon: 0.3 });
    const [a, b, c] = [run(7), run(7), run(8)];
    expect(Array.from(a.table)).toEqual(Array.from(b.table));
    expect(Array.from(a.episodeReturns)).toEqual(Array.from(b.episodeReturns));
    expect(Array.from(a.episodeLengths)).toEqual(Array.from(b.episodeLengths));
    expect(Array.from(a.episodeLengths)).not.toEqual(Array.from(c.episodeLengths));
    // one env used for two runs: the first reset reseeds it, so the runs agree
    const env = new GridWorld({ slip: 0.2 });
    const config = { seed: 3, episodes: 10, gamma: 0.9 };
    expect(Array.from(learn(env, config).episodeLengths)).toEqual(Array.from(learn(env, config).episodeLengths));
  });

  it.each(ALL)('%s bootstraps on truncation (V → 1 / (1 − γ) = 2) but not on termination (V → 1)', (_name, learn) => {
    const config = { gamma: 0.5, alpha: 0.5, episodes: 200, n: 2 };
    expect(learn(new Treadmill(1, 'truncated'), config).table[0]).toBeCloseTo(2, 6);
    expect(learn(new Treadmill(3, 'truncated'), config).table[0]).toBeCloseTo(2, 6);
    expect(learn(new Treadmill(Infinity, 'truncated'), { ...config, maxStepsPerEpisode: 2 }).table[0]).toBeCloseTo(2, 6);
    expect(learn(new Treadmill(1, 'terminated'), config).table[0]).toBeCloseTo(1, 6);
    const lengths = learn(new Treadmill(Infinity, 'truncated'), { ...config, episodes: 3, maxStepsPerEpisode: 5 }).episodeLengths;
    expect(Array.from(lengths)).toEqual([5, 5, 5]);
  });

  it.each(ALL.filter(([name]) => name !== 'monteCarloControl'))('%s makes the hand-computed TD updates on a two-step chain', (_name, learn) => {
    // Episode 1: Q(1) ← 0 + 0.5·(1 − 0) = 0.5, Q(0) ← 0 + 0.5·(0 + 0.9·0 − 0) = 0 (n = 1: one-step targets).
    // Episode 2: Q(0) ← 0 + 0.5·(0 + 0.9·0.5 − 0) = 0.225, Q(1) ← 0.5 + 0.5·(1 − 0.5) = 0.75.
    const { table, episodeReturns, episodeLengths } = learn(new Chain(), { gamma: 0.9, alpha: 0.5, episodes: 2, n: 1 });
    expect(Array.from(table)).toEqual([0.225, 0.75, 0]);
    expect(Array.from(episodeReturns)).toEqual([1, 1]);
    expect(Array.from(episodeLengths)).toEqual([2, 2]);
  });

  it('monteCarloControl averages whole returns on the chain: Q(0) = γ·1 = 0.9, Q(1) = 1 after one episode', () => {
    expect(Array.from(monteCarloControl(new Chain(), { gamma: 0.9, episodes: 1 }).q.values)).toEqual([0.9, 1, 0]);
    // a constant α instead of the sample average: 0.5·0.9 then 0.45 + 0.5·(0.9 − 0.45)
    expect(Array.from(monteCarloControl(new Chain(), { gamma: 0.9, alpha: 0.5, episodes: 2 }).q.values)).toEqual([0.675, 0.75, 0]);
  });
});
