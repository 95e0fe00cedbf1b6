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
import { actionSize, actionSpec, actionSpecFromJSON, actionSpecToJSON, toEnvActions, type ActionSpec, type ActionSpecJSON } from '../common/action-spec.js';
import { ActorCritic } from '../common/actor-critic.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from '../common/agent.js';
import { AgentCheckpoint, resolveStore, restoreOptimizer, writeAgentCheckpoint } from '../common/checkpoint.js';
import { Collection } from '../common/collection.js';
import { actorCriticAgentConfig, type ActorCriticAgentConfig } from './config.js';
import { ActorCriticLearner } from './learner.js';
import { oneStepTransitions } from './loss.js';
import { checkTotalSteps, finishRun, runStart, saveCheckpoint, trainingState } from '../common/training.js';
import { assertSameModel } from '../common/model-spec.js';

const ALGORITHM = 'actor-critic';

/** The shapes the networks are built for (from the env's spaces). */
interface ActorCriticModelSpec {
  readonly observationSize: number;
  readonly action: ActionSpec;
}

interface Model {
  readonly spec: ActorCriticModelSpec;
  readonly learner: ActorCriticLearner;
}

/** A run in progress: the episodes being played. */
interface Run {
  readonly collection: Collection;
  /** Next-step autoreset: 1 where the sub-env's next row is its reset step (no transition); null for same-step. */
  readonly pendingResets: Uint8Array | null;
}

/**
 * One-step (online) Actor-Critic (Sutton & Barto 13.5; CS285's online actor-critic), batched
 * over the sub-envs of a vector env: after every vector step, the TD error
 * δ = r + γV(s')(1 − terminated) − V(s) is the advantage of the actor's step along
 * δ·∇log π(a|s) (+ β∇H) and the critic regresses V(s) on the TD target. Truncated episodes
 * bootstrap from their last observation (`finalObservations` under same-step autoreset, the
 * step's observation under next-step, whose reset rows are skipped). Separate actor and critic
 * networks or a shared trunk. Discrete (categorical) and Box (diagonal Gaussian, clipped in the
 * env) actions. Everything random draws from one Rng seeded by `config.seed`; a checkpoint holds
 * its state and the observations in flight, so a resumed run continues bit for bit.
 */
export class ActorCriticAgent implements PolicyGradientAgent {
  readonly algorithm = ALGORITHM;
  readonly config: ActorCriticAgentConfig;
  private readonly rng: Rng;
  private model: Model | null = null;
  private run: Run | null = null;
  private counters = { steps: 0, episodes: 0 };

  /** Fields not given take {@link defaultActorCriticAgentConfig}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<ActorCriticAgentConfig> = {}) {
    this.config = actorCriticAgentConfig(config);
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
   * The loop: act on every sub-env, step, one update on the vector step's transitions. Callbacks
   * see every vector step and update; one returning false stops.
   */
  async learn(options: PolicyGradientLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps('ActorCriticAgent', totalSteps);
    const env = asVectorEnv(options.env as VectorEnv<unknown, unknown>);
    const { model, run } = await this.startRun(env, continueRun);
    const first = runStart(this.counters, this.updates);
    const end = this.counters.steps + totalSteps;
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (this.counters.steps < end && !runner.stopRequested) {
      const metrics = await this.stepAndLearn(env, model, run);
      if (metrics !== null) await runner.update(this.trainingState(), metrics);
      if (runner.hasStepHooks) await runner.step(this.trainingState());
    }
    return finishRun(runner, first, this.trainingState());
  }

  /** The env action for one observation: sampled, or the mode with `deterministic`. */
  act(observation: Float32Array, options: ActOptions = {}): number | Float32Array {
    const { learner, spec } = this.requireModel('act');
    if (observation.length !== spec.observationSize) {
      throw new RangeError(`ActorCriticAgent.act: the observation has ${observation.length} values, the policy takes ${spec.observationSize}`);
    }
    const { actions } = learner.network.act(observation, this.rng, options.deterministic ?? false);
    const envActions = toEnvActions(spec.action, actions);
    return spec.action.kind === 'discrete' ? envActions[0]! : (envActions as Float32Array);
  }

  async save(target: string | CheckpointStore): Promise<void> {
    await saveCheckpoint(target, () => this.toCheckpoint());
  }

