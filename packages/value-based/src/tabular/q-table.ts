import { Rng, type ActOptions, type Policy } from '@tfrl/core';
import { checkIntegerAtLeast, checkUnitInterval } from './internal/validate.js';

/** JSON form of a {@link QTable}: its sizes and the values row by row. */
export interface QTableJSON {
  numStates: number;
  numActions: number;
  /** [numStates × numActions], row-major. */
  values: number[];
}

/** Options of {@link QTable.toPolicy}. */
export interface QTablePolicyOptions {
  /** ε of the ε-greedy action taken when `act` is called with `deterministic: false`. Default 0. */
  epsilon?: number;
  /** Draws exploration and tie-breaks of non-deterministic calls. Default `Rng.fromSeed(0)`. */
  rng?: Rng;
}

/**
 * Action values Q(s, a) of a finite MDP in one Float64Array [numStates × numActions], with the
 * action choices the tabular methods need: greedy with random tie-breaking, ε-greedy, and the
 * ε-greedy probabilities π(a|s) that Expected SARSA averages over.
 */
export class QTable {
  readonly numStates: number;
  readonly numActions: number;
  /** Q(s, a) at `state * numActions + action`. */
  readonly values: Float64Array; // [numStates × numActions]

  /** A table of zeros, or one holding a copy of `values`. */
  constructor(numStates: number, numActions: number, values?: ArrayLike<number>) {
    checkIntegerAtLeast('QTable', 'numStates', numStates, 1);
    checkIntegerAtLeast('QTable', 'numActions', numActions, 1);
    this.numStates = numStates;
    this.numActions = numActions;
    this.values = new Float64Array(numStates * numActions);
    if (values !== undefined) {
      if (values.length !== this.values.length) {
        throw new RangeError(`QTable: values has length ${values.length}, expected ${this.values.length} (numStates × numActions)`);
      }
      this.values.set(values);
    }
  }

  /** Q(s, a). */
  get(state: number, action: number): number {
    return this.values[state * this.numActions + action]!;
  }

  /** Sets Q(s, a). */
  set(state: number, action: number, value: number): void {
    this.values[state * this.numActions + action] = value;
  }

  /** max_a Q(s, a). */
  max(state: number): number {
    const row = state * this.numActions;
    let best = this.values[row]!;
    for (let action = 1; action < this.numActions; action++) best = Math.max(best, this.values[row + action]!);
    return best;
  }

  /**
   * argmax_a Q(s, a). Ties go to a uniformly drawn one of the tied actions when `rng` is given
   * (so that a table of zeros does not always pick action 0), else to the lowest action.
   */
  argmax(state: number, rng?: Rng): number {
    const row = state * this.numActions;
    const best = this.max(state);
    let ties = 0;
    let first = -1;
    for (let action = 0; action < this.numActions; action++) {
      if (this.values[row + action] === best) {
        if (ties === 0) first = action;
        ties++;
      }
    }
    if (ties === 1 || rng === undefined) return first;
    let k = rng.int(ties);
    for (let action = first; ; action++) {
      if (this.values[row + action] === best && k-- === 0) return action;
    }
  }

  /** With probability ε a uniformly random action, else argmax_a Q(s, a) with random tie-breaking. */
  epsilonGreedy(state: number, epsilon: number, rng: Rng): number {
    // One uniform draw per call whatever ε is, so that runs differing only in ε share a stream.
    return rng.uniform() < epsilon ? rng.int(this.numActions) : this.argmax(state, rng);
  }

  /**
   * The ε-greedy probabilities of state s into `out` [numActions]:
   * π(a|s) = ε/|A| + (1 − ε)/|A*| for the m tied greedy actions A*, ε/|A| for the others.
   */
  epsilonGreedyProbabilities(state: number, epsilon: number, out = new Float64Array(this.numActions)): Float64Array {
    const row = state * this.numActions;
    const best = this.max(state);
    let ties = 0;
    for (let action = 0; action < this.numActions; action++) if (this.values[row + action] === best) ties++;
    for (let action = 0; action < this.numActions; action++) {
      out[action] = epsilon / this.numActions + (this.values[row + action] === best ? (1 - epsilon) / ties : 0);
    }
    return out;
  }

  /** V(s) = max_a Q(s, a) for every state. */
  stateValues(): Float64Array {
    return Float64Array.from({ length: this.numStates }, (_, state) => this.max(state)); // [numStates]
  }

  /** The greedy action of every state, ties to the lowest action. */
  greedyPolicy(): Int32Array {
    return Int32Array.from({ length: this.numStates }, (_, state) => this.argmax(state)); // [numStates]
  }

  /**
   * This table as a core {@link Policy} (for `evaluatePolicy`): greedy, ties to the lowest action,
   * when `deterministic` (the default), else ε-greedy with `options.rng`. It reads the table
   * live, so later updates show.
   */
  toPolicy(options: QTablePolicyOptions = {}): Policy<number, number> {
    const epsilon = options.epsilon ?? 0;
    checkUnitInterval('QTable.toPolicy', 'epsilon', epsilon);
    const rng = options.rng ?? Rng.fromSeed(0);
    return {
      act: (observation: number, actOptions?: ActOptions): number => {
        if (!(Number.isInteger(observation) && observation >= 0 && observation < this.numStates)) {
          throw new RangeError(`QTable policy: observation must be an integer in [0, ${this.numStates - 1}], got ${observation}`);
        }
        return (actOptions?.deterministic ?? true) ? this.argmax(observation) : this.epsilonGreedy(observation, epsilon, rng);
      },
    };
  }

  /** A copy with its own values. */
  clone(): QTable {
    return new QTable(this.numStates, this.numActions, this.values);
  }

  toJSON(): QTableJSON {
    return { numStates: this.numStates, numActions: this.numActions, values: Array.from(this.values) };
  }

  /** The table described by {@link QTable.toJSON}. */
  static fromJSON(json: QTableJSON): QTable {
    if (typeof json !== 'object' || json === null || !Array.isArray(json.values)) {
      throw new TypeError('QTable.fromJSON: expected { numStates, numActions, values: number[] }');
    }
    if (!json.values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new RangeError('QTable.fromJSON: values must all be finite numbers');
    }
    return new QTable(json.numStates, json.numActions, json.values);
  }
}
