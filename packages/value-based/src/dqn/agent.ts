import * as tf from '@tensorflow/tfjs-core';
import {
  CallbackRunner,
  EpisodeStatistics,
  Rng,
  type ActOptions,
  type Agent,
  type Checkpoint,
  type Info,
  type CheckpointStore,
  type LearnOptions,
  type Metrics,
  type TrainReport,
  type TrainingState,
  type VectorEnv,
} from '@tfrl/core';
import { dqnConfig, usesActionMask, type ActionMask, type DqnConfig } from './config.js';
import { readDqnBlobs, readDqnHeader, writeDqnCheckpoint, type DqnCollection, type DqnCounters, type DqnModelSpec } from './checkpoint.js';
import { DqnLearner } from './learner.js';
import { createQNetwork, type QNetwork } from './network.js';
import { DqnReplay } from './replay.js';
import { masksFor, masksFromRows, selectActions, writeMaskRow } from './acting.js';
import { asVectorEnv, discreteActions, type DqnEnv } from './vector-env.js';

/** Options of {@link DQN.learn}. */
export interface DqnLearnOptions extends LearnOptions<unknown, number> {
  env: DqnEnv;
  /**
   * Carry on the run where the last `learn` (or the loaded checkpoint) stopped: the same
   * episodes (pass the env trained on, untouched since), n-step windows and schedules, which
   * now end `totalSteps` from here. Default false: a new run that resets the env with a seed
   * drawn from the agent's Rng; ε and β anneal over this call's `totalSteps`.
   * `'new-episodes'`: carry on the schedules and counters of the last run (e.g. after `load` in a
   * new process) but with a freshly reset env: the interrupted episodes and their unfinished
   * n-step windows are dropped, so no transition joins two episodes.
   */
  continueRun?: boolean | 'new-episodes';
}

/** Options of {@link DQN.act}. */
export interface DqnActOptions extends ActOptions {
  /** Allowed actions in this state (default: the config's `actionMask`, else all). */
  mask?: ActionMask;
}

/** Options of {@link DQN.load}. */
export interface DqnLoadOptions {
  /** The `actionMask` function of the saved config (functions are not saved). */
  actionMask?: (observation: Float32Array) => ActionMask;
}

interface Model {
  spec: DqnModelSpec;
  learner: DqnLearner;
  replay: DqnReplay;
}

/**
 * Deep Q-Networks (Mnih et al. 2015) up to Rainbow (Hessel et al. 2018) by flags: Double,
 * Dueling, Noisy, C51, n-step, prioritized replay. The network is built on the first `learn`
 * from the env's spaces (Discrete actions; observations flattened). Everything random draws from
 * one Rng seeded by `config.seed`, so the same seed on the same backend gives the same run, and
 * a checkpoint holds its state: a resumed run continues bit for bit.
 */
export class DQN implements Agent<Float32Array, number> {
  readonly config: DqnConfig;
  private rng: Rng;
  private model: Model | null = null;
  private counters: DqnCounters = { steps: 0, episodes: 0, updates: 0, runStart: 0, runEnd: 0, sinceTrain: 0 };
  private collection: DqnCollection | null = null;

  /** Fields not given take {@link defaultDqnConfig}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<DqnConfig> = {}) {
    this.config = dqnConfig(config);
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

  /** The online Q-network (null before the first `learn` or `load`). */
  get network(): QNetwork | null {
    return this.model?.learner.online ?? null;
  }

  /** ε at the current point of the run (0 with noisy nets). */
  get explorationRate(): number {
    const { explorationStart: start, explorationEnd: end, explorationFraction: fraction, noisy } = this.config;
    if (noisy !== false) return 0;
    const p = this.progress();
    return p >= fraction ? end : start + ((end - start) * p) / fraction;
  }

