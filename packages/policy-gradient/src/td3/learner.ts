import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Metrics } from '@tfrl/core';
import { createAdam, hardUpdate, mlp, polyakUpdate, variableGrads, type AdamState, type LinearActivation, type Mlp, type Optimizer } from '@tfrl/core/nn';
import { td3ActorLoss, td3CriticLoss, td3Target, targetPolicySmoothing } from './loss.js';

/** A batch of transitions as the learner reads it (actions in the normalised scale [−1, 1]). */
export interface Td3Batch {
  readonly size: number;
  /** s [size × observationSize] */
  readonly observations: Float32Array;
  /** a [size × actionSize] */
  readonly actions: Float32Array;
  /** r [size] */
  readonly rewards: Float32Array;
  /** s' [size × observationSize] */
  readonly nextObservations: Float32Array;
  /** 1 where s' is terminal [size] */
  readonly terminated: Uint8Array;
}

/** What the learner reads: TD3, or DDPG with `critics` 1, `policyDelay` 1 and no smoothing. */
export interface Td3LearnerSettings {
  readonly observationSize: number;
  readonly actionSize: number;
  readonly hiddenSizes: readonly number[];
  readonly activation: LinearActivation;
  readonly learningRate: number;
  readonly gamma: number;
  readonly tau: number;
  /** 2 (TD3's clipped double-Q) or 1 (DDPG). */
  readonly critics: number;
  readonly policyDelay: number;
  /** σ of the target smoothing noise; 0 turns smoothing off. */
  readonly targetPolicyNoise: number;
  readonly targetNoiseClip: number;
}

/** What a checkpoint keeps of a learner besides the weights. */
export interface Td3LearnerState {
  readonly updates: number;
  readonly actorOptimizer: AdamState;
  readonly criticOptimizer: AdamState;
}

/**
 * The networks and one update of TD3 / DDPG:
 * 1. critics: y = r + γ(1 − terminated)·min_k Q'_k(s', ã) with ã the (smoothed) target action;
 *    all critics take one fused gradient step on Σ_k MSE(Q_k(s, a), y) with one Adam.
 * 2. every `policyDelay`-th update: the actor ascends Q_1(s, μ(s)), then every target net moves
 *    towards its online net by Polyak averaging.
 * The actor is an MLP with a tanh output (actions in [−1, 1]); each critic an MLP on [s, a].
 * A non-finite critic loss throws before any weight is written.
 */
export class Td3Learner {
  readonly settings: Td3LearnerSettings;
  readonly actor: Mlp;
  readonly actorTarget: Mlp;
  readonly critics: readonly Mlp[];
  readonly criticTargets: readonly Mlp[];
  private readonly actorOptimizer: Optimizer<AdamState>;
  private readonly criticOptimizer: Optimizer<AdamState>;
  private readonly actorVariables: tf.Variable[];
  private readonly criticVariables: tf.Variable[];
  private readonly onlineVariables: tf.Variable[];
  private readonly targetVariables: tf.Variable[];
  private readonly rng: Rng;
  private smoothing: Float32Array = new Float32Array(0);
  private count = 0;

  /** Draws the initial weights from `rng`, which also draws the smoothing noise of each update. */
  constructor(settings: Td3LearnerSettings, rng: Rng, name: string) {
    this.settings = settings;
    this.rng = rng;
    const { observationSize, actionSize, hiddenSizes, activation } = settings;
    const actorConfig = { inputSize: observationSize, hiddenSizes, outputSize: actionSize, activation, outputActivation: 'tanh' as const, rng };
    const criticConfig = { inputSize: observationSize + actionSize, hiddenSizes, outputSize: 1, activation, rng };
    this.actor = mlp({ ...actorConfig, name: `${name}/actor` });
    this.critics = Array.from({ length: settings.critics }, (_, k) => mlp({ ...criticConfig, name: `${name}/critic_${k + 1}` }));
    // Targets start as copies: built from a throwaway Rng (the agent's is not drawn from), then assigned.
    const scratch = Rng.fromSeed(0);
    this.actorTarget = mlp({ ...actorConfig, rng: scratch, name: `${name}/actor_target` });
    this.criticTargets = this.critics.map((_, k) => mlp({ ...criticConfig, rng: scratch, name: `${name}/critic_${k + 1}_target` }));
    this.actorVariables = this.actor.trainableVariables();
    this.criticVariables = this.critics.flatMap((c) => c.trainableVariables());
    this.onlineVariables = [...this.actorVariables, ...this.criticVariables];
    this.targetVariables = [...this.actorTarget.trainableVariables(), ...this.criticTargets.flatMap((c) => c.trainableVariables())];
    hardUpdate(this.targetVariables, this.onlineVariables);
    this.actorOptimizer = createAdam({ learningRate: settings.learningRate });
    this.criticOptimizer = createAdam({ learningRate: settings.learningRate });
  }

  /** Updates done so far (critic steps). */
  get updates(): number {
    return this.count;
  }

  /** μ(s) in [−1, 1] for observations [rows × observationSize], read back. */
  actions(observations: Float32Array): Float32Array {
    const rows = observations.length / this.settings.observationSize;
    const out = tf.tidy(() => this.actor.apply(tf.tensor2d(observations, [rows, this.settings.observationSize])));
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  }

