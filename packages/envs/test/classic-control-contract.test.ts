import { Acrobot, CartPole, makeEnv, MountainCar, MountainCarContinuous, Pendulum } from '@tfrl/envs';
import { describeEnvContract } from '@tfrl/testing';

// Raw envs have no time limit: the step-after-end check is skipped for those whose random
// episodes do not end within 500 steps (Acrobot, MountainCar, MountainCarContinuous, Pendulum).
describeEnvContract('CartPole', () => new CartPole());
describeEnvContract('CartPole (suttonBartoReward)', () => new CartPole({ suttonBartoReward: true }));
describeEnvContract('Acrobot', () => new Acrobot());
describeEnvContract('MountainCar', () => new MountainCar());
describeEnvContract('MountainCarContinuous', () => new MountainCarContinuous(), { clipsActions: true });
describeEnvContract('Pendulum', () => new Pendulum(), { clipsActions: true });

describeEnvContract("makeEnv('CartPole-v1')", () => makeEnv('CartPole-v1'));
describeEnvContract("makeEnv('Acrobot-v1')", () => makeEnv('Acrobot-v1'));
describeEnvContract("makeEnv('MountainCar-v0')", () => makeEnv('MountainCar-v0'));
describeEnvContract("makeEnv('MountainCarContinuous-v0')", () => makeEnv('MountainCarContinuous-v0'), {
  clipsActions: true,
  maxSteps: 1000,
});
describeEnvContract("makeEnv('Pendulum-v1')", () => makeEnv('Pendulum-v1'), { clipsActions: true });