  /**
   * The DQN loop: act on every sub-env at once (ε-greedy, or noisy), step, store the transitions
   * (n-step windows), and every `trainFrequency` steps after `learningStarts` do `gradientSteps`
   * updates. Callbacks see every step and update; one returning false stops training.
   */
  async learn(options: DqnLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    if (!Number.isInteger(totalSteps) || totalSteps < 0) throw new RangeError(`DQN.learn: totalSteps must be an integer >= 0, got ${totalSteps}`);
    const env = asVectorEnv(options.env);
    const { model, run } = await this.startRun(env, continueRun);
    const { counters, config } = this;
    counters.runEnd = counters.steps + totalSteps;
    const first = { steps: counters.steps, episodes: counters.episodes, updates: model.learner.updates, time: performance.now() };
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (counters.steps < counters.runEnd && !runner.stopRequested) {
      await this.collectStep(env, model, run);
      if (counters.steps < config.learningStarts || model.replay.size < config.batchSize) counters.sinceTrain = 0;
      while (counters.sinceTrain >= config.trainFrequency && !runner.stopRequested) {
        counters.sinceTrain -= config.trainFrequency;
        for (let g = 0; g < config.gradientSteps && !runner.stopRequested; g++) {
          await runner.update(this.trainingState(), this.train(model));
        }
      }
      if (runner.hasStepHooks) await runner.step(this.trainingState());
    }
    const end = this.trainingState();
    await runner.trainingEnd(end);
    return {
      steps: counters.steps - first.steps,
      episodes: counters.episodes - first.episodes,
      updates: model.learner.updates - first.updates,
      seconds: (performance.now() - first.time) / 1000,
      stoppedEarly: runner.stopRequested,
      recentReturn: end.recentReturn,
    };
  }

  /** The action for one observation: greedy with `deterministic`, else ε-greedy (or noisy). */
  act(observation: Float32Array, options: DqnActOptions = {}): number {
    const model = this.requireModel('act');
    const mask = options.mask ?? this.config.actionMask?.(observation);
    const masks = mask === undefined ? null : writeMaskRow(mask, new Float32Array(model.spec.actions), 0, model.spec.actions, 'DQN.act');
    return this.select(observation, masks, options.deterministic ?? false)[0]! + model.spec.actionStart;
  }

  /** Actions for a batch of observations [n × observationSize] with one forward pass; masks [n × actions]. */
  actBatch(observations: Float32Array, options: ActOptions & { masks?: ArrayLike<number | boolean> } = {}): Int32Array {
    const { spec } = this.requireModel('actBatch');
    const rows = observations.length / spec.observationSize;
    if (!Number.isInteger(rows)) throw new RangeError(`DQN.actBatch: ${observations.length} values are not rows of ${spec.observationSize}`);
    // Without given masks only the config's function applies (info masks need infos).
    const masks =
      options.masks !== undefined
        ? masksFromRows(options.masks, rows, spec.actions)
        : this.config.actionMask === undefined
          ? null
          : masksFor(this.config, spec, observations, []);
    const actions = this.select(observations, masks, options.deterministic ?? false);
    for (let i = 0; i < rows; i++) actions[i]! += spec.actionStart;
    return actions;
  }

  /** Saves everything a resumed run needs to a directory (Node) or a {@link CheckpointStore}. */
  async save(target: string | CheckpointStore): Promise<void> {
    const store = typeof target === 'string' ? (await import('@tfrl/core/node')).directoryCheckpointStore(target) : target;
    await store.write(this.toCheckpoint());
  }

  /** The agent as a core checkpoint (manifest + blobs); see `writeDqnCheckpoint`. */
  toCheckpoint(): Checkpoint {
    const { learner, replay, spec } = this.requireModel('save');
    const values = (network: QNetwork) => network.trainableVariables().map((v) => ({ data: v.dataSync() as Float32Array, shape: v.shape }));
    const { updates, optimizer } = learner.getState();
    return writeDqnCheckpoint({
      config: this.config,
      rngState: this.rng.getState(),
      counters: { ...this.counters, updates },
      model: spec,
      online: values(learner.online),
      target: values(learner.target),
      adam: optimizer,
      replay: replay.snapshot(),
      collection: this.collection,
    });
  }

