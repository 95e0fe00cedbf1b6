import {
  CallbackRunner,
  CheckpointError,
  Rng,
  asVectorEnv,
  type ActOptions,
  type Checkpoint,
  type CheckpointStore,
  type JsonObject,
  type Metrics,
  type TrainReport,
  type TrainingState,
  type VectorEnv,
} from '@tfrl/core';
import { RolloutBuffer } from '@tfrl/replay';
import {
  ActorCritic,
  AgentCheckpoint,
  Collection,
  actionSize,
  actionSpec,
  actionSpecToJSON,
  resolveStore,
  restoreOptimizer,
  toEnvActions,
  writeAgentCheckpoint,
  type ActionSpec,
  type PolicyGradientAgent,
  type PolicyGradientLearnOptions,
} from '../common/index.js';
import { trpoConfig, validateTrpoConfig, type TrpoConfig } from './config.js';
import { TrpoLearner } from './learner.js';
import { checkTotalSteps, finishRun, runStart, saveCheckpoint, trainingState } from '../common/training.js';
import { assertSameModel, readModelSpec } from '../common/model-spec.js';

/** `algorithm` of TRPO (and NPG) checkpoints. */
export const TRPO_ALGORITHM = 'trpo';

/** What the networks are built for: taken from the env on the first `learn`. */
interface TrpoModelSpec {
  readonly observationSize: number;
  readonly action: ActionSpec;
}

interface TrpoModel {
  readonly spec: TrpoModelSpec;
  readonly policy: ActorCritic;
  readonly learner: TrpoLearner;
}

/** A rollout in progress: the episodes (Collection), the buffer and V(final observation) of truncated rows. */
interface TrpoRun {
  readonly collection: Collection;
  readonly buffer: RolloutBuffer;
  /** [nSteps × numEnvs]: V(final observation) where a row was truncated (same-step autoreset), else NaN. */
  readonly truncatedNextValues: Float32Array;
}

interface TrpoCounters {
  steps: number;
  episodes: number;
}

const COUNTERS = ['steps', 'episodes', 'updates'] as const;

/**
 * Trust Region Policy Optimization (Schulman et al. 2015), as sb3-contrib's TRPO: on-policy
 * rollouts of `nSteps` per sub-env with GAE; per rollout one natural-gradient step of the policy
 * (CG on Fisher-vector products, step √(2δ/sᵀFs)·s, backtracking line search on the surrogate
 * under the KL bound δ = `maxKl`) and `valueEpochs` epochs of Adam on a separate value network.
 * With `lineSearch: false` (see `npgConfig`) it is the natural policy gradient (Kakade 2002).
 * Discrete (categorical) and Box (diagonal Gaussian) actions. Everything random draws from one
 * Rng seeded by `config.seed`; a checkpoint holds everything, also mid-rollout, so a resumed run
 * continues bit for bit.
 */
export class TRPO implements PolicyGradientAgent {
  readonly algorithm = TRPO_ALGORITHM;
  readonly config: TrpoConfig;
  private readonly rng: Rng;
  private model: TrpoModel | null = null;
  private run: TrpoRun | null = null;
  private counters: TrpoCounters = { steps: 0, episodes: 0 };

  /** Fields not given take `defaultTrpoConfig`'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<TrpoConfig> = {}) {
    this.config = trpoConfig(config);
    this.rng = Rng.fromSeed(this.config.seed);
  }

  get steps(): number {
    return this.counters.steps;
  }

  /** Policy updates (one per rollout) over all runs. */
  get updates(): number {
    return this.model?.learner.updates ?? 0;
  }

  /** The policy and value networks (null before the first `learn` or `load`). */
  get network(): ActorCritic | null {
    return this.model?.policy ?? null;
  }

  /**
   * The TRPO loop: fill a rollout acting on every sub-env at once; when it is full, compute GAE,
   * take the trust-region policy step and fit the value function; until `totalSteps` more env
   * steps. Callbacks see every vector step and every update (with its metrics).
   */
  async learn(options: PolicyGradientLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps('TRPO', totalSteps);
    const env = asVectorEnv(options.env as Parameters<typeof asVectorEnv>[0]) as VectorEnv<unknown, unknown>;
    const model = this.ensureModel(modelSpecOf(env));
    const run = await this.startRun(env, continueRun);
    const { counters } = this;
    const runEnd = counters.steps + totalSteps;
    const first = runStart(counters, this.updates);
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (!runner.stopRequested) {
      if (run.buffer.full) {
        await runner.rolloutEnd(this.trainingState());
        await runner.update(this.trainingState(), this.train(model, run));
        continue;
      }
      if (counters.steps >= runEnd) break;
      await this.collectStep(env, model, run);
      if (runner.hasStepHooks) await runner.step(this.trainingState());
    }
    return finishRun(runner, first, this.trainingState());
  }

