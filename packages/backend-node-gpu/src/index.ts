export {
  initBackend,
  installHint,
  BACKEND_CANDIDATES,
  type BackendCandidate,
  type BackendName,
  type BackendAttempt,
  type ModuleLoader,
  type InitBackendOptions,
  type InitBackendResult,
} from './init-backend.js';