  /** One critic update, and every `policyDelay`-th call an actor and target update. */
  update(batch: Td3Batch): Metrics {
    const { settings } = this;
    const size = checkBatch(batch, settings);
    const criticLoss = tf.tidy(() => {
      const observations = tf.tensor2d(batch.observations, [size, settings.observationSize]);
      const actions = tf.tensor2d(batch.actions, [size, settings.actionSize]);
      const targets = this.targets(batch, size);
      const inputs = tf.concat([observations, actions], 1);
      const { value, grads } = variableGrads(() => td3CriticLoss(this.critics.map((c) => qOf(c, inputs)), targets), this.criticVariables);
      const loss = value.dataSync()[0]!;
      if (!Number.isFinite(loss)) {
        throw new Error(`Td3Learner: non-finite critic loss (${loss}) at update ${this.count + 1}: refusing to apply the update`);
      }
      this.criticOptimizer.step(this.criticVariables, this.criticVariables.map((v) => grads[v.name]));
      return loss;
    });
    this.count++;
    const metrics: Metrics = { criticLoss };
    if (this.count % settings.policyDelay === 0) {
      metrics.actorLoss = this.updateActor(batch, size);
      polyakUpdate(this.targetVariables, this.onlineVariables, settings.tau);
    }
    return metrics;
  }

  /** Update count and both Adam states, for checkpoints (weights are saved separately). */
  getState(): Td3LearnerState {
    return { updates: this.count, actorOptimizer: this.actorOptimizer.getState(), criticOptimizer: this.criticOptimizer.getState() };
  }

  /** Restores {@link Td3Learner.getState}'s output (moments must fit the networks). */
  setState(state: Td3LearnerState): void {
    if (!Number.isInteger(state.updates) || state.updates < 0) throw new RangeError(`Td3Learner.setState: updates must be an integer >= 0, got ${state.updates}`);
    if (state.actorOptimizer.step > 0) this.actorOptimizer.setState(state.actorOptimizer);
    if (state.criticOptimizer.step > 0) this.criticOptimizer.setState(state.criticOptimizer);
    this.count = state.updates;
  }

  /** Every variable: actor, critics, then their targets (the order checkpoints use per group). */
  variableGroups(): { actor: tf.Variable[]; critics: tf.Variable[]; actorTarget: tf.Variable[]; criticTargets: tf.Variable[] } {
    return {
      actor: this.actorVariables,
      critics: this.criticVariables,
      actorTarget: this.actorTarget.trainableVariables(),
      criticTargets: this.criticTargets.flatMap((c) => c.trainableVariables()),
    };
  }

  dispose(): void {
    for (const net of [this.actor, this.actorTarget, ...this.critics, ...this.criticTargets]) net.dispose();
  }

  /** y [size], constant (built outside any gradient tape). */
  private targets(batch: Td3Batch, size: number): tf.Tensor1D {
    const { settings } = this;
    const nextObservations = tf.tensor2d(batch.nextObservations, [size, settings.observationSize]);
    let nextActions = this.actorTarget.apply(nextObservations);
    if (settings.targetPolicyNoise > 0) {
      if (this.smoothing.length !== size * settings.actionSize) this.smoothing = new Float32Array(size * settings.actionSize);
      const noise = tf.tensor2d(this.rng.fillNormal(this.smoothing, 0, settings.targetPolicyNoise), [size, settings.actionSize]);
      nextActions = targetPolicySmoothing(nextActions, noise, settings.targetNoiseClip);
    }
    const nextInputs = tf.concat([nextObservations, nextActions], 1);
    return td3Target({
      rewards: tf.tensor1d(batch.rewards),
      terminated: tf.tensor1d(Float32Array.from(batch.terminated)),
      nextQ: this.criticTargets.map((c) => qOf(c, nextInputs)),
      gamma: settings.gamma,
    });
  }

  /** One actor step on −mean Q_1(s, μ(s)); returns the loss. */
  private updateActor(batch: Td3Batch, size: number): number {
    const { settings } = this;
    return tf.tidy(() => {
      const observations = tf.tensor2d(batch.observations, [size, settings.observationSize]);
      const critic = this.critics[0]!;
      const { value, grads } = variableGrads(
        () => td3ActorLoss(qOf(critic, tf.concat([observations, this.actor.apply(observations)], 1))),
        this.actorVariables,
      );
      const loss = value.dataSync()[0]!;
      if (!Number.isFinite(loss)) {
        throw new Error(`Td3Learner: non-finite actor loss (${loss}) at update ${this.count}: refusing to apply the update`);
      }
      this.actorOptimizer.step(this.actorVariables, this.actorVariables.map((v) => grads[v.name]));
      return loss;
    });
  }
}

/** Q(s, a) [batch] of a critic on inputs [s, a] [batch, observationSize + actionSize]. */
function qOf(critic: Mlp, inputs: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(critic.apply(inputs), [-1]);
}

function checkBatch(batch: Td3Batch, settings: Td3LearnerSettings): number {
  const { size } = batch;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`Td3Learner: batch size must be an integer >= 1, got ${size}`);
  const expect = (what: string, length: number, expected: number): void => {
    if (length !== expected) throw new RangeError(`Td3Learner: batch ${what} has length ${length}, expected ${expected}`);
  };
  expect('observations', batch.observations.length, size * settings.observationSize);
  expect('nextObservations', batch.nextObservations.length, size * settings.observationSize);
  expect('actions', batch.actions.length, size * settings.actionSize);
  expect('rewards', batch.rewards.length, size);
  expect('terminated', batch.terminated.length, size);
  return size;
}
