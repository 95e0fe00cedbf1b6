import {
  CallbackRunner,
  Rng,
  asVectorEnv,
  explainedVariance,
  type ActOptions,
  type Checkpoint,
  type CheckpointStore,
  type Metrics,
  type TrainReport,
  type TrainingState,
  type VectorEnv,
  type VectorStepResult,
} from '@tfrl/core';
import { RolloutBuffer } from '@tfrl/replay';
import { actionSize, actionSpec, toEnvActions } from '../common/action-spec.js';
import { ActorCritic } from '../common/actor-critic.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from '../common/agent.js';
import { resolveStore } from '../common/checkpoint.js';
import { Collection } from '../common/collection.js';
import { readA2cCheckpoint, writeA2cCheckpoint, type A2cCounters, type A2cModelSpec } from './checkpoint.js';
import { a2cConfig, a2cGaeLambda, type A2cConfig } from './config.js';
import { A2cLearner, type A2cBatch } from './learner.js';
import { checkTotalSteps, finishRun, runStart, saveCheckpoint, trainingState } from '../common/training.js';
import { assertSameModel } from '../common/model-spec.js';

interface Model {
  readonly spec: A2cModelSpec;
  readonly policy: ActorCritic;
  readonly learner: A2cLearner;
}

/** The run in progress: episodes in flight and the rollout being collected. */
interface Run {
  readonly collection: Collection;
  readonly buffer: RolloutBuffer;
  /** V(final observation) of truncated rows ('same-step' autoreset; 0 elsewhere). [nSteps × numEnvs] */
  readonly truncatedNextValues: Float32Array;
}

type AnyVectorEnv = VectorEnv<unknown, number | Float32Array>;

/**
 * Advantage actor-critic, synchronous (A2C; Mnih et al. 2016, as Stable-Baselines3's A2C): act on
 * all sub-envs at once for `nSteps` vector steps, estimate advantages (n-step returns or GAE(λ),
 * bootstrapping on truncation), then one gradient step on the whole rollout with
 * L = −Â·log π + c₁·(V − R)² − c₂·H. Discrete and Box actions. The networks are built on the first
 * `learn` from the env's spaces. Everything random draws from one Rng seeded by `config.seed`, and
 * a checkpoint holds it with the rollout in progress: a resumed run continues bit for bit.
 */
export class A2C implements PolicyGradientAgent<number | Float32Array> {
  readonly algorithm = 'a2c';
  readonly config: A2cConfig;
  private readonly rng: Rng;
  private model: Model | null = null;
  private run: Run | null = null;
  private counters: A2cCounters = { steps: 0, episodes: 0, updates: 0, runStart: 0, runEnd: 0 };

  /** Fields not given take {@link defaultA2cConfig}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<A2cConfig> = {}) {
    this.config = a2cConfig(config);
    this.rng = Rng.fromSeed(this.config.seed);
  }

  /** Env steps taken over all runs. */
  get steps(): number {
    return this.counters.steps;
  }

  /** Gradient updates done over all runs. */
  get updates(): number {
    return this.model?.learner.updates ?? 0;
  }

  /** The policy and value networks (null before the first `learn` or `load`). */
  get actorCritic(): ActorCritic | null {
    return this.model?.policy ?? null;
  }

  /**
   * The A2C loop: collect one vector step on every sub-env (one forward pass), and once the
   * rollout holds `nSteps` steps compute the advantages and take one gradient step. Callbacks see
   * every step, rollout and update; one returning false stops training.
   */
  async learn(options: PolicyGradientLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps('A2C', totalSteps);
    const env = asVectorEnv(options.env as AnyVectorEnv);
    const { model, run } = await this.startRun(env, continueRun);
    const { counters } = this;
    counters.runEnd = counters.steps + totalSteps;
    const first = runStart(counters, model.learner.updates);
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (counters.steps < counters.runEnd && !runner.stopRequested) {
      await this.collectStep(env, model, run);
      if (run.buffer.full) {
        await runner.rolloutEnd(this.trainingState());
        const metrics = this.train(model, run);
        if (metrics !== null) await runner.update(this.trainingState(), metrics);
      }
      if (runner.hasStepHooks) await runner.step(this.trainingState());
    }
    return finishRun(runner, first, this.trainingState());
  }

  /** The env action for one observation: the mode with `deterministic`, else a sample (from the agent's Rng). */
  act(observation: Float32Array, options: ActOptions = {}): number | Float32Array {
    const { policy, spec } = this.requireModel('act');
    if (observation.length !== spec.observationSize) {
      throw new RangeError(`A2C.act: the observation has ${observation.length} values, the agent takes ${spec.observationSize}`);
    }
    const { actions } = policy.act(observation, this.rng, options.deterministic ?? false);
    const envActions = toEnvActions(spec.action, actions);
    return spec.action.kind === 'discrete' ? envActions[0]! : (envActions as Float32Array);
  }