  /** Weights, optimizer states, Rng state, counters, the observations in flight and pending resets. */
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
      blobs: run === null ? {} : { 'run.observations': run.collection.observations },
      extra: {
        model: { observationSize: spec.observationSize, action: actionSpecToJSON(spec.action) as unknown as JsonObject },
        run: run === null ? null : { ...run.collection.toJSON(), pendingResets: run.pendingResets === null ? null : Array.from(run.pendingResets) },
      },
    });
  }

  static async load(source: string | CheckpointStore): Promise<ActorCriticAgent> {
    return ActorCriticAgent.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link ActorCriticAgent.toCheckpoint}'s output; a CheckpointError names what does not fit. */
  static fromCheckpoint(cp: Checkpoint): ActorCriticAgent {
    const checkpoint = new AgentCheckpoint(cp, ALGORITHM);
    const context = `not a usable ${ALGORITHM} checkpoint`;
    let config: ActorCriticAgentConfig;
    try {
      config = actorCriticAgentConfig(checkpoint.config as unknown as Partial<ActorCriticAgentConfig>);
    } catch (error) {
      throw new CheckpointError(context, [`config: ${(error as Error).message}`]);
    }
    const counters = checkpoint.counters(['steps', 'episodes', 'updates']);
    const spec = readModelSpec(checkpoint.extra.model, context);
    const agent = new ActorCriticAgent(config);
    try {
      const { learner } = agent.ensureModel(spec);
      const network = learner.network;
      checkpoint.restoreVariables('network', network.trainableVariables());
      const [policyVariables, valueVariables] = learner.optimizerVariables();
      restoreOptimizer(learner.optimizers.policy, checkpoint, 'policyAdam', policyVariables);
      restoreOptimizer(learner.optimizers.value, checkpoint, 'valueAdam', valueVariables);
      learner.setUpdates(counters.updates);
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
        const pending = (runJson as JsonObject).pendingResets;
        const nextStep = collection.autoresetMode === 'next-step';
        const valid = nextStep
          ? Array.isArray(pending) && pending.length === collection.numEnvs && pending.every((f) => f === 0 || f === 1)
          : pending === null;
        if (!valid) throw new CheckpointError(context, [`extra.run.pendingResets must be ${nextStep ? `${collection.numEnvs} flags 0 or 1` : 'null'}, got ${JSON.stringify(pending)}`]);
        agent.run = { collection, pendingResets: nextStep ? Uint8Array.from(pending as number[]) : null };
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
    const spec = { observationSize: env.observationSize, action: actionSpec(env.singleActionSpace, 'ActorCriticAgent.learn') };
    const model = this.ensureModel(spec);
    if (continueRun === true) {
      if (this.run === null) throw new Error('ActorCriticAgent.learn: continueRun needs a run to continue (learn or load first)');
      this.run.collection.checkContinues(env, 'ActorCriticAgent.learn');
      return { model, run: this.run };
    }
    const collection = await Collection.start(env, this.rng);
    this.run = { collection, pendingResets: env.autoresetMode === 'next-step' ? new Uint8Array(env.numEnvs) : null };
    return { model, run: this.run };
  }

  /** One action per sub-env, one vector step, one update on its transitions (null: none, e.g. only reset rows). */
  private async stepAndLearn(env: VectorEnv<unknown, unknown>, model: Model, run: Run): Promise<Metrics | null> {
    const { collection } = run;
    const observations = collection.observations;
    const { actions } = model.learner.network.act(observations, this.rng);
    const { step, finished } = await collection.step(env, toEnvActions(model.spec.action, actions));
    this.counters.steps += collection.numEnvs;
    this.counters.episodes += finished;
    const d = model.spec.observationSize;
    const { rows, nextObservations } = oneStepTransitions({
      observationSize: d,
      nextObservations: step.observations,
      ...(step.finalObservations === undefined ? {} : { finalObservations: step.finalObservations }),
      terminated: step.terminated,
      truncated: step.truncated,
      pendingResets: run.pendingResets,
    });
    const size = rows.length;
    if (size === 0) return null;
    const a = actionSize(model.spec.action);
    const batchObservations = new Float32Array(size * d);
    const batchActions = actions instanceof Int32Array ? new Int32Array(size * a) : new Float32Array(size * a);
    const rewards = new Float32Array(size);
    const terminated = new Uint8Array(size);
    rows.forEach((e, k) => {
      batchObservations.set(observations.subarray(e * d, (e + 1) * d), k * d);
      batchActions.set(actions.subarray(e * a, (e + 1) * a), k * a);
      rewards[k] = step.rewards[e]!;
      terminated[k] = step.terminated[e]!;
    });
    return model.learner.update({ size, observations: batchObservations, actions: batchActions, rewards, nextObservations, terminated });
  }

  private trainingState(): TrainingState {
    return trainingState(this.counters, this.updates, this.run?.collection);
  }

  private ensureModel(spec: ActorCriticModelSpec): Model {
    if (this.model !== null) {
      const had = this.model.spec;
      assertSameModel('ActorCriticAgent', had, spec);
      return this.model;
    }
    const { config } = this;
    const network = new ActorCritic({
      observationSize: spec.observationSize,
      action: spec.action,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation,
      sharedTrunk: config.sharedTrunk,
      withValue: true,
      logStdInit: config.logStdInit,
      rng: this.rng,
      name: 'actor-critic',
    });
    this.model = { spec, learner: new ActorCriticLearner(network, config) };
    return this.model;
  }

  private requireModel(who: string): Model {
    if (this.model === null) throw new Error(`ActorCriticAgent.${who}: the agent has no network yet; call learn() or ActorCriticAgent.load() first`);
    return this.model;
  }
}

function readModelSpec(json: unknown, context: string): ActorCriticModelSpec {
  const model = json as { observationSize?: unknown; action?: unknown } | undefined;
  const observationSize = model?.observationSize;
  const action = model?.action as ActionSpecJSON | undefined;
  if (!Number.isInteger(observationSize) || (observationSize as number) < 1 || (action?.kind !== 'discrete' && action?.kind !== 'box')) {
    throw new CheckpointError(context, [`extra.model must be { observationSize, action }, got ${JSON.stringify(json)}`]);
  }
  return { observationSize: observationSize as number, action: actionSpecFromJSON(action) };
}
