import type { TabularModel } from '@tfrl/core';
import { checkModel } from './internal/planning-options.js';
import { checkStateValues, checkUnitInterval } from './internal/validate.js';

/** Options of {@link greedyPolicy}. */
export interface GreedyPolicyOptions {
  /**
   * Actions whose value is within `tolerance · max(1, |max_a q|)` of the best count as tied; the
   * lowest tied action wins, so that values equal up to rounding give the same policy. Default 1e-9.
   */
  tolerance?: number;
}

/** Default {@link GreedyPolicyOptions.tolerance}. */
export const DEFAULT_GREEDY_TOLERANCE = 1e-9;

/**
 * One-step lookahead: q(s, a) = Σ_{s', r} p(s', r | s, a)·[r + γ·(1 − terminated)·V(s')].
 * A terminal state has no outcomes, so q = 0 there.
 */
export function actionValue(model: TabularModel, values: ArrayLike<number>, gamma: number, state: number, action: number): number {
  let q = 0;
  for (const { probability, nextState, reward, terminated } of model.transitions(state, action)) {
    q += probability * (reward + (terminated ? 0 : gamma * values[nextState]!));
  }
  return q;
}

/** q_π(s, a) = Σ p(s', r | s, a)·[r + γ·V(s')] for every state and action. [numStates × numActions] */
export function qFromV(model: TabularModel, values: ArrayLike<number>, gamma: number): Float64Array {
  checkLookahead('qFromV', model, values, gamma);
  const { numStates, numActions } = model;
  const q = new Float64Array(numStates * numActions);
  for (let state = 0; state < numStates; state++) {
    for (let action = 0; action < numActions; action++) q[state * numActions + action] = actionValue(model, values, gamma, state, action);
  }
  return q;
}

/**
 * π(s) = argmax_a Σ p(s', r | s, a)·[r + γ·V(s')], ties (within `tolerance`) to the lowest action;
 * 0 for terminal states. [numStates]
 */
export function greedyPolicy(model: TabularModel, values: ArrayLike<number>, gamma: number, options: GreedyPolicyOptions = {}): Int32Array {
  checkLookahead('greedyPolicy', model, values, gamma);
  const tolerance = options.tolerance ?? DEFAULT_GREEDY_TOLERANCE;
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) {
    throw new RangeError(`greedyPolicy: tolerance must be a finite number >= 0, got ${tolerance}`);
  }
  const policy = new Int32Array(model.numStates);
  const q = new Float64Array(model.numActions);
  for (let state = 0; state < model.numStates; state++) {
    if (model.isTerminal(state)) continue;
    for (let action = 0; action < model.numActions; action++) q[action] = actionValue(model, values, gamma, state, action);
    policy[state] = lowestNearMax(q, tolerance);
  }
  return policy;
}

/** True when q[i] is within `tolerance · max(1, |max q|)` of the largest entry of q. */
export function isNearMax(q: ArrayLike<number>, i: number, tolerance: number): boolean {
  let best = -Infinity;
  for (let j = 0; j < q.length; j++) best = Math.max(best, q[j]!);
  return q[i]! >= best - tolerance * Math.max(1, Math.abs(best));
}

/** The lowest index i with {@link isNearMax}(q, i, tolerance). */
export function lowestNearMax(q: ArrayLike<number>, tolerance: number): number {
  for (let i = 0; i < q.length; i++) if (isNearMax(q, i, tolerance)) return i;
  return 0;
}

function checkLookahead(fn: string, model: TabularModel, values: ArrayLike<number>, gamma: number): void {
  checkModel(fn, model);
  checkStateValues(fn, 'values', values, model.numStates);
  checkUnitInterval(fn, 'gamma', gamma);
}
