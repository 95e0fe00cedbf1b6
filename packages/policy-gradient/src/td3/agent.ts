import {
  CallbackRunner,
  CheckpointError,
  Rng,
  asVectorEnv,
  type ActOptions,
  type Checkpoint,
  type CheckpointStore,
  type JsonObject,
  type TrainReport,
  type TrainingState,
  type VectorEnv,
} from '@tfrl/core';
import { UniformReplayBuffer, type ReplayBatch } from '@tfrl/replay';
import {
  actionSpec,
  actionSpecFromJSON,
  actionSpecToJSON,
  sameActionSpec,
  scaleToBounds,
  type ActionSpecJSON,
  type BoxActionSpec,
} from '../common/action-spec.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from '../common/agent.js';
import { AgentCheckpoint, resolveStore, writeAgentCheckpoint } from '../common/checkpoint.js';
import { Collection } from '../common/collection.js';
import type { DeterministicFields } from './config.js';
import { Td3Learner, type Td3Batch, type Td3LearnerSettings } from './learner.js';
import { ExplorationNoise } from './noise.js';
import { checkTotalSteps, finishRun, runStart, trainingState } from '../common/training.js';

/** What distinguishes TD3 from DDPG in the shared agent. */
export type DeterministicVariant = Pick<Td3LearnerSettings, 'critics' | 'policyDelay' | 'targetPolicyNoise' | 'targetNoiseClip'>;

interface Model {
  readonly observationSize: number;
  readonly action: BoxActionSpec;
  readonly learner: Td3Learner;
  readonly replay: UniformReplayBuffer;
  readonly batch: ReplayBatch;
}

/** The episodes in progress: observations and statistics, exploration noise, pending resets. */
interface Run {
  readonly collection: Collection;
  readonly noise: ExplorationNoise;
  /** `next-step` autoreset: 1 where the sub-env's last step ended its episode, so its next step is the reset. */
  readonly resetting: Uint8Array;
}

interface Counters {
  steps: number;
  episodes: number;
  /** Env steps since the last learning phase. */
  sinceTrain: number;
}

const COUNTERS = ['steps', 'episodes', 'sinceTrain', 'updates'] as const;

/**
 * Off-policy deterministic actor-critic, the shared body of {@link TD3} and {@link DDPG}
 * (Stable-Baselines3 also makes DDPG a special case of TD3): a deterministic actor μ(s) with a
 * tanh output scaled to the Box bounds, one or two critics Q(s, a), target copies of all with
 * Polyak averaging, a uniform replay buffer, exploration noise in the normalised action scale
 * and uniformly random actions for the first `learningStarts` steps. Everything random draws from
 * one Rng seeded by `config.seed`; a checkpoint holds everything to continue bit for bit.
 */
export abstract class DeterministicActorCriticAgent<C extends DeterministicFields> implements PolicyGradientAgent<Float32Array> {
  readonly algorithm: string;
  readonly config: C;
  protected readonly who: string;
  protected readonly rng: Rng;
  private readonly variant: DeterministicVariant;
  private model: Model | null = null;
  private run: Run | null = null;
  private counters: Counters = { steps: 0, episodes: 0, sinceTrain: 0 };

  protected constructor(algorithm: string, who: string, config: C, variant: DeterministicVariant) {
    this.algorithm = algorithm;
    this.who = who;
    this.config = config;
    this.variant = variant;
    this.rng = Rng.fromSeed(config.seed);
  }

  /** Env steps taken over all runs. */
  get steps(): number {
    return this.counters.steps;
  }

  /** Gradient updates (critic steps) over all runs. */
  get updates(): number {
    return this.model?.learner.updates ?? 0;
  }

  /** The learner with the networks (null before the first `learn` or `load`). */
  get learner(): Td3Learner | null {
    return this.model?.learner ?? null;
  }