  /** The env action for one observation: the mode with `deterministic`, else a sample from π. */
  act(observation: Float32Array, options: ActOptions = {}): number | Float32Array {
    const { policy, spec } = this.requireModel('act');
    if (observation.length !== spec.observationSize) {
      throw new RangeError(`TRPO.act: observation has ${observation.length} values, expected ${spec.observationSize}`);
    }
    const { actions } = policy.act(observation, this.rng, options.deterministic ?? false);
    const envActions = toEnvActions(spec.action, actions);
    return spec.action.kind === 'discrete' ? envActions[0]! : (envActions as Float32Array);
  }

  async save(target: string | CheckpointStore): Promise<void> {
    await saveCheckpoint(target, () => this.toCheckpoint());
  }

  /**
   * The agent as a core checkpoint: config, counters, Rng state, model spec and episode
   * statistics in the manifest; blobs `policy.<k>`, `value.<k>`, `value.m`/`value.v` (Adam), the
   * rollout so far (`rollout`), the observations in flight and V(final observation) of truncated rows.
   */
  toCheckpoint(): Checkpoint {
    const { policy, learner, spec } = this.requireModel('toCheckpoint');
    const { run } = this;
    const blobs: Record<string, { data: Float32Array; shape: readonly number[] } | { bytes: Uint8Array }> = {};
    if (run !== null) {
      blobs.rollout = { bytes: run.buffer.snapshot() };
      blobs.observations = { data: run.collection.observations, shape: [run.collection.numEnvs, spec.observationSize] };
      blobs.truncatedNextValues = { data: run.truncatedNextValues, shape: [run.truncatedNextValues.length] };
    }
    return writeAgentCheckpoint({
      algorithm: TRPO_ALGORITHM,
      config: JSON.parse(JSON.stringify(this.config)) as JsonObject,
      rngState: this.rng.getState(),
      counters: { ...this.counters, updates: learner.updates },
      variables: { policy: policy.policyVariables(), value: policy.valueNet!.trainableVariables() },
      optimizers: { value: learner.valueOptimizer.getState() },
      blobs,
      extra: {
        model: { observationSize: spec.observationSize, action: actionSpecToJSON(spec.action) as unknown as JsonObject },
        collection: run === null ? null : run.collection.toJSON(),
      },
    });
  }

  /** An agent restored from a directory written by {@link TRPO.save} (Node) or a store. */
  static async load(source: string | CheckpointStore): Promise<TRPO> {
    return TRPO.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link TRPO.toCheckpoint}'s output; throws a CheckpointError when it does not fit. */
  static fromCheckpoint(cp: Checkpoint): TRPO {
    const reader = new AgentCheckpoint(cp, TRPO_ALGORITHM);
    let config: TrpoConfig;
    try {
      config = validateTrpoConfig({ ...(reader.config as unknown as TrpoConfig) });
    } catch (error) {
      throw new CheckpointError('not a usable trpo checkpoint', [`config: ${(error as Error).message}`]);
    }
    const counters = reader.counters(COUNTERS);
    const model = readModelSpec(reader.extra.model, 'not a usable trpo checkpoint');
    const agent = new TRPO(config);
    try {
      const { policy, learner, spec } = agent.ensureModel(model);
      reader.restoreVariables('policy', policy.policyVariables());
      reader.restoreVariables('value', policy.valueNet!.trainableVariables());
      restoreOptimizer(learner.valueOptimizer, reader, 'value', policy.valueNet!.trainableVariables());
      learner.updates = counters.updates;
      agent.counters = { steps: counters.steps, episodes: counters.episodes };
      const json = reader.extra.collection as JsonObject | null | undefined;
      if (json !== null && json !== undefined) {
        let collection: Collection;
        let buffer: RolloutBuffer;
        try {
          collection = Collection.fromJSON(json, new Float32Array(0));
          buffer = agent.createBuffer(spec, collection.numEnvs, collection.autoresetMode);
          buffer.restore(reader.bytes('rollout'));
        } catch (error) {
          if (error instanceof CheckpointError) throw error;
          throw new CheckpointError('not a usable trpo checkpoint: the rollout does not fit', [(error as Error).message]);
        }
        collection.observations = reader.float32('observations', [collection.numEnvs, spec.observationSize]);
        const truncatedNextValues = reader.float32('truncatedNextValues', [config.nSteps * collection.numEnvs]);
        agent.run = { collection, buffer, truncatedNextValues };
      }
      agent.rng.setState(reader.rngState);
      return agent;
    } catch (error) {
      agent.dispose();
      throw error;
    }
  }

