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
import { EpisodeBuffer } from '@tfrl/replay';
import { actionSize, actionSpec, actionSpecToJSON, toEnvActions, type ActionSpec } from '../common/action-spec.js';
import { ActorCritic } from '../common/actor-critic.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from '../common/agent.js';
import { AgentCheckpoint, resolveStore, restoreOptimizer, writeAgentCheckpoint } from '../common/checkpoint.js';
import { Collection } from '../common/collection.js';
import { reinforceConfig, type ReinforceConfig } from './config.js';
import { ReinforceLearner } from './learner.js';
import type { RunningMeanState } from './loss.js';
import { checkTotalSteps, finishRun, runStart, saveCheckpoint, trainingState } from '../common/training.js';
import { assertSameModel, readModelSpec } from '../common/model-spec.js';

const ALGORITHM = 'reinforce';

/** The shapes the networks are built for (from the env's spaces). */
interface ReinforceModelSpec {
  readonly observationSize: number;
  readonly action: ActionSpec;
}

interface Model {
  readonly spec: ReinforceModelSpec;
  readonly learner: ReinforceLearner;
}

/** A run in progress: the episodes being played and the steps of those not yet learnt from. */
interface Run {
  readonly collection: Collection;
  readonly episodes: EpisodeBuffer;
}

/**
 * REINFORCE (Williams 1992): play `episodesPerUpdate` whole episodes with the current policy
 * (over the sub-envs of a vector env in parallel), then one policy-gradient step on
 * −mean_t(log π(a_t|s_t)·(G − b)) with G the episode's return or the reward-to-go and b no
 * baseline, a running mean of returns or a learned V(s_t) (REINFORCE with baseline, Sutton &
 * Barto 13.4). Discrete actions (categorical policy) and Box actions (diagonal Gaussian, clipped
 * to the bounds in the env). An update takes every episode completed by then; episodes still
 * running go on into the next batch (their first steps came from the previous policy, as in other
 * vectorised implementations). The networks are built on the first `learn` from the env's spaces.
 * Everything random draws from one Rng seeded by `config.seed`; a checkpoint holds its state,
 * the episodes in progress and the observations in flight, so a resumed run continues bit for bit.
 */
export class Reinforce implements PolicyGradientAgent {
  readonly algorithm = ALGORITHM;
  readonly config: ReinforceConfig;
  private readonly rng: Rng;
  private model: Model | null = null;
  private run: Run | null = null;
  private counters = { steps: 0, episodes: 0 };

  /** Fields not given take {@link defaultReinforceConfig}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<ReinforceConfig> = {}) {
    this.config = reinforceConfig(config);
    this.rng = Rng.fromSeed(this.config.seed);
  }

  get steps(): number {
    return this.counters.steps;
  }

  get updates(): number {
    return this.model?.learner.updates ?? 0;
  }

  /** Policy (and value) networks; null before the first `learn` or `load`. */
  get network(): ActorCritic | null {
    return this.model?.learner.network ?? null;
  }

  /**
   * The loop: act on every sub-env, step, store the step in the sub-env's episode; once
   * `episodesPerUpdate` episodes are complete, one update on all of them. Callbacks see every
   * vector step and update; one returning false stops.
   */
  async learn(options: PolicyGradientLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps('Reinforce', totalSteps);
    const env = asVectorEnv(options.env as VectorEnv<unknown, unknown>);
    const { model, run } = await this.startRun(env, continueRun);
    const first = runStart(this.counters, this.updates);
    const end = this.counters.steps + totalSteps;
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (this.counters.steps < end && !runner.stopRequested) {
      await this.collectStep(env, model, run);
      if (run.episodes.numEpisodes >= this.config.episodesPerUpdate) await runner.update(this.trainingState(), this.train(model, run));
      if (runner.hasStepHooks) await runner.step(this.trainingState());
    }
    return finishRun(runner, first, this.trainingState());
  }

