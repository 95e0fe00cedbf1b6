export { expectNoTensorLeak, type NoTensorLeakOptions } from './expect-no-tensor-leak.js';
export {
  arbitraryFromSpace,
  arbitraryFromSpaceJSON,
  arbitraryOutsideSpace,
  arbitraryOutsideSpaceJSON,
  arbitrarySpace,
  arbitrarySpaceJSON,
  type ArbitrarySpaceOptions,
} from './arbitraries.js';
export {
  describeEnvContract,
  checkEnvContract,
  envContractChecks,
  type EnvContractOptions,
  type EnvContractCheck,
  type EnvCheck,
  type ContractCheckResult,
  type ContractViolation,
} from './describe-env-contract.js';
export {
  describeReplayContract,
  checkReplayContract,
  replayContractChecks,
  contractTransition,
  type ReplayContractOptions,
  type ReplayContractCheck,
  type ReplayCheck,
  type MakeReplayBuffer,
} from './describe-replay-contract.js';
export {
  describeSpaceContract,
  checkSpaceContract,
  spaceContractChecks,
  sameSpaceValue,
  equalAsFloat32,
  type SpaceContractOptions,
  type SpaceContractCheck,
  type SpaceCheck,
} from './describe-space-contract.js';
export { read, useCpuBackend, useWasmBackend, weightsOf } from './tfjs-backends.js';
