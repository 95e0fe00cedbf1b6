// Test-only helpers of the dqn folder (not exported from the package).
export { read, useCpuBackend, useWasmBackend, weightsOf } from '@tfrl/testing';
