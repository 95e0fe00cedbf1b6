import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Metrics } from '@tfrl/core';
import { createAdam, hardUpdate, polyakUpdate, variableGrads, type AdamState, type Optimizer } from '@tfrl/core/nn';
import { restoreOptimizer, type AgentCheckpoint } from '../common/checkpoint.js';
import { finiteLoss } from '../sac/learner.js';
import { ContinuousQNetwork, SquashedGaussianActor } from '../sac/networks.js';
import { checkOffPolicyBatch, type OffPolicyBatch, type OffPolicyLearner } from '../sac/off-policy.js';
import type { OffPolicyAcConfig } from './config.js';
import { offPolicyActorLoss, offPolicyQTarget } from './loss.js';

/** Sizes an {@link OffPolicyAcLearner} is built for. */
export interface OffPolicyAcLearnerSpec {
  readonly observationSize: number;
  readonly actionSize: number;
}

/**
 * One update of the off-policy actor-critic of CS285 lecture 6 per call, on a replayed batch:
 *  1. y = r + γ(1 − d)·Q'(s', a'), a' ~ π(·|s') drawn fresh from the current policy; one Adam
 *     step on mean((Q(s, a) − y)²) with the replayed a;
 *  2. a^π ~ π(·|s) fresh at the replayed states; one Adam step on the actor loss
 *     (reparameterised, or ∇ log π(a^π|s)·Q(s, a^π));
 *  3. Polyak averaging of the target critic (τ = 1: the critic itself).
 * Each step checks its loss before writing.
 */
export class OffPolicyAcLearner implements OffPolicyLearner {
  readonly actor: SquashedGaussianActor;
  readonly critic: ContinuousQNetwork;
  readonly target: ContinuousQNetwork;
  private readonly spec: OffPolicyAcLearnerSpec;
  private readonly config: OffPolicyAcConfig;
  private readonly rng: Rng;
  private readonly actorOptimizer: Optimizer<AdamState>;
  private readonly criticOptimizer: Optimizer<AdamState>;
  private readonly actorVariables: tf.Variable[];
  private readonly criticVariables: tf.Variable[];
  private readonly targetVariables: tf.Variable[];
  private count = 0;

  constructor(spec: OffPolicyAcLearnerSpec, config: OffPolicyAcConfig, rng: Rng, name = 'off_policy_ac') {
    this.spec = spec;
    this.config = config;
    this.rng = rng;
    const q = { observationSize: spec.observationSize, actionSize: spec.actionSize, hiddenSizes: config.hiddenSizes, activation: config.activation };
    this.actor = new SquashedGaussianActor({ ...q, logStdMin: config.logStdMin, logStdMax: config.logStdMax, name: `${name}/actor` }, rng);
    this.critic = new ContinuousQNetwork({ ...q, name: `${name}/critic` }, rng);
    this.target = new ContinuousQNetwork({ ...q, name: `${name}/critic_target` }, Rng.fromSeed(0));
    this.actorVariables = this.actor.trainableVariables();
    this.criticVariables = this.critic.trainableVariables();
    this.targetVariables = this.target.trainableVariables();
    hardUpdate(this.targetVariables, this.criticVariables);
    this.actorOptimizer = createAdam({ learningRate: config.learningRate });
    this.criticOptimizer = createAdam({ learningRate: config.learningRate });
  }

  get updates(): number {
    return this.count;
  }

  update(batch: OffPolicyBatch): Metrics {
    const { observationSize: o, actionSize: d } = this.spec;
    const size = checkOffPolicyBatch('OffPolicyAcLearner', batch, o, d);
    const { gamma, actorGradient, entropyCoefficient } = this.config;
    return tf.tidy(() => {
      const observations = tf.tensor2d(batch.observations, [size, o]);
      const actions = tf.tensor2d(batch.actions, [size, d]);
      // 1. Q^π from the replayed (s, a, r, s') with a' from the current policy.
      const targets = tf.tidy(() => {
        const next = tf.tensor2d(batch.nextObservations, [size, o]);
        const nextActions = this.actor.distribution(next).sample(this.rng);
        return offPolicyQTarget({
          rewards: tf.tensor1d(batch.rewards),
          terminated: tf.tensor1d(Float32Array.from(batch.terminated)),
          nextQ: this.target.apply(next, nextActions),
          gamma,
        });
      });
      const critic = variableGrads(() => tf.mean(tf.squaredDifference(this.critic.apply(observations, actions), targets)) as tf.Scalar, this.criticVariables);
      const criticLoss = finiteLoss(critic.value, 'critic', this.count);
      this.criticOptimizer.step(this.criticVariables, this.criticVariables.map((v) => critic.grads[v.name]));
      // 2. The actor at the replayed states with fresh actions a^π.
      let lossFunction: () => tf.Scalar;
      if (actorGradient === 'reparameterized') {
        lossFunction = () => {
          const { action, logProb } = this.actor.distribution(observations).sampleWithLogProb(this.rng);
          return offPolicyActorLoss({ logProbs: logProb, q: this.critic.apply(observations, action), kind: actorGradient, entropyCoefficient });
        };
      } else {
        // a^π = tanh(u) with u drawn once; Q(s, a^π) is a constant weight of ∇ log π(a^π|s).
        const u = this.actor.distribution(observations).base.sample(this.rng);
        const q = this.critic.apply(observations, tf.tanh(u) as tf.Tensor2D);
        lossFunction = () =>
          offPolicyActorLoss({ logProbs: this.actor.distribution(observations).logProbFromPreTanh(u), q, kind: actorGradient, entropyCoefficient });
      }
      const actor = variableGrads(lossFunction, this.actorVariables);
      const actorLoss = finiteLoss(actor.value, 'actor', this.count);
      this.actorOptimizer.step(this.actorVariables, this.actorVariables.map((v) => actor.grads[v.name]));
      this.count++;
      // 3. The target critic.
      polyakUpdate(this.targetVariables, this.criticVariables, this.config.tau);
      return { criticLoss, actorLoss };
    });
  }

  variableGroups(): Record<string, tf.Variable[]> {
    return { actor: this.actorVariables, critic: this.criticVariables, target: this.targetVariables };
  }

  optimizerStates(): Record<string, AdamState> {
    return { actorAdam: this.actorOptimizer.getState(), criticAdam: this.criticOptimizer.getState() };
  }

  restore(checkpoint: AgentCheckpoint, updates: number): void {
    for (const [group, variables] of Object.entries(this.variableGroups())) checkpoint.restoreVariables(group, variables);
    restoreOptimizer(this.actorOptimizer, checkpoint, 'actorAdam', this.actorVariables);
    restoreOptimizer(this.criticOptimizer, checkpoint, 'criticAdam', this.criticVariables);
    this.count = updates;
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.target.dispose();
  }
}