  /**
   * The loop: act (random before `learningStarts`, then μ(s) + noise), step every sub-env, store
   * the transitions, and every `trainFrequency` steps do `gradientSteps` updates on uniform
   * samples. Callbacks see every step and update; one returning false stops training.
   */
  async learn(options: PolicyGradientLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps(this.who, totalSteps);
    const env = asVectorEnv(options.env as VectorEnv<unknown, Float32Array>);
    const { model, run } = await this.startRun(env, continueRun);
    const { counters, config } = this;
    const end = counters.steps + totalSteps;
    const first = runStart(counters, this.updates);
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (counters.steps < end && !runner.stopRequested) {
      await this.collectStep(env, model, run);
      if (counters.steps < config.learningStarts || model.replay.size < config.batchSize) counters.sinceTrain = 0;
      while (counters.sinceTrain >= config.trainFrequency && !runner.stopRequested) {
        counters.sinceTrain -= config.trainFrequency;
        for (let g = 0; g < config.gradientSteps && !runner.stopRequested; g++) {
          const batch = model.replay.sample(config.batchSize, this.rng, { out: model.batch });
          await runner.update(this.trainingState(), model.learner.update(batch as Td3Batch));
        }
      }
      if (runner.hasStepHooks) await runner.step(this.trainingState());
    }
    return finishRun(runner, first, this.trainingState());
  }

  /**
   * The env action for one flat observation: μ(s) scaled to the bounds with `deterministic`,
   * else with Gaussian noise of the configured σ (normalised scale) from the agent's Rng.
   */
  act(observation: Float32Array, options: ActOptions = {}): Float32Array {
    const model = this.requireModel('act');
    checkObservations(`${this.who}.act`, observation, model.observationSize);
    const unit = model.learner.actions(observation);
    if (options.deterministic !== true) {
      const sigma = this.config.actionNoise.sigma;
      for (let i = 0; i < unit.length; i++) unit[i] = clipUnit(unit[i]! + this.rng.normal(0, sigma));
    }
    return scaleToBounds(model.action, unit);
  }

  /** Saves everything a resumed run needs to a directory (Node) or a {@link CheckpointStore}. */
  async save(target: string | CheckpointStore): Promise<void> {
    const store = await resolveStore(target);
    await store.write(this.toCheckpoint());
  }

  /**
   * The agent as a core checkpoint: config, Rng state, counters, the four networks, both Adam
   * states, the replay buffer, and the run in progress (observations, episode statistics,
   * exploration-noise state, pending resets).
   */
  toCheckpoint(): Checkpoint {
    const { learner, replay, observationSize, action } = this.requireModel('save');
    const { actorOptimizer, criticOptimizer, updates } = learner.getState();
    const run = this.run;
    const blobs: Record<string, { data: Float32Array; shape: number[] } | { bytes: Uint8Array }> = { replay: { bytes: replay.snapshot() } };
    if (run !== null) {
      const n = run.collection.numEnvs;
      blobs.observations = { data: run.collection.observations, shape: [n, observationSize] };
      blobs.noise = { data: run.noise.state, shape: [n, action.size] };
      blobs.resetting = { data: Float32Array.from(run.resetting), shape: [n] };
    }
    return writeAgentCheckpoint({
      algorithm: this.algorithm,
      config: this.config as unknown as JsonObject,
      rngState: this.rng.getState(),
      counters: { ...this.counters, updates },
      variables: learner.variableGroups(),
      optimizers: { actorAdam: actorOptimizer, criticAdam: criticOptimizer },
      blobs,
      extra: { model: { observationSize, action: actionSpecToJSON(action) }, run: run === null ? null : run.collection.toJSON() },
    });
  }

  /** Frees the networks' tensors. */
  dispose(): void {
    this.model?.learner.dispose();
    this.model = null;
  }

