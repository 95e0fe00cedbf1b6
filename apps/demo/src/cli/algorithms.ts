import type { ActOptions, Callback, Policy, TrainReport } from '@tfrl/core';
import { DQN, defaultDqnConfig, dqnConfig, rainbow } from '@tfrl/value-based';

/** What the command needs of an agent: every tfrl agent class has this shape. */
export interface CliAgent {
  readonly steps: number;
  readonly updates: number;
  learn(options: { env: never; totalSteps: number; callbacks?: readonly Callback[]; continueRun?: boolean | 'new-episodes' }): Promise<TrainReport>;
  act(observation: Float32Array, options?: ActOptions): unknown;
  save(dir: string): Promise<void>;
  dispose(): void;
}

/** One algorithm the command can train. */
export interface AlgorithmEntry {
  readonly name: string;
  /** One line for `tfrl help`. */
  readonly summary: string;
  /** Action spaces it trains on. */
  readonly actions: readonly ('discrete' | 'box')[];
  /** Named starting configs; the first is the default. */
  readonly presets: readonly string[];
  /** The default config: field names and types for `--set`. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** A new agent; throws a RangeError naming a bad config field. */
  create(config: Record<string, unknown>, preset: string): CliAgent;
  load(dir: string): Promise<CliAgent>;
  /** The policy evaluation runs (default: the agent itself). */
  evaluationPolicy?(agent: CliAgent): Policy<Float32Array, unknown>;
}

const asAgent = (agent: unknown): CliAgent => agent as CliAgent;

const dqn: AlgorithmEntry = {
  name: 'dqn',
  summary: 'Deep Q-Network (Double DQN by default; --preset rainbow for Rainbow)',
  actions: ['discrete'],
  presets: ['default', 'rainbow'],
  defaults: defaultDqnConfig as unknown as Record<string, unknown>,
  create: (config, preset) => asAgent(new DQN(preset === 'rainbow' ? rainbow(config) : dqnConfig(config))),
  load: async (dir) => asAgent(await DQN.load(dir)),
};

/** Every algorithm `tfrl train` knows, by name. */
export const ALGORITHM_TABLE: Readonly<Record<string, AlgorithmEntry>> = Object.fromEntries([dqn].map((entry) => [entry.name, entry]));

export const ALGORITHMS: readonly string[] = Object.keys(ALGORITHM_TABLE);
