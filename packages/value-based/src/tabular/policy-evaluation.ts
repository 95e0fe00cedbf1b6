import type { TabularModel } from '@tfrl/core';
import { actionValue } from './greedy-policy.js';
import { checkModel, notConvergedError, resolvePlanningOptions } from './internal/planning-options.js';
import { checkPolicyTable, checkStateValues } from './internal/validate.js';

/** Options of {@link policyEvaluation}. */
export interface PolicyEvaluationOptions {
  /** Discount γ in [0, 1]. Default 0.99. */
  gamma?: number;
  /** Stop once a sweep changes no value by θ or more; > 0. Default 1e-10. */
  theta?: number;
  /** Sweeps allowed before giving up with an Error; ≥ 1. Default 10 000. */
  maxIterations?: number;
  /** Values to start the sweeps from (a warm start), [numStates]; copied. Default zeros. */
  initialValues?: ArrayLike<number>;
}

/** The policy that takes every action with probability 1/|A| in every state. [numStates × numActions] */
export function uniformRandomPolicy(model: TabularModel): Float64Array {
  checkModel('uniformRandomPolicy', model);
  return new Float64Array(model.numStates * model.numActions).fill(1 / model.numActions);
}

/**
 * Iterative policy evaluation (Sutton & Barto §4.1), sweeping in place:
 * V(s) ← Σ_a π(a|s) Σ_{s', r} p(s', r | s, a)·[r + γ·V(s')]  until max_s |ΔV(s)| < θ.
 * `policy` is a [numStates × numActions] table of π(a|s); terminal states keep V = 0.
 * Throws when `maxIterations` sweeps do not converge (γ = 1 with a policy that never ends).
 */
export function policyEvaluation(model: TabularModel, policy: ArrayLike<number>, options: PolicyEvaluationOptions = {}): Float64Array {
  const fn = 'policyEvaluation';
  checkModel(fn, model);
  const { gamma, theta, maxIterations } = resolvePlanningOptions(fn, options);
  const { numStates, numActions } = model;
  checkPolicyTable(fn, policy, numStates, numActions);
  const values = new Float64Array(numStates); // [numStates]
  if (options.initialValues !== undefined) {
    checkStateValues(fn, 'initialValues', options.initialValues, numStates);
    values.set(options.initialValues);
  }
  for (let state = 0; state < numStates; state++) if (model.isTerminal(state)) values[state] = 0;

  let delta = Infinity;
  for (let sweep = 0; sweep < maxIterations; sweep++) {
    delta = 0;
    for (let state = 0; state < numStates; state++) {
      if (model.isTerminal(state)) continue;
      let v = 0;
      for (let action = 0; action < numActions; action++) {
        const probability = policy[state * numActions + action]!;
        if (probability > 0) v += probability * actionValue(model, values, gamma, state, action);
      }
      delta = Math.max(delta, Math.abs(v - values[state]!));
      values[state] = v;
    }
    if (delta < theta) return values;
  }
  throw notConvergedError(fn, maxIterations, delta, gamma);
}