  /** An agent restored from a directory written by {@link DQN.save} (Node) or a store. Throws on a corrupt or foreign checkpoint. */
  static async load(source: string | CheckpointStore, options: DqnLoadOptions = {}): Promise<DQN> {
    const store = typeof source === 'string' ? (await import('@tfrl/core/node')).directoryCheckpointStore(source) : source;
    return DQN.fromCheckpoint(await store.read(), options);
  }

  /** An agent restored from {@link DQN.toCheckpoint}'s output. */
  static fromCheckpoint(cp: Checkpoint, options: DqnLoadOptions = {}): DQN {
    const header = readDqnHeader(cp);
    if (header.model.masked && header.config.actionMaskInfoKey === null && options.actionMask === undefined) {
      throw new Error('DQN.load: this agent was trained with an actionMask function; pass it: DQN.load(source, { actionMask })');
    }
    const agent = new DQN({ ...header.config, ...(options.actionMask === undefined ? {} : { actionMask: options.actionMask }) });
    const model = agent.ensureModel(header.model);
    try {
      const { learner, replay } = model;
      const blobs = readDqnBlobs(cp, header, learner.online.trainableVariables().map((v) => v.shape));
      const assign = (network: QNetwork, values: typeof blobs.online) =>
        tf.tidy(() => network.trainableVariables().forEach((v, k) => v.assign(tf.tensor(values[k]!.data, v.shape))));
      assign(learner.online, blobs.online);
      assign(learner.target, blobs.target);
      learner.setState({ updates: header.counters.updates, optimizer: blobs.adam });
      const run = header.collection;
      replay.restore(blobs.replay, run);
      if (run !== null) agent.collection = { ...run, observations: blobs.observations!, masks: blobs.masks };
      agent.counters = { ...header.counters };
      agent.rng.setState(header.rngState); // the learner holds this very Rng
      return agent;
    } catch (error) {
      agent.dispose();
      throw error;
    }
  }

  /** Frees the networks' tensors. */
  dispose(): void {
    this.model?.learner.online.dispose();
    this.model?.learner.target.dispose();
    this.model = null;
  }

  // ---------------------------------------------------------------------------------------------

  /** Builds the model on first use; resets the env for a new run or checks it for a continued one. */
  private async startRun(env: VectorEnv<unknown, number>, continueRun: boolean | 'new-episodes'): Promise<{ model: Model; run: DqnCollection }> {
    if (env.autoresetMode === 'disabled') throw new Error("DQN.learn: vector envs with autoresetMode 'disabled' are not supported");
    const { n, start } = discreteActions(env.singleActionSpace, 'DQN.learn');
    const model = this.ensureModel({ observationSize: env.observationSize, actions: n, actionStart: start, masked: usesActionMask(this.config) });
    const { numEnvs, autoresetMode } = env;
    const run = this.collection;
    if (continueRun === true) {
      if (run === null || model.replay.adapter === null) throw new Error('DQN.learn: continueRun needs a run to continue (learn or load first)');
      if (run.numEnvs !== numEnvs || run.autoresetMode !== autoresetMode) {
        throw new Error(`DQN.learn: continueRun needs the env of the run (${run.numEnvs} sub-envs, ${run.autoresetMode}), got ${numEnvs}, ${autoresetMode}`);
      }
      return { model, run };
    }
    const reset = await env.reset({ seed: this.rng.int(0x7fffffff) });
    const stats = EpisodeStatistics.forVectorEnv(env, { maxUndrained: 0 });
    this.collection = { numEnvs, autoresetMode, observations: reset.observations, masks: this.masksOf(reset.observations, reset.infos), stats };
    model.replay.begin(numEnvs, autoresetMode);
    if (continueRun !== 'new-episodes') {
      this.counters.runStart = this.counters.steps;
      this.counters.sinceTrain = 0;
    }
    return { model, run: this.collection };
  }