  /** Restores a checkpoint's state into this freshly constructed agent (its config came from `checkpoint`). */
  protected restore(checkpoint: AgentCheckpoint): void {
    const problems: string[] = [];
    const spec = (checkpoint.extra.model ?? {}) as { observationSize?: unknown; action?: ActionSpecJSON };
    const observationSize = spec.observationSize;
    if (!Number.isInteger(observationSize) || (observationSize as number) < 1) problems.push(`extra.model.observationSize must be an integer >= 1, got ${String(observationSize)}`);
    const actionJson = spec.action;
    if (actionJson?.kind !== 'box' || !Array.isArray(actionJson.shape) || !Array.isArray(actionJson.low) || !Array.isArray(actionJson.high)) {
      problems.push(`extra.model.action must be a Box action spec, got ${JSON.stringify(actionJson ?? null)}`);
    }
    if (problems.length > 0) throw new CheckpointError(`not a usable ${this.algorithm} checkpoint`, problems);
    const counters = checkpoint.counters(COUNTERS);
    const model = this.ensureModel(observationSize as number, actionSpecFromJSON(actionJson!) as BoxActionSpec);
    const { learner, replay } = model;
    const groups = learner.variableGroups();
    for (const [group, variables] of Object.entries(groups)) checkpoint.restoreVariables(group, variables);
    const size = (variables: readonly { size: number }[]) => variables.reduce((n, v) => n + v.size, 0);
    learner.setState({
      updates: counters.updates,
      actorOptimizer: checkpoint.optimizer('actorAdam', size(groups.actor)),
      criticOptimizer: checkpoint.optimizer('criticAdam', size(groups.critics)),
    });
    try {
      replay.restore(checkpoint.bytes('replay'));
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(`not a usable ${this.algorithm} checkpoint`, [`replay: ${(error as Error).message}`]);
    }
    const runJson = checkpoint.extra.run as JsonObject | null | undefined;
    if (runJson !== null && runJson !== undefined) {
      const n = runJson.numEnvs as number;
      if (!Number.isInteger(n) || n < 1) throw new CheckpointError(`not a usable ${this.algorithm} checkpoint`, [`extra.run.numEnvs must be an integer >= 1, got ${String(n)}`]);
      let collection: Collection;
      try {
        collection = Collection.fromJSON(runJson, checkpoint.float32('observations', [n, model.observationSize]));
      } catch (error) {
        if (error instanceof CheckpointError) throw error;
        throw new CheckpointError(`not a usable ${this.algorithm} checkpoint`, [`extra.run: ${(error as Error).message}`]);
      }
      const noise = new ExplorationNoise(this.config.actionNoise, n, model.action.size);
      noise.state = checkpoint.float32('noise', [n, model.action.size]);
      const resetting = Uint8Array.from(checkpoint.float32('resetting', [n]));
      this.run = { collection, noise, resetting };
    }
    this.counters = { steps: counters.steps, episodes: counters.episodes, sinceTrain: counters.sinceTrain };
    this.rng.setState(checkpoint.rngState); // the learner holds this very Rng
  }

  // ---------------------------------------------------------------------------------------------

  /** Builds the model on first use; resets the env for a new run or checks it for a continued one. */
  private async startRun(env: VectorEnv<unknown, Float32Array>, continueRun: boolean | 'new-episodes'): Promise<{ model: Model; run: Run }> {
    const action = actionSpec(env.singleActionSpace, `${this.who}.learn`, ['box']) as BoxActionSpec;
    const model = this.ensureModel(env.observationSize, action);
    if (continueRun === true) {
      if (this.run === null) throw new Error(`${this.who}.learn: continueRun needs a run to continue (learn or load first)`);
      this.run.collection.checkContinues(env, `${this.who}.learn`);
      return { model, run: this.run };
    }
    const collection = await Collection.start(env, this.rng);
    const n = env.numEnvs;
    this.run = { collection, noise: new ExplorationNoise(this.config.actionNoise, n, action.size), resetting: new Uint8Array(n) };
    if (continueRun !== 'new-episodes') this.counters.sinceTrain = 0;
    return { model, run: this.run };
  }