  /** The env action for one observation: sampled, or the mode with `deterministic`. */
  act(observation: Float32Array, options: ActOptions = {}): number | Float32Array {
    const { learner, spec } = this.requireModel('act');
    if (observation.length !== spec.observationSize) {
      throw new RangeError(`Reinforce.act: the observation has ${observation.length} values, the policy takes ${spec.observationSize}`);
    }
    const { actions } = learner.network.act(observation, this.rng, options.deterministic ?? false);
    const envActions = toEnvActions(spec.action, actions);
    return spec.action.kind === 'discrete' ? envActions[0]! : (envActions as Float32Array);
  }

  async save(target: string | CheckpointStore): Promise<void> {
    await saveCheckpoint(target, () => this.toCheckpoint());
  }

  /** Weights, optimizer states, Rng state, counters, running mean, episodes in progress and observations in flight. */
  toCheckpoint(): Checkpoint {
    const { learner, spec } = this.requireModel('toCheckpoint');
    const state = learner.getState();
    const { run } = this;
    return writeAgentCheckpoint({
      algorithm: ALGORITHM,
      config: { ...this.config, hiddenSizes: [...this.config.hiddenSizes] } as unknown as JsonObject,
      rngState: this.rng.getState(),
      counters: { ...this.counters, updates: state.updates },
      variables: { network: learner.network.trainableVariables() },
      optimizers: { policyAdam: state.policyOptimizer, valueAdam: state.valueOptimizer },
      blobs: run === null ? {} : { 'run.observations': run.collection.observations, 'run.episodes': { bytes: run.episodes.snapshot() } },
      extra: {
        model: { observationSize: spec.observationSize, action: actionSpecToJSON(spec.action) as unknown as JsonObject },
        runningMean: { ...state.runningMean },
        run: run === null ? null : run.collection.toJSON(),
      },
    });
  }

  static async load(source: string | CheckpointStore): Promise<Reinforce> {
    return Reinforce.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link Reinforce.toCheckpoint}'s output; a CheckpointError names what does not fit. */
  static fromCheckpoint(cp: Checkpoint): Reinforce {
    const checkpoint = new AgentCheckpoint(cp, ALGORITHM);
    const context = `not a usable ${ALGORITHM} checkpoint`;
    let config: ReinforceConfig;
    try {
      config = reinforceConfig(checkpoint.config as unknown as Partial<ReinforceConfig>);
    } catch (error) {
      throw new CheckpointError(context, [`config: ${(error as Error).message}`]);
    }
    const counters = checkpoint.counters(['steps', 'episodes', 'updates']);
    const spec = readModelSpec(checkpoint.extra.model, context);
    const runningMean = readRunningMean(checkpoint.extra.runningMean, context);
    const agent = new Reinforce(config);
    try {
      const { learner } = agent.ensureModel(spec);
      const network = learner.network;
      checkpoint.restoreVariables('network', network.trainableVariables());
      restoreOptimizer(learner.optimizers.policy, checkpoint, 'policyAdam', network.policyVariables());
      restoreOptimizer(learner.optimizers.value, checkpoint, 'valueAdam', config.baseline === 'value' ? network.valueVariables() : []);
      learner.setCounters(counters.updates, runningMean);
      const runJson = checkpoint.extra.run;
      if (runJson !== null && runJson !== undefined) {
        let collection: Collection;
        try {
          collection = Collection.fromJSON(runJson as JsonObject, new Float32Array(0));
        } catch (error) {
          throw new CheckpointError(context, [`extra.run: ${(error as Error).message}`]);
        }
        const observations = checkpoint.float32('run.observations', [collection.numEnvs * spec.observationSize]);
        collection.observations = observations;
        const episodes = agent.episodeBuffer(collection.numEnvs, collection.autoresetMode, spec);
        try {
          episodes.restore(checkpoint.bytes('run.episodes'));
        } catch (error) {
          if (error instanceof CheckpointError) throw error;
          throw new CheckpointError(context, [`run.episodes: ${(error as Error).message}`]);
        }
        agent.run = { collection, episodes };
      }
      agent.counters = { steps: counters.steps, episodes: counters.episodes };
      agent.rng.setState(checkpoint.rngState);
      return agent;
    } catch (error) {
      agent.dispose();
      throw error;
    }
  }

