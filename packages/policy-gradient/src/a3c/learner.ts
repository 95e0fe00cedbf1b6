import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Env, type Metrics, type RngState } from '@tfrl/core';
import { assertFinite, variableGrads } from '@tfrl/core/nn';
import { actionSize, actionSpecFromJSON, toEnvActions, type ActionSpec, type ActionSpecJSON } from '../common/action-spec.js';
import { ActorCritic, actionTensor } from '../common/actor-critic.js';
import type { A3cConfig } from './config.js';
import { a3cLoss, a3cTargets, clipFlatGradient, scheduledLearningRate, sharedAdamStep, sharedRmsPropStep, type A3cLossResult } from './maths.js';
import { CONTROL, SharedState } from './shared.js';

/** The network an A3C agent and its workers build (JSON). */
export interface A3cModelSpec {
  readonly observationSize: number;
  readonly action: ActionSpecJSON;
}

/** Everything a worker needs besides its env (structured-cloneable: posted to the worker). */
export interface A3cWorkerSetup {
  readonly index: number;
  readonly config: A3cConfig;
  readonly model: A3cModelSpec;
  readonly buffer: SharedArrayBuffer;
  readonly paramCount: number;
  /** The worker's own stream, spawned from the agent's Rng. */
  readonly rngState: RngState;
  /** The learning-rate schedule spans run steps [0, span); `offset` of them were taken before this call. */
  readonly schedule: { readonly offset: number; readonly span: number };
}

/** One finished episode of a worker's env. */
export interface A3cEpisode {
  readonly return: number;
  readonly length: number;
}

/** What one iteration of Algorithm S3 did. */
export interface A3cRolloutResult {
  /** Env steps taken (1 … t_max). */
  readonly steps: number;
  readonly episodes: readonly A3cEpisode[];
  /** policyLoss, valueLoss, entropy, loss, gradNorm, learningRate, rolloutLength. */
  readonly metrics: Metrics;
}

/** The ActorCritic of an A3C agent or worker. */
export function createA3cNetwork(config: A3cConfig, model: A3cModelSpec, rng: Rng, name: string): ActorCritic {
  return new ActorCritic({
    observationSize: model.observationSize,
    action: actionSpecFromJSON(model.action),
    hiddenSizes: config.hiddenSizes,
    activation: config.activation,
    sharedTrunk: config.sharedTrunk,
    withValue: true,
    logStdInit: config.logStdInit,
    rng,
    name,
  });
}

/** Number of parameters of `variables`. */
export function parameterCount(variables: readonly tf.Variable[]): number {
  return variables.reduce((n, v) => n + v.size, 0);
}

/** Copies the flat `params` into `variables` (θ' ← θ). */
export function assignFlat(variables: readonly tf.Variable[], params: Float32Array): void {
  let offset = 0;
  tf.tidy(() => {
    for (const v of variables) {
      v.assign(tf.tensor(params.slice(offset, offset + v.size), v.shape, 'float32'));
      offset += v.size;
    }
  });
}