  dispose(): void {
    this.model?.policy.dispose();
    this.model = null;
  }

  // ---------------------------------------------------------------------------------------------

  private ensureModel(spec: TrpoModelSpec): TrpoModel {
    if (this.model !== null) {
      const built = this.model.spec;
      assertSameModel('TRPO', built, spec);
      return this.model;
    }
    const { config } = this;
    const policy = new ActorCritic({
      observationSize: spec.observationSize,
      action: spec.action,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation,
      sharedTrunk: false,
      withValue: true,
      logStdInit: config.logStdInit,
      rng: this.rng,
      name: 'trpo',
    });
    this.model = { spec, policy, learner: new TrpoLearner(policy, config) };
    return this.model;
  }

  private createBuffer(spec: TrpoModelSpec, numEnvs: number, autoresetMode: Collection['autoresetMode']): RolloutBuffer {
    const { config } = this;
    return new RolloutBuffer({
      steps: config.nSteps,
      numEnvs,
      observationSize: spec.observationSize,
      actionSize: actionSize(spec.action),
      actionDtype: spec.action.kind === 'discrete' ? 'int32' : 'float32',
      gamma: config.gamma,
      gaeLambda: config.gaeLambda,
      autoresetMode,
      normalizeAdvantages: config.normalizeAdvantages ? 'rollout' : false,
    });
  }

  /** Continues the run in progress (`continueRun: true`) or resets the env for a new one. */
  private async startRun(env: VectorEnv<unknown, unknown>, continueRun: boolean | 'new-episodes'): Promise<TrpoRun> {
    if (continueRun === true) {
      if (this.run === null) throw new Error('TRPO.learn: continueRun needs a run to continue (learn or load first)');
      this.run.collection.checkContinues(env, 'TRPO.learn');
      return this.run;
    }
    // A new run (or new episodes): the partial rollout of the old episodes is dropped.
    const collection = await Collection.start(env, this.rng);
    const buffer = this.createBuffer(this.model!.spec, env.numEnvs, collection.autoresetMode);
    this.run = { collection, buffer, truncatedNextValues: new Float32Array(this.config.nSteps * env.numEnvs).fill(Number.NaN) };
    return this.run;
  }

  /** One action per sub-env, one vector step, its transitions into the rollout. */
  private async collectStep(env: VectorEnv<unknown, unknown>, model: TrpoModel, run: TrpoRun): Promise<void> {
    const { collection, buffer } = run;
    const observations = collection.observations;
    const { actions, logProbs, values } = model.policy.act(observations, this.rng);
    const row = buffer.size * collection.numEnvs;
    const { step, finished } = await collection.step(env, toEnvActions(model.spec.action, actions));
    this.counters.episodes += finished;
    const final = step.finalObservations;
    if (collection.autoresetMode === 'same-step' && final !== undefined && step.truncated.includes(1)) {
      const size = model.spec.observationSize;
      const ended = [...step.truncated.keys()].filter((e) => step.truncated[e] === 1 && step.terminated[e] === 0);
      if (ended.length > 0) {
        const rows = new Float32Array(ended.length * size);
        ended.forEach((e, k) => rows.set(final.subarray(e * size, (e + 1) * size), k * size));
        const v = model.policy.values(rows);
        ended.forEach((e, k) => (run.truncatedNextValues[row + e] = v[k]!));
      }
    }
    buffer.add({ observations, actions, rewards: step.rewards, terminated: step.terminated, truncated: step.truncated, values: values!, logProbs });
    this.counters.steps += collection.numEnvs;
  }

  /** GAE over the full rollout, the TRPO update, and an empty rollout for the next one. */
  private train(model: TrpoModel, run: TrpoRun): Metrics {
    const { collection, buffer } = run;
    const lastValues = model.policy.values(collection.observations);
    buffer.computeReturnsAndAdvantages({
      lastValues,
      ...(collection.autoresetMode === 'same-step' ? { truncatedNextValues: run.truncatedNextValues } : {}),
    });
    const metrics = model.learner.update(buffer, this.rng);
    buffer.reset();
    run.truncatedNextValues.fill(Number.NaN);
    return metrics;
  }

  private trainingState(): TrainingState {
    return trainingState(this.counters, this.updates, this.run?.collection);
  }

  private requireModel(who: string): TrpoModel {
    if (this.model === null) throw new Error(`TRPO.${who}: the agent has no networks yet (learn or load first)`);
    return this.model;
  }
}

function modelSpecOf(env: VectorEnv<unknown, unknown>): TrpoModelSpec {
  return { observationSize: env.observationSize, action: actionSpec(env.singleActionSpace, 'TRPO') };
}