  dispose(): void {
    this.model?.learner.network.dispose();
    this.model = null;
  }

  // ---------------------------------------------------------------------------------------------

  private async startRun(env: VectorEnv<unknown, unknown>, continueRun: boolean | 'new-episodes'): Promise<{ model: Model; run: Run }> {
    const spec = { observationSize: env.observationSize, action: actionSpec(env.singleActionSpace, 'Reinforce.learn') };
    const model = this.ensureModel(spec);
    if (continueRun === true) {
      if (this.run === null) throw new Error('Reinforce.learn: continueRun needs a run to continue (learn or load first)');
      this.run.collection.checkContinues(env, 'Reinforce.learn');
      return { model, run: this.run };
    }
    const collection = await Collection.start(env, this.rng);
    this.run = { collection, episodes: this.episodeBuffer(env.numEnvs, env.autoresetMode, spec) };
    return { model, run: this.run };
  }

  /** One action per sub-env, one vector step, its rows into the episodes. */
  private async collectStep(env: VectorEnv<unknown, unknown>, model: Model, run: Run): Promise<void> {
    const { collection, episodes } = run;
    const observations = collection.observations;
    const { actions } = model.learner.network.act(observations, this.rng);
    const { step, finished } = await collection.step(env, toEnvActions(model.spec.action, actions));
    episodes.add({ observations, actions, rewards: step.rewards, terminated: step.terminated, truncated: step.truncated });
    this.counters.steps += collection.numEnvs;
    this.counters.episodes += finished;
  }

  /** One update on every episode completed so far. */
  private train(model: Model, run: Run): Metrics {
    const batch = run.episodes.drain();
    return model.learner.update(batch);
  }

  private trainingState(): TrainingState {
    return trainingState(this.counters, this.updates, this.run?.collection);
  }

  private episodeBuffer(numEnvs: number, autoresetMode: Collection['autoresetMode'], spec: ReinforceModelSpec): EpisodeBuffer {
    return new EpisodeBuffer({
      numEnvs,
      observationSize: spec.observationSize,
      actionSize: actionSize(spec.action),
      actionDtype: spec.action.kind === 'discrete' ? 'int32' : 'float32',
      gamma: this.config.gamma,
      capacity: 0x7fffffff,
      autoresetMode,
    });
  }

  private ensureModel(spec: ReinforceModelSpec): Model {
    if (this.model !== null) {
      const had = this.model.spec;
      assertSameModel('Reinforce', had, spec);
      return this.model;
    }
    const { config } = this;
    const network = new ActorCritic({
      observationSize: spec.observationSize,
      action: spec.action,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation,
      sharedTrunk: false,
      withValue: config.baseline === 'value',
      logStdInit: config.logStdInit,
      rng: this.rng,
      name: 'reinforce',
    });
    this.model = { spec, learner: new ReinforceLearner(network, config) };
    return this.model;
  }

  private requireModel(who: string): Model {
    if (this.model === null) throw new Error(`Reinforce.${who}: the agent has no network yet; call learn() or Reinforce.load() first`);
    return this.model;
  }
}


function readRunningMean(json: unknown, context: string): RunningMeanState {
  const state = json as { mean?: unknown; count?: unknown } | undefined;
  if (!Number.isFinite(state?.mean) || !Number.isSafeInteger(state?.count) || (state!.count as number) < 0) {
    throw new CheckpointError(context, [`extra.runningMean must be { mean, count }, got ${JSON.stringify(json)}`]);
  }
  return { mean: state!.mean as number, count: state!.count as number };
}