  /** One action per sub-env, one vector step, its transitions into replay. */
  private async collectStep(env: VectorEnv<unknown, number>, model: Model, run: DqnCollection): Promise<void> {
    const actions = this.select(run.observations, run.masks, false);
    const envActions = new Int32Array(run.numEnvs);
    for (let i = 0; i < run.numEnvs; i++) envActions[i] = actions[i]! + model.spec.actionStart;
    const step = await env.step(envActions);
    this.counters.episodes += run.stats.step(step.rewards, step.terminated, step.truncated);
    const nextMasks = this.masksOf(step.observations, step.infos);
    const final = step.finalObservations;
    model.replay.add({
      observations: run.observations,
      masks: run.masks,
      actions,
      rewards: step.rewards,
      nextObservations: step.observations,
      nextMasks,
      finalObservations: final,
      finalMasks: final === undefined ? null : this.masksOf(final, step.infos, true),
      terminated: step.terminated,
      truncated: step.truncated,
    });
    run.observations = step.observations;
    run.masks = nextMasks;
    this.counters.steps += run.numEnvs;
    this.counters.sinceTrain += run.numEnvs;
  }

  /** Run progress in [0, 1] for the schedules. */
  private progress(): number {
    const { steps, runStart, runEnd } = this.counters;
    return runEnd > runStart ? Math.min(1, Math.max(0, (steps - runStart) / (runEnd - runStart))) : 1;
  }

  private trainingState(): TrainingState {
    const { steps, episodes } = this.counters;
    return { step: steps, episodes, updates: this.updates, recentReturn: this.collection?.stats.recentMeanReturn ?? Number.NaN };
  }

  /** Samples a batch (β annealed with the run), takes one gradient step and updates priorities. */
  private train(model: Model): Metrics {
    const { prioritized } = this.config;
    const beta = prioritized === false ? 1 : prioritized.betaStart + (prioritized.betaEnd - prioritized.betaStart) * this.progress();
    const { batch, indices } = model.replay.sample(this.rng, beta);
    const { metrics, priorities } = model.learner.learn(batch);
    model.replay.updatePriorities(indices, priorities);
    metrics.explorationRate = this.explorationRate;
    return metrics;
  }

  private select(observations: Float32Array, masks: Float32Array | null, deterministic: boolean): Int32Array {
    const network = this.requireModel('act').learner.online;
    return selectActions(network, observations, masks, { epsilon: this.explorationRate, deterministic, rng: this.rng });
  }

  private masksOf(observations: Float32Array, infos: readonly Info[], final = false): Float32Array | null {
    return masksFor(this.config, this.model!.spec, observations, infos, final);
  }

  /** Builds the networks, learner and replay on first use (drawing the weights from the Rng). */
  private ensureModel(spec: DqnModelSpec): Model {
    if (this.model !== null) {
      const had = this.model.spec;
      if (had.observationSize !== spec.observationSize || had.actions !== spec.actions || had.actionStart !== spec.actionStart) {
        throw new Error(`DQN: the env has ${spec.observationSize} observation values and ${spec.actions} actions; the agent was built for ${had.observationSize} and ${had.actions}`);
      }
      return this.model;
    }
    const { config } = this;
    const { hiddenSizes, activation, dueling, noisy, distributional } = config;
    const architecture = { inputSize: spec.observationSize, actions: spec.actions, hiddenSizes, activation, dueling, noisy, distributional };
    const online = createQNetwork({ ...architecture, name: 'dqn/online' }, this.rng);
    const learner = new DqnLearner(online, config, this.rng);
    const replay = new DqnReplay(config, { observationSize: spec.observationSize, actions: spec.actions, masked: spec.masked });
    this.model = { spec, learner, replay };
    return this.model;
  }

  private requireModel(who: string): Model {
    if (this.model === null) throw new Error(`DQN.${who}: the agent has no network yet; call learn() or DQN.load() first`);
    return this.model;
  }
}
