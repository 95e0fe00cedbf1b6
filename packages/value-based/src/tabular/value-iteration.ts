import type { TabularModel } from '@tfrl/core';
import { actionValue, greedyPolicy } from './greedy-policy.js';
import { checkModel, notConvergedError, resolvePlanningOptions } from './internal/planning-options.js';

/** Options of {@link valueIteration} and {@link policyIteration}. */
export interface PlanningOptions {
  /** Discount γ in [0, 1]. Default 0.99. */
  gamma?: number;
  /** Convergence threshold θ > 0 on the largest change of a sweep. Default 1e-10. */
  theta?: number;
  /** Sweeps allowed (per evaluation, for policy iteration) before giving up with an Error; ≥ 1. Default 10 000. */
  maxIterations?: number;
}

/** What {@link valueIteration} and {@link policyIteration} return. */
export interface PlanningResult {
  /** The optimal state values V*. [numStates] */
  values: Float64Array;
  /** A greedy action per state with respect to `values` (ties to the lowest action; 0 in terminal states). [numStates] */
  policy: Int32Array;
  /** Sweeps (value iteration) or policy-improvement steps (policy iteration) done. */
  iterations: number;
}

/**
 * Value iteration (Sutton & Barto §4.4), sweeping in place:
 * V(s) ← max_a Σ_{s', r} p(s', r | s, a)·[r + γ·V(s')]  until max_s |ΔV(s)| < θ,
 * then π(s) = argmax_a of the same lookahead. Throws when `maxIterations` sweeps do not converge.
 */
export function valueIteration(model: TabularModel, options: PlanningOptions = {}): PlanningResult {
  const fn = 'valueIteration';
  checkModel(fn, model);
  const { gamma, theta, maxIterations } = resolvePlanningOptions(fn, options);
  const { numStates, numActions } = model;
  const values = new Float64Array(numStates); // [numStates]

  let delta = Infinity;
  for (let sweep = 1; sweep <= maxIterations; sweep++) {
    delta = 0;
    for (let state = 0; state < numStates; state++) {
      if (model.isTerminal(state)) continue;
      let best = -Infinity;
      for (let action = 0; action < numActions; action++) best = Math.max(best, actionValue(model, values, gamma, state, action));
      delta = Math.max(delta, Math.abs(best - values[state]!));
      values[state] = best;
    }
    if (delta < theta) return { values, policy: greedyPolicy(model, values, gamma), iterations: sweep };
  }
  throw notConvergedError(fn, maxIterations, delta, gamma);
}
