import { nStepTargets, type AutoresetMode, type ReplayBuffer, type Transition } from '@tfrl/core';
import { PendingResets } from './internal/pending-resets.js';
import { decodeSnapshot, encodeSnapshot, snapshotArray, type SnapshotArray } from './internal/snapshot.js';
import { checkAutoresetMode, checkIntegersAtLeast, checkLength, checkUnitIntervals, failure } from './internal/validate.js';

const KIND = 'NStepAdapter';

/**
 * A transition spanning m ≤ n env steps, as {@link NStepAdapter} hands it to its sink; the
 * discount travels as an extra field, the way `UniformReplayBuffer`/`PrioritizedReplayBuffer` take them.
 */
export interface NStepTransition extends Transition {
  extras: {
    /**
     * γ^m: the factor of V(nextObservation) in the target. The learner still applies
     * (1 − terminated): y = reward + discount·(1 − terminated)·V(nextObservation).
     */
    discount: number;
  };
}

/** Configuration of {@link NStepAdapter}. */
export interface NStepAdapterConfig {
  /** Window length n ≥ 1; n = 1 passes transitions through unchanged (discount γ). */
  n: number;
  /** Discount γ in [0, 1]. */
  gamma: number;
  /** Sub-envs in every vector step handed to `add`. */
  numEnvs: number;
  /**
   * Receives every finished window as an {@link NStepTransition}. It must keep `extras.discount`
   * (for the package's buffers: `extras: { discount: { shape: [], dtype: 'float32' } }`), or
   * n-step targets would be discounted by γ only. A sink that lists its `fields` without a
   * scalar `discount` field is refused.
   */
  sink: ReplayBuffer;
  /**
   * How the vector env restarts sub-envs; must match it. Default `'next-step'` (Gymnasium's):
   * the step after a sub-env's episode ended is its reset step, which is no transition, so the
   * adapter ignores that sub-env's row of the next `add` (whatever it holds).
   */
  autoresetMode?: AutoresetMode;
}

/**
 * One vector step. What to pass as `nextObservations` (and `finalObservations`) per autoreset mode:
 * - `'next-step'`: the step's `observations` as returned: an ending step returns the episode's last
 *   observation. The following step (the reset step) is passed as usual and skipped for that sub-env.
 * - `'same-step'`: the step's `observations` plus `finalObservations: step.finalObservations`,
 *   whose rows replace those of the sub-envs whose episode ended in this step.
 * - `'disabled'`: like `'same-step'`; the first `add` after `reset({ mask })` carries the reset
 *   observations in `observations`.
 */
export interface NStepVectorStep {
  /** s_t. */
  observations: ArrayLike<number>; // [numEnvs × observationSize]
  /** a_t: Int32Array [numEnvs] for Discrete (stored as numbers), otherwise [numEnvs × actionSize]. */
  actions: Int32Array | Float32Array;
  /** r_t. */
  rewards: ArrayLike<number>; // [numEnvs]
  /** s_{t+1}; for an ended sub-env its last observation (see `finalObservations`). */
  nextObservations: ArrayLike<number>; // [numEnvs × observationSize]
  /** Rows read instead of `nextObservations` for sub-envs whose episode ended in this step. */
  finalObservations?: ArrayLike<number>; // [numEnvs × observationSize]
  terminated: ArrayLike<number>; // [numEnvs]
  truncated: ArrayLike<number>; // [numEnvs]
}

interface Layout {
  observationSize: number;
  actionSize: number;
  /** Discrete actions (Int32Array input); with actionSize 1 they reach the sink as numbers. */
  actionInt: boolean;
}

/** Per-env rings of the last < n steps whose windows are still open. */
interface Pending {
  observations: Float32Array; // [numEnvs × n × observationSize]
  nextObservations: Float32Array; // [numEnvs × n × observationSize]
  actions: Int32Array | Float32Array; // [numEnvs × n × actionSize]
  rewards: Float64Array; // [numEnvs × n]
  terminated: Uint8Array; // [numEnvs × n]
  truncated: Uint8Array; // [numEnvs × n]
}

