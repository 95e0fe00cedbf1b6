import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Env } from '@tfrl/core';
import { createAdam, createSgd } from '@tfrl/core/nn';
import { dqnLoss, tdTarget } from './loss.js';
import { createQNetwork, type QNetwork } from './network.js';
import type { DqnActivation } from './config.js';
import { discreteActions } from './vector-env.js';

/** Configuration of {@link onlineQLearning}. */
export interface OnlineQLearningConfig {
  /** Seeds the weights and the ε-greedy draws. */
  readonly seed: number;
  /** Episodes to run. */
  readonly episodes: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** Probability of a uniformly random action. In [0, 1]. */
  readonly epsilon: number;
  /** Plain SGD (the book's choice) or Adam. */
  readonly optimizer: 'sgd' | 'adam';
  /** Step size of the optimizer. */
  readonly learningRate: number;
  /** Torso widths of the Q-network. */
  readonly hiddenSizes: readonly number[];
  readonly activation: DqnActivation;
  /** Steps after which an episode is cut (the env's own limit may come first). */
  readonly maxStepsPerEpisode: number;
}

/**
 * Defaults for small tabular-like tasks such as the one-hot GridWorld, where they find value
 * iteration's greedy policy for every seed tried (0–7): plain SGD at 0.1, a 32-unit ReLU layer,
 * ε = 0.5 (Q-learning is off-policy: much exploration costs nothing but time), 500 episodes.
 */
export const defaultOnlineQLearningConfig: OnlineQLearningConfig = Object.freeze({
  seed: 0,
  episodes: 500,
  gamma: 0.9,
  epsilon: 0.5,
  optimizer: 'sgd',
  learningRate: 0.1,
  hiddenSizes: Object.freeze([32]),
  activation: 'relu',
  maxStepsPerEpisode: 100,
});

/** What {@link onlineQLearning} returns. */
export interface OnlineQLearningResult {
  /** The trained Q-network (dispose it when done). */
  readonly network: QNetwork;
  /** Undiscounted return of each episode. */
  readonly episodeReturns: number[];
  /** argmax_a Q(observation, a) as an env action. */
  greedyAction(observation: Float32Array): number;
}

/**
 * Q-learning with a neural network, online: after every step one gradient step on that single
 * transition, towards y = r + γ·(1 − terminated)·max_a Q(s', a) from the same network (no replay
 * buffer, no target network — the step before DQN). Loss ½(Q(s, a) − y)², Adam.
 */
export function onlineQLearning(env: Env<Float32Array, number>, overrides: Partial<OnlineQLearningConfig> = {}): OnlineQLearningResult {
  const config = { ...defaultOnlineQLearningConfig, ...overrides };
  for (const field of ['episodes', 'maxStepsPerEpisode'] as const) {
    if (!Number.isInteger(config[field]) || config[field] < 1) throw new RangeError(`onlineQLearning: ${field} must be an integer >= 1, got ${config[field]}`);
  }
  for (const field of ['gamma', 'epsilon'] as const) {
    if (!(config[field] >= 0 && config[field] <= 1)) throw new RangeError(`onlineQLearning: ${field} must be in [0, 1], got ${config[field]}`);
  }
  const rng = Rng.fromSeed(config.seed);
  const { n: actions, start } = discreteActions(env.actionSpace, 'onlineQLearning');
  const inputSize = env.observationSpace.flatDim;
  const network = createQNetwork(
    { inputSize, actions, hiddenSizes: config.hiddenSizes, activation: config.activation, dueling: false, noisy: false, distributional: false, name: 'online_q' },
    rng,
  );
  const optimizer = config.optimizer === 'adam' ? createAdam({ learningRate: config.learningRate }) : createSgd({ learningRate: config.learningRate });
  const variables = network.trainableVariables();
  const qOf = (observation: Float32Array): Float32Array => {
    const q = tf.tidy(() => network.qValues(tf.tensor2d(observation, [1, inputSize])));
    const values = q.dataSync() as Float32Array;
    q.dispose();
    return values;
  };
  const argmax = (values: Float32Array): number => values.reduce((best, v, a) => (v > values[best]! ? a : best), 0);
  const episodeReturns: number[] = [];
  for (let episode = 0; episode < config.episodes; episode++) {
    let { observation } = env.reset(episode === 0 ? { seed: config.seed } : {});
    let episodeReturn = 0;
    for (let t = 0; t < config.maxStepsPerEpisode; t++) {
      const action = rng.uniform() < config.epsilon ? rng.int(actions) : argmax(qOf(observation));
      const step = env.step(action + start);
      episodeReturn += step.reward;
      tf.tidy(() => {
        const targets = tdTarget({
          rewards: tf.tensor1d([step.reward]),
          discounts: tf.tensor1d([config.gamma]),
          terminated: tf.tensor1d([step.terminated ? 1 : 0]),
          nextQTarget: network.qValues(tf.tensor2d(step.observation, [1, inputSize])),
        });
        const observations = tf.tensor2d(observation, [1, inputSize]);
        const chosen = tf.tensor1d([action], 'int32');
        // ½δ² is the Huber loss for |δ| ≤ 1; MSE halved keeps the step size of ½δ² for larger errors.
        optimizer.minimize(() => tf.mul(0.5, dqnLoss({ q: network.qValues(observations), actions: chosen, targets, kind: 'mse' }).loss), variables);
      });
      observation = step.observation;
      if (step.terminated || step.truncated) break;
    }
    episodeReturns.push(episodeReturn);
  }
  return { network, episodeReturns, greedyAction: (observation) => argmax(qOf(observation)) + start };
}