/** Writes `variables` into the flat `params`. */
export function readFlat(variables: readonly tf.Variable[], params: Float32Array): void {
  let offset = 0;
  for (const v of variables) {
    params.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
}

/**
 * One actor-learner thread of A3C (Mnih et al. 2016, Algorithm S3) with its own env and its
 * own network copy θ'. Each {@link A3cActorLearner.rollout} is one iteration of the paper's
 * loop: θ' ← θ; act for up to t_max steps (or to the episode's end); R = 0 after a terminal
 * state, else V(s_t; θ'); accumulate the gradients of the rollout's loss; apply them to the
 * shared θ with the shared optimizer, without a lock. Runs in a worker thread (`worker.ts`),
 * or in any thread for tests.
 */
export class A3cActorLearner {
  readonly index: number;
  readonly network: ActorCritic;
  readonly shared: SharedState;
  private readonly config: A3cConfig;
  private readonly spec: ActionSpec;
  private readonly env: Env<unknown, unknown>;
  private readonly rng: Rng;
  private readonly schedule: { offset: number; span: number };
  private readonly variables: tf.Variable[];
  private readonly grad: Float32Array;
  private observation: Float32Array | null = null;
  private episodeReturn = 0;
  private episodeLength = 0;
  // Rollout storage, reused.
  private readonly observations: Float32Array;
  private readonly actions: Int32Array | Float32Array;
  private readonly rewards: Float64Array;
  private readonly values: Float32Array;

  constructor(setup: A3cWorkerSetup, env: Env<unknown, unknown>) {
    const { config, model } = setup;
    this.index = setup.index;
    this.config = config;
    this.env = env;
    this.rng = Rng.fromState(setup.rngState);
    this.schedule = { ...setup.schedule };
    this.spec = actionSpecFromJSON(model.action);
    this.shared = SharedState.attach(setup.buffer, setup.paramCount, config.optimizer);
    if (env.observationSpace.flatDim !== model.observationSize) {
      throw new TypeError(`A3C worker ${setup.index}: the env has ${env.observationSpace.flatDim} observation values, the agent was built for ${model.observationSize}`);
    }
    // The initial weights are overwritten by the first sync; the draw only shapes the variables.
    this.network = createA3cNetwork(config, model, Rng.fromSeed(setup.index), `a3c/worker${setup.index}`);
    this.variables = this.network.trainableVariables();
    if (parameterCount(this.variables) !== setup.paramCount) {
      this.network.dispose();
      throw new RangeError(`A3C worker ${setup.index}: network of ${parameterCount(this.variables)} parameters, shared state of ${setup.paramCount}`);
    }
    this.grad = new Float32Array(setup.paramCount);
    const { tMax } = config;
    this.observations = new Float32Array(tMax * model.observationSize);
    this.actions = this.spec.kind === 'discrete' ? new Int32Array(tMax) : new Float32Array(tMax * this.spec.size);
    this.rewards = new Float64Array(tMax);
    this.values = new Float32Array(tMax);
  }

  /**
   * One iteration of Algorithm S3; null when no step could be claimed (budget spent or stop
   * asked). Throws, before writing to θ, on a non-finite loss or gradient.
   */
  rollout(): A3cRolloutResult | null {
    const { tMax, gamma } = this.config;
    const obsSize = this.network.config.observationSize;
    const aSize = actionSize(this.spec);
    assignFlat(this.variables, this.shared.params); // θ' ← θ
    if (this.observation === null) this.observation = this.reset(this.rng.int(0x7fffffff));
    const episodes: A3cEpisode[] = [];
    let n = 0;
    let bootstrap: number | null = null;
    while (n < tMax && this.shared.claimStep()) {
      const s = this.observation;
      this.observations.set(s, n * obsSize);
      const { actions, values } = this.network.act(s, this.rng);
      this.actions.set(actions, n * aSize);
      this.values[n] = values![0]!;
      const envAction = toEnvActions(this.spec, actions);
      const step = this.env.step(this.spec.kind === 'discrete' ? envAction[0]! : envAction);
      this.rewards[n] = step.reward;
      n++;
      this.episodeReturn += step.reward;
      this.episodeLength++;
      const next = this.flat(step.observation);
      if (step.terminated || step.truncated) {
        // Bootstrap through a truncation (the state still has a value), not a termination.
        bootstrap = step.terminated ? 0 : this.network.values(next)[0]!;
        episodes.push({ return: this.episodeReturn, length: this.episodeLength });
        this.episodeReturn = 0;
        this.episodeLength = 0;
        this.observation = this.reset();
        break;
      }
      this.observation = next;
    }
    if (n === 0) return null;
    if (bootstrap === null) bootstrap = this.network.values(this.observation)[0]!;
    const { returns, advantages } = a3cTargets(this.rewards.subarray(0, n), this.values.subarray(0, n), bootstrap, gamma);
    const metrics = this.update(this.observations.subarray(0, n * obsSize), this.actions.subarray(0, n * aSize), returns, advantages, n);
    return { steps: n, episodes, metrics };
  }

  /** dθ from the rollout's loss, checked finite, clipped, applied to the shared θ. */
  update(observations: Float32Array, actions: Int32Array | Float32Array, returns: Float32Array, advantages: Float32Array, n: number): Metrics {
    const { vfCoef, entCoef } = this.config;
    const parts: tf.Scalar[] = [];
    const tensors = tf.tidy(() => {
      const obs = tf.tensor2d(observations, [n, this.network.config.observationSize]);
      const act = actionTensor(this.spec, actions, n);
      const R = tf.tensor1d(returns);
      const A = tf.tensor1d(advantages);
      const { value, grads } = variableGrads(() => {
        const { distribution, value: v } = this.network.forward(obs);
        const result: A3cLossResult = a3cLoss({ logProbs: distribution.logProb(act), values: v!, entropy: distribution.entropy(), returns: R, advantages: A, vfCoef, entCoef });
        parts.push(tf.keep(result.policyLoss), tf.keep(result.valueLoss), tf.keep(result.entropy));
        return result.loss;
      }, this.variables);
      return [value, ...this.variables.map((v) => grads[v.name] ?? tf.zerosLike(v))];
    });
    try {
      const loss = assertFinite(tensors[0]!, `A3C worker ${this.index}`);
      const grad = this.grad;
      let offset = 0;
      for (let k = 1; k < tensors.length; k++) {
        grad.set(tensors[k]!.dataSync() as Float32Array, offset);
        offset += tensors[k]!.size;
      }
      const gradNorm = clipFlatGradient(grad, this.config.maxGradNorm);
      if (!Number.isFinite(gradNorm)) throw new Error(`non-finite gradient norm (${gradNorm}) in A3C worker ${this.index}: refusing to apply the update`);
      const learningRate = this.apply(grad);
      const [policyLoss, valueLoss, entropy] = parts.map((t) => t.dataSync()[0]!);
      return { loss, policyLoss: policyLoss!, valueLoss: valueLoss!, entropy: entropy!, gradNorm, learningRate, rolloutLength: n };
    } finally {
      tensors.forEach((t) => t.dispose());
      parts.forEach((t) => t.dispose());
    }
  }

  /** Frees the network copy and closes the env. */
  dispose(): void {
    this.network.dispose();
    this.env.close?.();
  }

  /** The shared optimizer's step on θ (Hogwild!); returns the learning rate used. */
  private apply(grad: Float32Array): number {
    const { config, shared, schedule } = this;
    const progress = schedule.span > 0 ? (schedule.offset + shared.steps) / schedule.span : 1;
    const learningRate = scheduledLearningRate(config.learningRate, config.learningRateSchedule, progress);
    const t = Atomics.add(shared.control, CONTROL.optimizerSteps, 1) + 1;
    if (config.optimizer === 'rmsprop') {
      sharedRmsPropStep(shared.params, shared.stats, grad, { learningRate, decay: config.rmsDecay, epsilon: config.epsilon });
    } else {
      const P = shared.paramCount;
      sharedAdamStep(shared.params, shared.stats.subarray(0, P), shared.stats.subarray(P), grad, { learningRate, epsilon: config.epsilon, t });
    }
    Atomics.add(shared.control, CONTROL.updates, 1);
    return learningRate;
  }

  private reset(seed?: number): Float32Array {
    const { observation } = this.env.reset(seed === undefined ? undefined : { seed });
    return this.flat(observation);
  }

  private flat(observation: unknown): Float32Array {
    const flat = this.env.observationSpace.flatten(observation);
    for (let i = 0; i < flat.length; i++) {
      if (!Number.isFinite(flat[i]!)) throw new RangeError(`A3C worker ${this.index}: the env returned a non-finite observation (${flat[i]} at ${i})`);
    }
    return flat;
  }
}