function checkConfig(config: NStepAdapterConfig): void {
  const { n, gamma, numEnvs, sink } = config;
  checkIntegersAtLeast(KIND, { n }, 1);
  checkUnitIntervals(KIND, { gamma });
  checkIntegersAtLeast(KIND, { numEnvs }, 1);
  if (typeof sink?.add !== 'function') throw new TypeError(`${KIND}: sink must be a ReplayBuffer`);
  const fields = (sink as { fields?: Record<string, { shape: readonly number[] }> }).fields;
  if (fields !== undefined && fields.discount?.shape.length !== 0) {
    throw new RangeError(
      `${KIND}: the sink has no scalar 'discount' field to keep γ^m; create it with extras: { discount: { shape: [], dtype: 'float32' } }`,
    );
  }
  checkAutoresetMode(KIND, config.autoresetMode);
}

/**
 * Turns 1-step vector-env transitions into n-step ones, per sub-env, in front of any
 * {@link ReplayBuffer}. For the step t of a sub-env it emits
 *
 *   (s_t, a_t, R = Σ_{k<m} γ^k·r_{t+k}, s_{t+m}, terminated_{t+m−1}, truncated_{t+m−1}, discount = γ^m)
 *
 * with m = n, or fewer where the episode ends first: a window stops at `terminated` (the learner
 * does not bootstrap) and at `truncated` (it bootstraps from the final observation, the window's
 * s'). Windows are emitted as soon as they are complete, and all of a sub-env's open windows at
 * its episode's end. R and m come from core's `nStepTargets`. Snapshots hold the open windows,
 * not the sink: snapshot the sink separately.
 */
export class NStepAdapter {
  readonly n: number;
  readonly gamma: number;
  readonly numEnvs: number;
  readonly autoresetMode: AutoresetMode;
  private readonly sink: ReplayBuffer;
  private layout: Layout | null = null;
  private pending: Pending | null = null;
  private readonly head: Int32Array; // [numEnvs] ring slot of each env's oldest open step
  private readonly count: Int32Array; // [numEnvs] open steps per env (< n between adds)
  private readonly resets: PendingResets;
  // Scratch for nStepTargets: one env's open steps, oldest first.
  private readonly windowRewards: Float64Array;
  private readonly windowTerminated: Uint8Array;
  private readonly windowTruncated: Uint8Array;

  constructor(config: NStepAdapterConfig) {
    checkConfig(config);
    this.n = config.n;
    this.gamma = config.gamma;
    this.numEnvs = config.numEnvs;
    this.sink = config.sink;
    this.autoresetMode = config.autoresetMode ?? 'next-step';
    this.head = new Int32Array(this.numEnvs);
    this.count = new Int32Array(this.numEnvs);
    this.resets = new PendingResets(this.numEnvs, this.autoresetMode);
    this.windowRewards = new Float64Array(this.n);
    this.windowTerminated = new Uint8Array(this.n);
    this.windowTruncated = new Uint8Array(this.n);
  }

  /** Steps whose windows are still open, over all sub-envs. */
  get pendingSteps(): number {
    return this.count.reduce((a, b) => a + b, 0);
  }

  /** Feeds one vector step; emits into the sink every window it completes. */
  add(step: NStepVectorStep): void {
    const { observationSize, actionSize } = this.checkStep(step);
    const p = this.pending!;
    const { n, numEnvs } = this;
    for (let e = 0; e < numEnvs; e++) {
      if (this.resets.isResetRow(e, step.terminated[e]!, step.truncated[e]!)) continue; // no transition
      const slot = e * n + ((this.head[e]! + this.count[e]!) % n);
      const ended = step.terminated[e] !== 0 || step.truncated[e] !== 0;
      const next = ended && step.finalObservations !== undefined ? step.finalObservations : step.nextObservations;
      for (let j = 0; j < observationSize; j++) {
        p.observations[slot * observationSize + j] = step.observations[e * observationSize + j]!;
        p.nextObservations[slot * observationSize + j] = next[e * observationSize + j]!;
      }
      for (let j = 0; j < actionSize; j++) p.actions[slot * actionSize + j] = step.actions[e * actionSize + j]!;
      p.rewards[slot] = step.rewards[e]!;
      p.terminated[slot] = step.terminated[e] !== 0 ? 1 : 0;
      p.truncated[slot] = step.truncated[e] !== 0 ? 1 : 0;
      this.count[e]!++;
      if (ended) {
        this.emit(e, this.count[e]!); // the episode is over: every open window ends here
      } else if (this.count[e] === n) {
        this.emit(e, 1);
      }
    }
  }

