// Shared machinery of the replay-based actor-critics of this folder and of ../off-policy-ac:
// the replay of unit-scaled Box actions, and the agent shell (loop, acting, checkpoints).
// Not exported from the package.
import {
  CallbackRunner,
  CheckpointError,
  Rng,
  asVectorEnv,
  type ActOptions,
  type AutoresetMode,
  type Checkpoint,
  type CheckpointStore,
  type JsonObject,
  type Metrics,
  type TrainReport,
  type TrainingState,
  type VectorEnv,
  type VectorStepResult,
} from '@tfrl/core';
import type { AdamState } from '@tfrl/core/nn';
import { UniformReplayBuffer, type ReplayBatch } from '@tfrl/replay';
import type * as tf from '@tensorflow/tfjs-core';
import { actionSpec, actionSpecFromJSON, actionSpecToJSON, scaleToBounds, type ActionSpecJSON, type BoxActionSpec } from '../common/action-spec.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from '../common/agent.js';
import { AgentCheckpoint, writeAgentCheckpoint } from '../common/checkpoint.js';
import { Collection } from '../common/collection.js';
import type { SquashedGaussianActor } from './networks.js';
import { checkTotalSteps, finishRun, runStart, saveCheckpoint, trainingState } from '../common/training.js';
import { assertSameModel } from '../common/model-spec.js';

/** A replayed batch as the learners read it (actions in [−1, 1]). */
export interface OffPolicyBatch {
  readonly size: number;
  /** [size × observationSize] */
  readonly observations: Float32Array;
  /** [size × actionSize], in [−1, 1]. */
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  /** 1 where s' is terminal (truncated episodes bootstrap). */
  readonly terminated: Uint8Array;
}

/** Checks a batch's column lengths; returns its size. */
export function checkOffPolicyBatch(who: string, batch: OffPolicyBatch, observationSize: number, actionSize: number): number {
  const { size } = batch;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`${who}: batch size must be an integer >= 1, got ${size}`);
  const expect = (what: string, length: number, wanted: number): void => {
    if (length !== wanted) throw new RangeError(`${who}: batch ${what} has length ${length}, expected ${wanted}`);
  };
  expect('observations', batch.observations.length, size * observationSize);
  expect('nextObservations', batch.nextObservations.length, size * observationSize);
  expect('actions', batch.actions.length, size * actionSize);
  expect('rewards', batch.rewards.length, size);
  expect('terminated', batch.terminated.length, size);
  return size;
}

/** What the agent shell needs of a learner. */
export interface OffPolicyLearner {
  readonly actor: SquashedGaussianActor;
  readonly updates: number;
  update(batch: OffPolicyBatch): Metrics;
  /** Named variable groups, in checkpoint order. */
  variableGroups(): Record<string, tf.Variable[]>;
  /** Named Adam states. */
  optimizerStates(): Record<string, AdamState>;
  /** Restores weights, optimizer states and the update count from a checkpoint (shapes checked). */
  restore(checkpoint: AgentCheckpoint, updates: number): void;
  dispose(): void;
}

/** Settings the shell reads. */
export interface OffPolicyShellConfig {
  readonly seed: number;
  readonly bufferSize: number;
  readonly batchSize: number;
  readonly learningStarts: number;
  readonly trainFrequency: number;
  readonly gradientSteps: number;
}

/** What a network is built for: taken from the env on the first `learn`. */
export interface OffPolicyModelSpec {
  readonly observationSize: number;
  readonly action: BoxActionSpec;
}

interface Model<L> {
  readonly spec: OffPolicyModelSpec;
  readonly learner: L;
  readonly replay: UniformReplayBuffer;
  readonly batch: ReplayBatch;
}

/** The episodes in progress. */
interface Run {
  readonly collection: Collection;
  /** Next-step autoreset: 1 where the sub-env's last step ended an episode (its next step is a reset, not a transition). */
  readonly pendingResets: Uint8Array;
}

interface Counters {
  steps: number;
  episodes: number;
  /** Env steps since the last learning phase. */
  sinceTrain: number;
}

const COUNTER_NAMES = ['steps', 'episodes', 'updates', 'sinceTrain'] as const;

