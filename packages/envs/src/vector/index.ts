export { SyncVectorEnv, type SyncVectorEnvOptions } from './sync-vector-env.js';
export {
  AsyncVectorEnv,
  type AsyncVectorEnvOptions,
  type AsyncVectorEnvSource,
  type EnvFactoryContext,
} from './async-vector-env.js';
export { CartPoleVectorEnv, type CartPoleVectorEnvOptions } from './cart-pole-vector.js';
export { PendulumVectorEnv, type PendulumVectorEnvOptions } from './pendulum-vector.js';
export { SubEnvError, type SubEnvPhase } from './sub-env-error.js';