  /** Saves everything a resumed run needs to a directory (Node) or a {@link CheckpointStore}. */
  async save(target: string | CheckpointStore): Promise<void> {
    await saveCheckpoint(target, () => this.toCheckpoint());
  }

  /** The agent as a core checkpoint: weights, optimizer, Rng, counters and the run in progress. */
  toCheckpoint(): Checkpoint {
    const { policy, learner, spec } = this.requireModel('save');
    const { updates, optimizer } = learner.getState();
    return writeA2cCheckpoint({
      config: this.config,
      spec,
      rngState: this.rng.getState(),
      counters: { ...this.counters, updates },
      variables: policy.trainableVariables(),
      optimizer,
      run: this.run === null ? null : { collection: this.run.collection, rollout: this.run.buffer.snapshot(), truncatedNextValues: this.run.truncatedNextValues },
    });
  }

  /** An agent restored from a directory written by {@link A2C.save} (Node) or a store. Throws a CheckpointError on a corrupt or foreign checkpoint. */
  static async load(source: string | CheckpointStore): Promise<A2C> {
    return A2C.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link A2C.toCheckpoint}'s output. */
  static fromCheckpoint(cp: Checkpoint): A2C {
    const saved = readA2cCheckpoint(cp);
    const agent = new A2C(saved.config);
    try {
      const model = agent.ensureModel(saved.spec);
      saved.restoreVariables(model.policy.trainableVariables());
      model.learner.setState({ updates: saved.counters.updates, optimizer: saved.optimizer(model.policy.trainableVariables()) });
      const run = saved.run();
      if (run !== null) {
        agent.run = agent.createRun(run.collection);
        agent.run.buffer.restore(run.rollout);
        agent.run.truncatedNextValues.set(run.truncatedNextValues);
      }
      agent.counters = { ...saved.counters };
      agent.rng.setState(saved.rngState);
      return agent;
    } catch (error) {
      agent.dispose();
      throw saved.wrap(error);
    }
  }

  /** Frees the networks' tensors. */
  dispose(): void {
    this.model?.policy.dispose();
    this.model = null;
  }

  // ---------------------------------------------------------------------------------------------

  /** Builds the model on first use; resets the env for a new run or checks it for a continued one. */
  private async startRun(env: AnyVectorEnv, continueRun: boolean | 'new-episodes'): Promise<{ model: Model; run: Run }> {
    const model = this.ensureModel({ observationSize: env.observationSize, action: actionSpec(env.singleActionSpace, 'A2C.learn') });
    if (continueRun === true) {
      if (this.run === null) throw new Error('A2C.learn: continueRun needs a run to continue (learn or load first)');
      this.run.collection.checkContinues(env, 'A2C.learn');
      return { model, run: this.run };
    }
    // A new run, or new episodes: the rollout in progress belongs to the old episodes and is dropped.
    this.run = this.createRun(await Collection.start(env, this.rng));
    if (continueRun !== 'new-episodes') this.counters.runStart = this.counters.steps;
    return { model, run: this.run };
  }

  private createRun(collection: Collection): Run {
    const { config } = this;
    const { spec } = this.model!;
    const buffer = new RolloutBuffer({
      steps: config.nSteps,
      numEnvs: collection.numEnvs,
      observationSize: spec.observationSize,
      actionSize: actionSize(spec.action),
      actionDtype: spec.action.kind === 'discrete' ? 'int32' : 'float32',
      gamma: config.gamma,
      gaeLambda: a2cGaeLambda(config),
      autoresetMode: collection.autoresetMode,
      normalizeAdvantages: config.normalizeAdvantages ? 'rollout' : false,
    });
    return { collection, buffer, truncatedNextValues: new Float32Array(config.nSteps * collection.numEnvs) };
  }

  /** One action per sub-env from one forward pass, one vector step, its transitions into the rollout. */
  private async collectStep(env: AnyVectorEnv, model: Model, run: Run): Promise<void> {
    const { collection, buffer } = run;
    const observations = collection.observations;
    const { actions, logProbs, values } = model.policy.act(observations, this.rng);
    const { step, finished } = await collection.step(env, toEnvActions(model.spec.action, actions));
    if (collection.autoresetMode === 'same-step') this.recordTruncatedValues(model, run, step);
    buffer.add({ observations, actions, rewards: step.rewards, terminated: step.terminated, truncated: step.truncated, values: values!, logProbs });
    this.counters.steps += collection.numEnvs;
    this.counters.episodes += finished;
  }

