import * as tf from '@tensorflow/tfjs-core';
import type { ActOptions, Callback, Checkpoint, CheckpointStore, Policy, TrainReport } from '@tfrl/core';
import {
  A2C,
  A3C,
  ActorCriticAgent,
  RecurrentPPO,
  Reinforce,
  actorCriticAgentConfig,
  defaultActorCriticAgentConfig,
  defaultRecurrentPpoConfig,
  defaultReinforceConfig,
  recurrentPpoConfig,
  reinforceConfig,
  a3cConfig,
  defaultA3cConfig,
  DDPG,
  OffPolicyActorCritic,
  PPO,
  SAC,
  TD3,
  TRPO,
  a2cConfig,
  ddpgConfig,
  defaultA2cConfig,
  defaultDdpgConfig,
  defaultTd3Config,
  defaultTrpoConfig,
  defaultOffPolicyAcConfig,
  defaultPpoConfig,
  defaultSacConfig,
  npgConfig,
  offPolicyAcConfig,
  ppoConfig,
  sacConfig,
  td3Config,
  trpoConfig,
} from '@tfrl/policy-gradient';
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
  /** Sub-envs it trains on by default (a SyncVectorEnv when > 1). */
  readonly numEnvs: number;
  /** The default config: field names and types for `--set`. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** A new agent; throws a RangeError naming a bad config field. */
  create(config: Record<string, unknown>, preset: string): CliAgent;
  /** The agent a checkpoint holds; throws a CheckpointError when it is not one of this algorithm. */
  fromCheckpoint(cp: Checkpoint): CliAgent;
  /** What `learn` takes as its env, when not an env object (A3C: a module its workers import). */
  trainEnv?(envId: string): unknown;
  /** Further options of `learn` (A3C: the worker script, when TFRL_A3C_WORKER names one). */
  learnOptions?(): Record<string, unknown>;
  /** Needs Node (worker threads): not offered by the page. */
  readonly nodeOnly?: boolean;
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
  numEnvs: 1,
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

type Defaults = Readonly<Record<string, unknown>>;

/** An entry for an agent class of @tfrl/policy-gradient. */
function policyGradient(
  name: string,
  summary: string,
  actions: AlgorithmEntry['actions'],
  numEnvs: number,
  defaults: object,
  create: (config: Record<string, unknown>, preset: string) => unknown,
  fromCheckpoint: (cp: Checkpoint) => unknown,
  presets: readonly string[] = ['default'],
): AlgorithmEntry {
  return {
    name,
    summary,
    actions,
    presets,
    numEnvs,
    defaults: defaults as Defaults,
    create: (config, preset) => asAgent(create(config, preset)),
    fromCheckpoint: (cp) => asAgent(fromCheckpoint(cp)),
  };
}

const reinforce = policyGradient(
  'reinforce',
  'REINFORCE (reward-to-go, learned value baseline by default; 4 envs)',
  ['discrete', 'box'],
  4,
  defaultReinforceConfig,
  (c) => new Reinforce(reinforceConfig(c)),
  (cp) => Reinforce.fromCheckpoint(cp),
);
const actorCritic = policyGradient(
  'actor-critic',
  'One-step actor-critic (TD error as the advantage; 8 envs)',
  ['discrete', 'box'],
  8,
  defaultActorCriticAgentConfig,
  (c) => new ActorCriticAgent(actorCriticAgentConfig(c)),
  (cp) => ActorCriticAgent.fromCheckpoint(cp),
);
const recurrentPpo = policyGradient(
  'recurrent-ppo',
  'PPO with a GRU policy and value, for partially observed envs (8 envs)',
  ['discrete', 'box'],
  8,
  defaultRecurrentPpoConfig,
  (c) => new RecurrentPPO(recurrentPpoConfig(c)),
  (cp) => RecurrentPPO.fromCheckpoint(cp),
);
const a2c = policyGradient('a2c', 'Advantage Actor-Critic, synchronous (8 envs)', ['discrete', 'box'], 8, defaultA2cConfig, (c) => new A2C(a2cConfig(c)), (cp) => A2C.fromCheckpoint(cp));
const trpo = policyGradient(
  'trpo',
  'Trust Region Policy Optimization (--preset npg: natural policy gradient)',
  ['discrete', 'box'],
  8,
  defaultTrpoConfig,
  (c, preset) => new TRPO(preset === 'npg' ? npgConfig(c) : trpoConfig(c)),
  (cp) => TRPO.fromCheckpoint(cp),
  ['default', 'npg'],
);
const ppo = policyGradient('ppo', 'Proximal Policy Optimization (8 envs)', ['discrete', 'box'], 8, defaultPpoConfig, (c) => new PPO(ppoConfig(c)), (cp) => PPO.fromCheckpoint(cp));
const sac = policyGradient('sac', 'Soft Actor-Critic with automatic entropy tuning', ['box'], 1, defaultSacConfig, (c) => new SAC(sacConfig(c)), (cp) => SAC.fromCheckpoint(cp));
const offPolicyAc = policyGradient(
  'off-policy-ac',
  'Off-policy actor-critic (Q from replay, actions sampled fresh from the policy)',
  ['box'],
  1,
  defaultOffPolicyAcConfig,
  (c) => new OffPolicyActorCritic(offPolicyAcConfig(c)),
  (cp) => OffPolicyActorCritic.fromCheckpoint(cp),
);
const td3 = policyGradient('td3', 'Twin Delayed DDPG', ['box'], 1, defaultTd3Config, (c) => new TD3(td3Config(c)), (cp) => TD3.fromCheckpoint(cp));
const ddpg = policyGradient('ddpg', 'Deep Deterministic Policy Gradient', ['box'], 1, defaultDdpgConfig, (c) => new DDPG(ddpgConfig(c)), (cp) => DDPG.fromCheckpoint(cp));

const a3c: AlgorithmEntry = {
  ...policyGradient('a3c', 'Asynchronous Advantage Actor-Critic (worker threads; --set numWorkers=N)', ['discrete', 'box'], 1, defaultA3cConfig, (c) => new A3C(a3cConfig(c)), (cp) => A3C.fromCheckpoint(cp)),
  // Each worker thread builds its own env from this module (beside src/ and dist/).
  trainEnv: (envId) => ({ module: new URL('../a3c-env.mjs', import.meta.url), export: 'registered', options: { id: envId } }),
  learnOptions: () => {
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
    const worker = env?.['TFRL_A3C_WORKER'];
    return worker === undefined || worker === '' ? {} : { workerUrl: worker };
  },
  nodeOnly: true,
};

/** Every algorithm `tfrl train` and the page know, by name. */
export const ALGORITHM_TABLE: Readonly<Record<string, AlgorithmEntry>> = Object.fromEntries(
  [dqn, reinforce, actorCritic, a2c, a3c, ppo, trpo, recurrentPpo, sac, td3, ddpg, offPolicyAc].map((entry) => [entry.name, entry]),
);

export const ALGORITHMS: readonly string[] = Object.keys(ALGORITHM_TABLE);