/**
 * The loop of an off-policy actor-critic over Box actions (SB3's OffPolicyAlgorithm): act on
 * every sub-env (uniform random actions for the first `learningStarts` steps, then the
 * policy's samples), store the transitions with actions in [−1, 1], and every `trainFrequency`
 * steps do `gradientSteps` updates on uniformly replayed batches. One Rng seeded by
 * `config.seed` draws everything; a checkpoint holds it all, so a resumed run continues bit for bit.
 */
export abstract class OffPolicyAgent<C extends OffPolicyShellConfig, L extends OffPolicyLearner> implements PolicyGradientAgent<Float32Array> {
  abstract readonly algorithm: string;
  readonly config: C;
  protected readonly rng: Rng;
  private model: Model<L> | null = null;
  private counters: Counters = { steps: 0, episodes: 0, sinceTrain: 0 };
  private run: Run | null = null;

  protected constructor(config: C) {
    this.config = config;
    this.rng = Rng.fromSeed(config.seed);
  }

  /** Class name for messages, e.g. 'SAC'. */
  protected abstract get who(): string;
  /** Builds the learner (drawing the initial weights from the agent's Rng). */
  protected abstract createLearner(spec: OffPolicyModelSpec): L;

  get steps(): number {
    return this.counters.steps;
  }

  get updates(): number {
    return this.model?.learner.updates ?? 0;
  }

  /** The learner (null before the first `learn` or `load`). */
  get learner(): L | null {
    return this.model?.learner ?? null;
  }

  /**
   * Collect one vector step, store it, and every `trainFrequency` steps after `learningStarts`
   * take `gradientSteps` updates. Callbacks see every step and update; false stops.
   */
  async learn(options: PolicyGradientLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps(this.who, totalSteps);
    const env = asVectorEnv(options.env as Parameters<typeof asVectorEnv>[0]);
    const { model, run } = await this.startRun(env, continueRun);
    const { counters, config } = this;
    const end = counters.steps + totalSteps;
    const first = runStart(counters, model.learner.updates);
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (counters.steps < end && !runner.stopRequested) {
      await this.collectStep(env, model, run);
      if (counters.steps <= config.learningStarts || model.replay.size === 0) counters.sinceTrain = 0;
      while (counters.sinceTrain >= config.trainFrequency && !runner.stopRequested) {
        counters.sinceTrain -= config.trainFrequency;
        for (let g = 0; g < config.gradientSteps && !runner.stopRequested; g++) {
          const metrics = this.train(model);
          await runner.update(this.trainingState(), metrics);
        }
      }
      if (runner.hasStepHooks) await runner.step(this.trainingState());
    }
    return finishRun(runner, first, this.trainingState());
  }

  /** The env action for one observation: c + s·tanh(μ(s)) with `deterministic`, else a policy sample. */
  act(observation: Float32Array, options: ActOptions = {}): Float32Array {
    const { learner, spec } = this.requireModel('act');
    if (observation.length !== spec.observationSize) {
      throw new RangeError(`${this.who}.act: the observation has ${observation.length} values, the agent takes ${spec.observationSize}`);
    }
    return scaleToBounds(spec.action, learner.actor.act(observation, this.rng, options.deterministic ?? false));
  }

  async save(target: string | CheckpointStore): Promise<void> {
    await saveCheckpoint(target, () => this.toCheckpoint());
  }

  toCheckpoint(): Checkpoint {
    const { learner, replay, spec } = this.requireModel('save');
    const run = this.run;
    const extra: JsonObject = {
      model: { observationSize: spec.observationSize, action: actionSpecToJSON(spec.action) as unknown as JsonObject },
      run: run === null ? null : { collection: run.collection.toJSON(), pendingResets: Array.from(run.pendingResets) },
    };
    return writeAgentCheckpoint({
      algorithm: this.algorithm,
      config: JSON.parse(JSON.stringify(this.config)) as JsonObject,
      rngState: this.rng.getState(),
      counters: { ...this.counters, updates: learner.updates },
      variables: learner.variableGroups(),
      optimizers: learner.optimizerStates(),
      blobs: {
        replay: { bytes: replay.snapshot() },
        ...(run === null ? {} : { observations: Float32Array.from(run.collection.observations) }),
      },
      extra,
    });
  }