  /**
   * Same-step autoreset returns the reset observation; a truncated episode must bootstrap from
   * V(final observation), not from the next episode's start (never on termination).
   */
  private recordTruncatedValues(model: Model, run: Run, step: VectorStepResult): void {
    const { numEnvs } = run.collection;
    const size = model.spec.observationSize;
    const rows: number[] = [];
    for (let e = 0; e < numEnvs; e++) if (step.truncated[e] !== 0 && step.terminated[e] === 0) rows.push(e);
    if (rows.length === 0) return;
    if (step.finalObservations === undefined) throw new Error('A2C.learn: a same-step vector env must return finalObservations');
    const finals = new Float32Array(rows.length * size);
    rows.forEach((e, k) => finals.set(step.finalObservations!.subarray(e * size, (e + 1) * size), k * size));
    const values = model.policy.values(finals);
    const offset = run.buffer.size * numEnvs;
    rows.forEach((e, k) => (run.truncatedNextValues[offset + e] = values[k]!));
  }

  /**
   * Advantages of the full rollout, one gradient step on its valid rows, and a fresh rollout
   * (null, no update, when every row was a next-step reset row).
   */
  private train(model: Model, run: Run): Metrics | null {
    const { buffer, collection, truncatedNextValues } = run;
    const lastValues = model.policy.values(collection.observations);
    buffer.computeReturnsAndAdvantages({ lastValues, ...(collection.autoresetMode === 'same-step' ? { truncatedNextValues } : {}) });
    const batch = validRows(buffer);
    let metrics: Metrics | null = null;
    if (batch.size > 0) {
      model.learner.learningRate = this.learningRate();
      metrics = model.learner.update(batch);
      metrics.explainedVariance = explainedVariance(batch.values, batch.returns);
    }
    buffer.reset();
    truncatedNextValues.fill(0);
    return metrics;
  }

  /** The step size at the current point of the run. */
  private learningRate(): number {
    const { learningRate, learningRateSchedule } = this.config;
    if (learningRateSchedule === 'constant') return learningRate;
    const { steps, runStart, runEnd } = this.counters;
    const progress = runEnd > runStart ? Math.min(1, Math.max(0, (steps - runStart) / (runEnd - runStart))) : 1;
    return learningRate * (1 - progress);
  }

  private trainingState(): TrainingState {
    return trainingState(this.counters, this.updates, this.run?.collection);
  }

  /** Builds the networks and learner on first use (drawing the weights from the Rng). */
  private ensureModel(spec: A2cModelSpec): Model {
    if (this.model !== null) {
      const had = this.model.spec;
      assertSameModel('A2C', had, spec);
      return this.model;
    }
    const { hiddenSizes, activation, sharedTrunk, logStdInit } = this.config;
    const policy = new ActorCritic({
      observationSize: spec.observationSize,
      action: spec.action,
      hiddenSizes,
      activation,
      sharedTrunk,
      withValue: true,
      logStdInit,
      rng: this.rng,
      name: 'a2c',
    });
    this.model = { spec, policy, learner: new A2cLearner(policy, this.config) };
    return this.model;
  }

  private requireModel(who: string): Model {
    if (this.model === null) throw new Error(`A2C.${who}: the agent has no network yet; call learn() or A2C.load() first`);
    return this.model;
  }
}


/** The rollout's valid rows (next-step reset rows left out), in row order, as an update batch. */
function validRows(buffer: RolloutBuffer): A2cBatch & { values: Float32Array } {
  const { valid, advantages, returns, observationSize, actionSize: width } = buffer;
  const observations = buffer.column('observation') as Float32Array;
  const actions = buffer.column('action') as Int32Array | Float32Array;
  const values = buffer.column('value') as Float32Array;
  let size = 0;
  for (let i = 0; i < valid.length; i++) size += valid[i]!;
  const out = {
    size,
    observations: new Float32Array(size * observationSize),
    actions: actions instanceof Int32Array ? new Int32Array(size * width) : new Float32Array(size * width),
    advantages: new Float32Array(size),
    returns: new Float32Array(size),
    values: new Float32Array(size),
  };
  for (let i = 0, k = 0; i < valid.length; i++) {
    if (valid[i] === 0) continue;
    out.observations.set(observations.subarray(i * observationSize, (i + 1) * observationSize), k * observationSize);
    out.actions.set(actions.subarray(i * width, (i + 1) * width), k * width);
    out.advantages[k] = advantages[i]!;
    out.returns[k] = returns[i]!;
    out.values[k] = values[i]!;
    k++;
  }
  return out;
}
