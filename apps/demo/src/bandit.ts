// `pnpm start`: trains a softmax policy on a contextual bandit and prints it learning.
import '@tensorflow/tfjs-layers'; // registers the gradient functions tfjs-core lacks in Node
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tfrl/backend-node-gpu';
import { GradientBanditAgent } from './bandit-agent.js';
import { ContextualBandit } from './contextual-bandit.js';

const CONTEXTS = 8;
const ARMS = 5;
const BATCH = 64;
const UPDATES = 400;
const REPORT_EVERY = 25;

tf.enableProdMode();
const backend = await initBackend();
console.log(`tfjs backend: ${backend.name}${backend.gpu ? ' (GPU)' : ''}`);

const bandit = new ContextualBandit({ contexts: CONTEXTS, arms: ARMS, rewardNoise: 0.5, seed: 1 });
const agent = new GradientBanditAgent({
  contexts: CONTEXTS,
  arms: ARMS,
  hiddenSizes: [32],
  learningRate: 0.01,
  entropyCoefficient: 0.05,
  seed: 1,
});
const reference = bandit.referenceRewards();
console.log(
  `contextual bandit: ${CONTEXTS} contexts × ${ARMS} arms; mean reward of a random policy ` +
    `${reference.random.toFixed(3)}, of the best policy ${reference.optimal.toFixed(3)}`,
);
console.log('update   pulls   mean reward   random→best   optimal arm   entropy');

const started = performance.now();
let windowReward = 0;
let windowOptimal = 0;
let windowPulls = 0;
for (let update = 1; update <= UPDATES; update++) {
  const { contexts, observations } = bandit.observe(BATCH);
  const arms = agent.act(observations);
  const rewards = bandit.pull(contexts, arms);
  const metrics = agent.update(observations, arms, rewards);
  for (let i = 0; i < BATCH; i++) {
    windowReward += rewards[i]!;
    if (arms[i] === bandit.bestArm(contexts[i]!)) windowOptimal++;
  }
  windowPulls += BATCH;
  if (update % REPORT_EVERY === 0) {
    console.log(
      `${String(update).padStart(6)}  ${String(update * BATCH).padStart(6)}  ` +
        `${(windowReward / windowPulls).toFixed(3).padStart(11)}  ` +
        `${((100 * (windowReward / windowPulls - reference.random)) / (reference.optimal - reference.random)).toFixed(1).padStart(10)}%  ` +
        `${((100 * windowOptimal) / windowPulls).toFixed(1).padStart(10)}%  ${metrics.entropy.toFixed(3).padStart(8)}`,
    );
    windowReward = windowOptimal = windowPulls = 0;
  }
}

// Greedy evaluation on fresh contexts.
const test = bandit.observe(2000);
const greedy = agent.act(test.observations, { deterministic: true });
let optimal = 0;
for (let i = 0; i < greedy.length; i++) if (greedy[i] === bandit.bestArm(test.contexts[i]!)) optimal++;
const seconds = (performance.now() - started) / 1000;
console.log(
  `greedy policy picks the best arm in ${((100 * optimal) / greedy.length).toFixed(1)}% of 2000 fresh contexts ` +
    `(chance: ${(100 / ARMS).toFixed(1)}%); ${UPDATES} updates in ${seconds.toFixed(1)} s`,
);
agent.dispose();