  dispose(): void {
    this.model?.learner.dispose();
    this.model = null;
  }

  /**
   * Restores `agent` (built from the checkpoint's config) from `cp`; disposes it and rethrows on a
   * corrupt checkpoint.
   */
  protected static restore<A extends OffPolicyAgent<OffPolicyShellConfig, OffPolicyLearner>>(agent: A, checkpoint: AgentCheckpoint): A {
    try {
      agent.restoreFrom(checkpoint);
      return agent;
    } catch (error) {
      agent.dispose();
      throw asCheckpointError(error, agent.algorithm);
    }
  }

  /** `create(config)` for the checkpoint's config; a config out of range is a corrupt checkpoint. */
  protected static withConfig<A>(checkpoint: AgentCheckpoint, algorithm: string, create: (config: JsonObject) => A): A {
    try {
      return create(checkpoint.config);
    } catch (error) {
      throw asCheckpointError(error, algorithm);
    }
  }

  private restoreFrom(checkpoint: AgentCheckpoint): void {
    const extra = checkpoint.extra;
    const modelJson = extra.model as { observationSize?: unknown; action?: ActionSpecJSON } | undefined;
    const observationSize = modelJson?.observationSize;
    if (!Number.isInteger(observationSize) || (observationSize as number) < 1 || modelJson?.action?.kind !== 'box') {
      throw new RangeError(`${this.who}.load: the checkpoint's extra.model is not a Box model spec: ${JSON.stringify(modelJson)}`);
    }
    const spec: OffPolicyModelSpec = { observationSize: observationSize as number, action: actionSpecFromJSON(modelJson.action) as BoxActionSpec };
    const counters = checkpoint.counters(COUNTER_NAMES);
    const model = this.ensureModel(spec);
    model.learner.restore(checkpoint, counters.updates);
    model.replay.restore(checkpoint.bytes('replay'));
    const runJson = extra.run as { collection: JsonObject; pendingResets: number[] } | null | undefined;
    if (runJson !== null && runJson !== undefined) {
      const numEnvs = runJson.collection.numEnvs as number;
      const observations = checkpoint.float32('observations', [numEnvs * spec.observationSize]);
      const collection = Collection.fromJSON(runJson.collection, observations);
      if (!Array.isArray(runJson.pendingResets) || runJson.pendingResets.length !== numEnvs) {
        throw new RangeError(`${this.who}.load: extra.run.pendingResets must have ${numEnvs} entries`);
      }
      this.run = { collection, pendingResets: Uint8Array.from(runJson.pendingResets) };
    }
    this.counters = { steps: counters.steps, episodes: counters.episodes, sinceTrain: counters.sinceTrain };
    this.rng.setState(checkpoint.rngState);
  }

  // ---------------------------------------------------------------------------------------------

  private async startRun(env: VectorEnv<unknown, unknown>, continueRun: boolean | 'new-episodes'): Promise<{ model: Model<L>; run: Run }> {
    const action = actionSpec(env.singleActionSpace, `${this.who}.learn`, ['box']) as BoxActionSpec;
    const model = this.ensureModel({ observationSize: env.observationSize, action });
    if (continueRun === true) {
      const run = this.run;
      if (run === null) throw new Error(`${this.who}.learn: continueRun needs a run to continue (learn or load first)`);
      run.collection.checkContinues(env, `${this.who}.learn`);
      return { model, run };
    }
    const collection = await Collection.start(env, this.rng);
    this.run = { collection, pendingResets: new Uint8Array(env.numEnvs) };
    if (continueRun !== 'new-episodes') this.counters.sinceTrain = 0;
    return { model, run: this.run };
  }

