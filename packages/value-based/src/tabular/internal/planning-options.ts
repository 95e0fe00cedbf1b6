// Defaults and checks of the planning methods' options; not exported from the package.
import type { TabularModel } from '@tfrl/core';
import { checkIntegerAtLeast, checkPositive, checkUnitInterval } from './validate.js';

/** Planning options with every default filled in and every field checked. */
export interface ResolvedPlanningOptions {
  gamma: number;
  theta: number;
  maxIterations: number;
}

/** Default discount of the planning methods. */
export const DEFAULT_PLANNING_GAMMA = 0.99;
/** Default convergence threshold θ on the largest change of one sweep. */
export const DEFAULT_THETA = 1e-10;
/** Default cap on sweeps. */
export const DEFAULT_MAX_ITERATIONS = 10_000;

/** Fills in and checks `gamma`, `theta` and `maxIterations`, naming `fn` in the RangeError. */
export function resolvePlanningOptions(
  fn: string,
  options: { gamma?: number; theta?: number; maxIterations?: number },
): ResolvedPlanningOptions {
  const resolved = {
    gamma: options.gamma ?? DEFAULT_PLANNING_GAMMA,
    theta: options.theta ?? DEFAULT_THETA,
    maxIterations: options.maxIterations ?? DEFAULT_MAX_ITERATIONS,
  };
  checkUnitInterval(fn, 'gamma', resolved.gamma);
  checkPositive(fn, 'theta', resolved.theta);
  checkIntegerAtLeast(fn, 'maxIterations', resolved.maxIterations, 1);
  return resolved;
}

/** Throws unless `model` has a positive integer number of states and actions. */
export function checkModel(fn: string, model: TabularModel): void {
  if (typeof model !== 'object' || model === null || typeof model.transitions !== 'function' || typeof model.isTerminal !== 'function') {
    throw new TypeError(`${fn}: model must be a TabularModel (numStates, numActions, transitions, isTerminal)`);
  }
  checkIntegerAtLeast(fn, 'model.numStates', model.numStates, 1);
  checkIntegerAtLeast(fn, 'model.numActions', model.numActions, 1);
}

/** The Error thrown when sweeps do not get the largest change below θ. */
export function notConvergedError(fn: string, maxIterations: number, delta: number, gamma: number): Error {
  const hint = gamma === 1 ? '; with gamma = 1 every policy considered must reach a terminal state' : '';
  return new Error(`${fn}: did not converge within ${maxIterations} sweeps (last change ${delta})${hint}`);
}
