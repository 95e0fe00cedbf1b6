import * as tf from '@tensorflow/tfjs-core';
import type { ActOptions, Callback, Checkpoint, CheckpointStore, Policy, TrainReport } from '@tfrl/core';
import { DQN, defaultDqnConfig, dqnConfig, rainbow } from '@tfrl/value-based';

/** What the command and the page need of an agent: every tfrl agent class has this shape. */
export interface CliAgent {
  readonly steps: number;
  readonly updates: number;
  learn(options: { env: never; totalSteps: number; callbacks?: readonly Callback[]; continueRun?: boolean | 'new-episodes' }): Promise<TrainReport>;
  act(observation: Float32Array, options?: ActOptions): unknown;
  save(target: string | CheckpointStore): Promise<void>;
  toCheckpoint(): Checkpoint;
  dispose(): void;
}

/** One algorithm the command and the page can train. */
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
  /** The agent a checkpoint holds; throws a CheckpointError when it is not one of this algorithm. */
  fromCheckpoint(cp: Checkpoint): CliAgent;
  /** V(s) or max_a Q(s, a) of one observation, for the page's value heat-map. */
  stateValue?(agent: CliAgent, observation: Float32Array): number;
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
  fromCheckpoint: (cp) => asAgent(DQN.fromCheckpoint(cp)),
  stateValue: (agent, observation) => {
    const network = (agent as unknown as DQN).network;
    if (network === null) return Number.NaN;
    return readScalar(() => tf.max(network.qValues(tf.tensor2d(observation, [1, observation.length]))) as tf.Scalar);
  },
};

/** The value of a scalar computed in tf.tidy. */
function readScalar(f: () => tf.Scalar): number {
  const scalar = tf.tidy(f);
  const value = scalar.dataSync()[0]!;
  scalar.dispose();
  return value;
}

/** Every algorithm `tfrl train` and the page know, by name. */
export const ALGORITHM_TABLE: Readonly<Record<string, AlgorithmEntry>> = Object.fromEntries([dqn].map((entry) => [entry.name, entry]));

export const ALGORITHMS: readonly string[] = Object.keys(ALGORITHM_TABLE);