  /** One action per sub-env (uniform random before `learningStarts`), one vector step, its transitions into replay. */
  private async collectStep(env: VectorEnv<unknown, unknown>, model: Model<L>, run: Run): Promise<void> {
    const { collection, pendingResets } = run;
    const { numEnvs } = collection;
    const d = model.spec.action.size;
    const unit =
      this.counters.steps < this.config.learningStarts
        ? this.rng.fillUniform(new Float32Array(numEnvs * d), -1, 1)
        : model.learner.actor.act(collection.observations, this.rng, false);
    const observations = collection.observations;
    const { step, finished } = await collection.step(env, scaleToBounds(model.spec.action, unit));
    storeTransitions(model.replay, { observations, actions: unit, step, autoresetMode: collection.autoresetMode, pendingResets, observationSize: model.spec.observationSize, actionSize: d });
    this.counters.episodes += finished;
    this.counters.steps += numEnvs;
    this.counters.sinceTrain += numEnvs;
  }

  /** One update on a uniformly replayed batch. */
  private train(model: Model<L>): Metrics {
    const sampled = model.replay.sample(this.config.batchSize, this.rng, { out: model.batch });
    return model.learner.update({
      size: sampled.size,
      observations: sampled.observations,
      actions: sampled.actions as Float32Array,
      rewards: sampled.rewards,
      nextObservations: sampled.nextObservations,
      terminated: sampled.terminated,
    });
  }

  private trainingState(): TrainingState {
    return trainingState(this.counters, this.updates, this.run?.collection);
  }

  private ensureModel(spec: OffPolicyModelSpec): Model<L> {
    if (this.model !== null) {
      const had = this.model.spec;
      assertSameModel(this.who, had, spec);
      return this.model;
    }
    const learner = this.createLearner(spec);
    const replay = new UniformReplayBuffer({
      capacity: this.config.bufferSize,
      observationShape: [spec.observationSize],
      actionShape: [spec.action.size],
      actionDtype: 'float32',
    });
    this.model = { spec, learner, replay, batch: replay.createBatch(this.config.batchSize) };
    return this.model;
  }

  private requireModel(who: string): Model<L> {
    if (this.model === null) throw new Error(`${this.who}.${who}: the agent has no network yet; call learn() or ${this.who}.load() first`);
    return this.model;
  }
}

/** `error` as a {@link CheckpointError} (as it is when it already is one). */
function asCheckpointError(error: unknown, algorithm: string): unknown {
  if (error instanceof CheckpointError || !(error instanceof Error)) return error;
  return new CheckpointError(`not a usable ${algorithm} checkpoint`, [error.message]);
}

/** One vector step as {@link storeTransitions} takes it. */
export interface VectorTransitions {
  /** s_t [numEnvs × observationSize]. */
  readonly observations: Float32Array;
  /** a_t in [−1, 1] [numEnvs × actionSize]. */
  readonly actions: Float32Array;
  readonly step: VectorStepResult;
  readonly autoresetMode: AutoresetMode;
  /** Next-step autoreset bookkeeping, updated in place. */
  readonly pendingResets: Uint8Array;
  readonly observationSize: number;
  readonly actionSize: number;
}

/**
 * Adds the transitions of one vector step: s' is the episode's last observation when it ended
 * (`finalObservations` under same-step autoreset); under next-step autoreset the step after an
 * episode's end is the reset, which is no transition and is skipped.
 */
export function storeTransitions(replay: UniformReplayBuffer, t: VectorTransitions): void {
  const { observations, actions, step, autoresetMode, pendingResets, observationSize: o, actionSize: d } = t;
  const numEnvs = pendingResets.length;
  for (let i = 0; i < numEnvs; i++) {
    const done = step.terminated[i] === 1 || step.truncated[i] === 1;
    if (autoresetMode === 'next-step' && pendingResets[i] === 1) {
      pendingResets[i] = 0;
      continue;
    }
    const source = autoresetMode === 'same-step' && done ? step.finalObservations! : step.observations;
    replay.add({
      observation: observations.subarray(i * o, (i + 1) * o),
      action: actions.subarray(i * d, (i + 1) * d),
      reward: step.rewards[i]!,
      nextObservation: source.subarray(i * o, (i + 1) * o),
      terminated: step.terminated[i] === 1,
      truncated: step.truncated[i] === 1,
    });
    if (autoresetMode === 'next-step' && done) pendingResets[i] = 1;
  }
}
