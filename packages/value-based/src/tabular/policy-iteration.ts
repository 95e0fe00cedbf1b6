import type { TabularModel } from '@tfrl/core';
import { actionValue, DEFAULT_GREEDY_TOLERANCE, greedyPolicy, isNearMax, lowestNearMax } from './greedy-policy.js';
import { checkModel, resolvePlanningOptions } from './internal/planning-options.js';
import { policyEvaluation, uniformRandomPolicy } from './policy-evaluation.js';
import type { PlanningOptions, PlanningResult } from './value-iteration.js';

/**
 * Policy iteration (Sutton & Barto §4.3): evaluate π (§4.1), then improve it greedily,
 * π'(s) = argmax_a Σ_{s', r} p(s', r | s, a)·[r + γ·V_π(s')], until no state's action changes.
 * The first policy evaluated is the uniform random one, which ends episodes wherever any policy
 * can, so γ = 1 works where a fixed arbitrary action would loop forever. An action is kept
 * while it is still among the best (within rounding), which stops the classic oscillation
 * between equally good actions. `iterations` counts evaluation–improvement rounds,
 * the last one finding the policy stable.
 */
export function policyIteration(model: TabularModel, options: PlanningOptions = {}): PlanningResult {
  const fn = 'policyIteration';
  checkModel(fn, model);
  const { gamma, theta, maxIterations } = resolvePlanningOptions(fn, options);
  const { numStates, numActions } = model;
  const probabilities = uniformRandomPolicy(model); // [numStates × numActions], π(a|s)
  const policy = new Int32Array(numStates).fill(-1); // [numStates], -1: not yet deterministic
  const q = new Float64Array(numActions);
  let values: Float64Array = new Float64Array(numStates); // [numStates]

  for (let iteration = 1; ; iteration++) {
    values = policyEvaluation(model, probabilities, { gamma, theta, maxIterations, initialValues: values });
    let stable = true;
    for (let state = 0; state < numStates; state++) {
      if (model.isTerminal(state)) continue;
      for (let action = 0; action < numActions; action++) q[action] = actionValue(model, values, gamma, state, action);
      const old = policy[state]!;
      if (old >= 0 && isNearMax(q, old, DEFAULT_GREEDY_TOLERANCE)) continue;
      const best = lowestNearMax(q, DEFAULT_GREEDY_TOLERANCE);
      stable = false;
      policy[state] = best;
      probabilities.fill(0, state * numActions, (state + 1) * numActions);
      probabilities[state * numActions + best] = 1;
    }
    // V = V_π = V*: return the canonical greedy policy, the one valueIteration gives for the same V*.
    if (stable) return { values, policy: greedyPolicy(model, values, gamma), iterations: iteration };
  }
}