  /** One action per sub-env, one vector step, its transitions into replay. */
  private async collectStep(env: VectorEnv<unknown, Float32Array>, model: Model, run: Run): Promise<void> {
    const { collection, noise, resetting } = run;
    const { numEnvs } = collection;
    const size = model.action.size;
    const observations = collection.observations;
    let unit: Float32Array;
    if (this.counters.steps < this.config.learningStarts) {
      unit = this.rng.fillUniform(new Float32Array(numEnvs * size), -1, 1);
    } else {
      checkObservations(`${this.who}.learn`, observations, model.observationSize);
      unit = model.learner.actions(observations);
      const added = noise.sample(this.rng);
      for (let i = 0; i < unit.length; i++) unit[i] = clipUnit(unit[i]! + added[i]!);
    }
    const { step, finished } = await collection.step(env, scaleToBounds(model.action, unit));
    this.counters.episodes += finished;
    const sameStep = collection.autoresetMode === 'same-step';
    const obs = model.observationSize;
    for (let i = 0; i < numEnvs; i++) {
      const done = step.terminated[i] === 1 || step.truncated[i] === 1;
      if (resetting[i] === 0) {
        // Bootstrap through truncation: the final observation of a truncated episode is s'.
        const nextSource = sameStep && done ? step.finalObservations! : step.observations;
        model.replay.add({
          observation: observations.subarray(i * obs, (i + 1) * obs),
          action: unit.subarray(i * size, (i + 1) * size),
          reward: step.rewards[i]!,
          nextObservation: nextSource.subarray(i * obs, (i + 1) * obs),
          terminated: step.terminated[i] === 1,
          truncated: step.truncated[i] === 1,
        });
      }
      if (done) noise.resetEnv(i);
      resetting[i] = !sameStep && done ? 1 : 0;
    }
    this.counters.steps += numEnvs;
    this.counters.sinceTrain += numEnvs;
  }

  private trainingState(): TrainingState {
    return trainingState(this.counters, this.updates, this.run?.collection);
  }

  /** Builds the networks, learner and replay on first use (drawing the weights from the Rng). */
  private ensureModel(observationSize: number, action: BoxActionSpec): Model {
    if (this.model !== null) {
      if (this.model.observationSize !== observationSize || !sameActionSpec(this.model.action, action)) {
        throw new Error(`${this.who}: the env has ${observationSize} observation values and ${action.size} actions; the agent was built for another env (${this.model.observationSize} and ${this.model.action.size})`);
      }
      return this.model;
    }
    const { config, variant } = this;
    const learner = new Td3Learner(
      {
        observationSize,
        actionSize: action.size,
        hiddenSizes: config.hiddenSizes,
        activation: config.activation,
        learningRate: config.learningRate,
        gamma: config.gamma,
        tau: config.tau,
        ...variant,
      },
      this.rng,
      this.algorithm,
    );
    const replay = new UniformReplayBuffer({ capacity: config.bufferSize, observationShape: [observationSize], actionShape: [action.size], actionDtype: 'float32' });
    this.model = { observationSize, action, learner, replay, batch: replay.createBatch(config.batchSize) };
    return this.model;
  }

  private requireModel(who: string): Model {
    if (this.model === null) throw new Error(`${this.who}.${who}: the agent has no networks yet; call learn() or ${this.who}.load() first`);
    return this.model;
  }
}

/** The config of a checkpoint, validated by `validate`; a bad field becomes a {@link CheckpointError}. */
export function configFromCheckpoint<C>(checkpoint: AgentCheckpoint, algorithm: string, validate: (overrides: Partial<C>) => C): C {
  try {
    return validate(checkpoint.config as unknown as Partial<C>);
  } catch (error) {
    throw new CheckpointError(`not a usable ${algorithm} checkpoint`, [`config: ${(error as Error).message}`]);
  }
}

/** Rows of `size` finite numbers; anything else throws a RangeError naming the first bad value. */
function checkObservations(who: string, values: Float32Array, size: number): void {
  if (values.length === 0 || values.length % size !== 0) throw new RangeError(`${who}: observation has ${values.length} values, expected ${size}`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new RangeError(`${who}: observation[${i}] is ${values[i]}, expected a finite number`);
  }
}

function clipUnit(x: number): number {
  return x < -1 ? -1 : x > 1 ? 1 : x;
}