  /**
   * Emits every open window now, cut at the last step added (no flag set; they bootstrap from
   * that step's next observation with γ^m). Use it when collection stops mid-episode.
   */
  flush(): void {
    for (let e = 0; e < this.numEnvs; e++) if (this.count[e]! > 0) this.emit(e, this.count[e]!);
  }

  /** Drops the open windows and the pending resets (e.g. after `VectorEnv.reset`); the sink is untouched. */
  clear(): void {
    this.head.fill(0);
    this.count.fill(0);
    this.resets.clear();
  }

  /** Emits the `howMany` oldest open windows of env `e` (the open steps form one episode piece). */
  private emit(e: number, howMany: number): void {
    const p = this.pending!;
    const { observationSize, actionSize, actionInt } = this.layout!;
    const { n, gamma } = this;
    const length = this.count[e]!;
    const head = this.head[e]!;
    for (let k = 0; k < length; k++) {
      const slot = e * n + ((head + k) % n);
      this.windowRewards[k] = p.rewards[slot]!;
      this.windowTerminated[k] = p.terminated[slot]!;
      this.windowTruncated[k] = p.truncated[slot]!;
    }
    const { rewardSums, bootstrapIndices } = nStepTargets({
      rewards: this.windowRewards.subarray(0, length),
      terminated: this.windowTerminated.subarray(0, length),
      truncated: this.windowTruncated.subarray(0, length),
      gamma,
      n,
    });
    for (let k = 0; k < howMany; k++) {
      const slot = e * n + ((head + k) % n);
      const last = e * n + ((head + bootstrapIndices[k]!) % n);
      const transition: NStepTransition = {
        observation: p.observations.subarray(slot * observationSize, (slot + 1) * observationSize),
        action:
          actionInt && actionSize === 1 ? p.actions[slot]! : p.actions.subarray(slot * actionSize, (slot + 1) * actionSize),
        reward: rewardSums[k]!,
        nextObservation: p.nextObservations.subarray(last * observationSize, (last + 1) * observationSize),
        terminated: p.terminated[last] !== 0,
        truncated: p.truncated[last] !== 0,
        extras: { discount: gamma ** (bootstrapIndices[k]! - k + 1) },
      };
      this.sink.add(transition);
    }
    this.head[e] = (head + howMany) % n;
    this.count[e] = length - howMany;
  }

  /** Validates a vector step; allocates the rings on the first one. */
  private checkStep(step: NStepVectorStep): Layout {
    const fail = failure(`${KIND}.add`, RangeError);
    const { numEnvs } = this;
    for (const name of ['rewards', 'terminated', 'truncated'] as const) checkLength(`${KIND}.add`, name, step[name]?.length, numEnvs, 'numEnvs');
    if (!(step.actions instanceof Int32Array || step.actions instanceof Float32Array)) {
      fail('actions must be an Int32Array (discrete) or a Float32Array (continuous)');
    }
    const observationSize = step.observations.length / numEnvs;
    const actionSize = step.actions.length / numEnvs;
    if (!Number.isInteger(observationSize) || observationSize < 1) {
      fail(`observations has length ${step.observations.length}, not a positive multiple of numEnvs = ${numEnvs}`);
    }
    if (!Number.isInteger(actionSize) || actionSize < 1) {
      fail(`actions has length ${step.actions.length}, not a positive multiple of numEnvs = ${numEnvs}`);
    }
    const actionInt = step.actions instanceof Int32Array;
    if (this.layout === null) this.allocate({ observationSize, actionSize, actionInt });
    const layout = this.layout!;
    if (layout.observationSize !== observationSize) {
      fail(`observations are of size ${observationSize}, earlier ones ${layout.observationSize}`);
    }
    if (layout.actionSize !== actionSize || layout.actionInt !== actionInt) {
      const dtype = (int: boolean): string => (int ? 'int32' : 'float32');
      fail(`actions are ${dtype(actionInt)} of size ${actionSize}, earlier ones ${dtype(layout.actionInt)} of size ${layout.actionSize}`);
    }
    for (const name of ['nextObservations', 'finalObservations'] as const) {
      const array = step[name];
      if ((name === 'nextObservations' || array !== undefined) && array?.length !== step.observations.length) {
        fail(`${name} has length ${array?.length}, expected ${step.observations.length} like observations`);
      }
    }
    return layout;
  }

  private allocate(layout: Layout): void {
    const slots = this.numEnvs * this.n;
    this.layout = layout;
    this.pending = {
      observations: new Float32Array(slots * layout.observationSize),
      nextObservations: new Float32Array(slots * layout.observationSize),
      actions: layout.actionInt ? new Int32Array(slots * layout.actionSize) : new Float32Array(slots * layout.actionSize),
      rewards: new Float64Array(slots),
      terminated: new Uint8Array(slots),
      truncated: new Uint8Array(slots),
    };
  }

  private spec(): unknown {
    return { n: this.n, gamma: this.gamma, numEnvs: this.numEnvs, autoresetMode: this.autoresetMode };
  }

  /** Bytes holding the open windows and pending resets (not the sink's contents). */
  snapshot(): Uint8Array {
    const arrays: Record<string, SnapshotArray> = { head: this.head, count: this.count, resetPending: this.resets.flags };
    if (this.pending !== null) Object.assign(arrays, this.pending);
    const layout = this.layout;
    return encodeSnapshot({
      kind: KIND,
      spec: this.spec(),
      counters: {
        observationSize: layout?.observationSize ?? 0,
        actionSize: layout?.actionSize ?? 0,
        actionInt: layout?.actionInt === true ? 1 : 0,
      },
      arrays,
    });
  }

  /** Restores open windows from {@link NStepAdapter.snapshot}; throws for another spec or bad bytes. */
  restore(bytes: Uint8Array): void {
    const { counters, arrays } = decodeSnapshot(bytes, KIND, this.spec());
    const fail = failure(`${KIND}.restore`);
    const { observationSize = 0, actionSize = 0, actionInt = 0 } = counters;
    const { numEnvs, n } = this;
    const vector = <T extends SnapshotArray>(name: string, ctor: new (length: number) => T, length: number): T =>
      snapshotArray(KIND, arrays, name, ctor, length);
    const head = vector('head', Int32Array, numEnvs);
    const count = vector('count', Int32Array, numEnvs);
    const resetPending = vector('resetPending', Uint8Array, numEnvs);
    for (let e = 0; e < numEnvs; e++) {
      if (!(head[e]! >= 0 && head[e]! < n && count[e]! >= 0 && count[e]! < n)) fail(`ring position of env ${e} is out of range`);
    }
    let pending: Pending | null = null;
    if (observationSize > 0) {
      const slots = numEnvs * n;
      pending = {
        observations: vector('observations', Float32Array, slots * observationSize),
        nextObservations: vector('nextObservations', Float32Array, slots * observationSize),
        actions: actionInt === 1 ? vector('actions', Int32Array, slots * actionSize) : vector('actions', Float32Array, slots * actionSize),
        rewards: vector('rewards', Float64Array, slots),
        terminated: vector('terminated', Uint8Array, slots),
        truncated: vector('truncated', Uint8Array, slots),
      };
    } else if (count.some((c) => c !== 0)) {
      fail('open windows without their data');
    }
    this.head.set(head);
    this.count.set(count);
    this.resets.flags.set(resetPending);
    this.pending = pending;
    this.layout = pending === null ? null : { observationSize, actionSize, actionInt: actionInt === 1 };
  }
}
