import type { A3cOptimizer } from './config.js';

/** Slots of {@link SharedState.control} (Int32, read and written with Atomics). */
export const CONTROL = Object.freeze({
  /** Env steps taken in this run, over all workers (claimed before each step). */
  steps: 0,
  /** Updates applied in this run, over all workers. */
  updates: 1,
  /** Non-zero: stop taking steps (a callback asked, a worker failed, or learn ended). */
  stop: 2,
  /** Steps of the shared optimizer over all runs (Adam's t). */
  optimizerSteps: 3,
  /** Env steps this run may take over all workers. */
  budget: 4,
  /** Workers that are set up and waiting at this run's start line. */
  ready: 5,
});

const CONTROL_SLOTS = 8;

/** Optimizer statistics per parameter: g (RMSProp) or m and v (Adam). */
export function statsPerParameter(optimizer: A3cOptimizer): number {
  return optimizer === 'adam' ? 2 : 1;
}

/**
 * The global state every worker reads and writes: one SharedArrayBuffer holding the control
 * counters, the parameters θ (all variables flattened in `ActorCritic.trainableVariables()`
 * order) and the shared optimizer statistics.
 */
export class SharedState {
  readonly buffer: SharedArrayBuffer;
  readonly paramCount: number;
  readonly optimizer: A3cOptimizer;
  readonly control: Int32Array;
  readonly params: Float32Array;
  /** [statsPerParameter × paramCount]: g, or m then v. */
  readonly stats: Float32Array;

  private constructor(buffer: SharedArrayBuffer, paramCount: number, optimizer: A3cOptimizer) {
    this.buffer = buffer;
    this.paramCount = paramCount;
    this.optimizer = optimizer;
    const k = statsPerParameter(optimizer);
    const expected = SharedState.byteLength(paramCount, optimizer);
    if (buffer.byteLength !== expected) throw new RangeError(`SharedState: buffer of ${buffer.byteLength} bytes, expected ${expected}`);
    this.control = new Int32Array(buffer, 0, CONTROL_SLOTS);
    this.params = new Float32Array(buffer, CONTROL_SLOTS * 4, paramCount);
    this.stats = new Float32Array(buffer, (CONTROL_SLOTS + paramCount) * 4, k * paramCount);
  }

  static byteLength(paramCount: number, optimizer: A3cOptimizer): number {
    return (CONTROL_SLOTS + (1 + statsPerParameter(optimizer)) * paramCount) * 4;
  }

  /** A new zeroed state. */
  static create(paramCount: number, optimizer: A3cOptimizer): SharedState {
    return new SharedState(new SharedArrayBuffer(SharedState.byteLength(paramCount, optimizer)), paramCount, optimizer);
  }

  /** Views on a buffer made by {@link SharedState.create} (in a worker). */
  static attach(buffer: SharedArrayBuffer, paramCount: number, optimizer: A3cOptimizer): SharedState {
    return new SharedState(buffer, paramCount, optimizer);
  }

  /**
   * Claims one env step of the run's budget: false when the budget is spent or a stop was
   * asked. Exactly `budget` steps are claimed over all workers, and the counter never reads
   * above the budget, even between two workers' claims (compare-and-swap, not add-then-undo).
   */
  claimStep(): boolean {
    if (Atomics.load(this.control, CONTROL.stop) !== 0) return false;
    const budget = Atomics.load(this.control, CONTROL.budget);
    for (;;) {
      const taken = Atomics.load(this.control, CONTROL.steps);
      if (taken >= budget) return false;
      if (Atomics.compareExchange(this.control, CONTROL.steps, taken, taken + 1) === taken) return true;
    }
  }

  get steps(): number {
    return Atomics.load(this.control, CONTROL.steps);
  }

  get updates(): number {
    return Atomics.load(this.control, CONTROL.updates);
  }

  get stopped(): boolean {
    return Atomics.load(this.control, CONTROL.stop) !== 0;
  }

  requestStop(): void {
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.notify(this.control, CONTROL.ready);
  }

  /**
   * The run's start line: a worker that has built its env and network waits here until all
   * `workers` have, so a slow-starting thread does not find the budget spent by the others.
   * Returns false (at once) when a stop was asked, e.g. because another worker failed to start.
   * Blocks the calling thread: only for worker threads.
   */
  arriveAndWait(workers: number): boolean {
    if (Atomics.add(this.control, CONTROL.ready, 1) + 1 >= workers) Atomics.notify(this.control, CONTROL.ready);
    for (;;) {
      if (this.stopped) return false;
      const arrived = Atomics.load(this.control, CONTROL.ready);
      if (arrived >= workers) return true;
      Atomics.wait(this.control, CONTROL.ready, arrived, 1_000);
    }
  }

  /** Resets the per-run counters for a run of `budget` steps. */
  beginRun(budget: number): void {
    if (!Number.isInteger(budget) || budget < 0 || budget > 0x7fffffff) throw new RangeError(`A3C: a run's totalSteps must be an integer in [0, 2^31), got ${budget}`);
    Atomics.store(this.control, CONTROL.steps, 0);
    Atomics.store(this.control, CONTROL.updates, 0);
    Atomics.store(this.control, CONTROL.stop, 0);
    Atomics.store(this.control, CONTROL.ready, 0);
    Atomics.store(this.control, CONTROL.budget, budget);
  }
}
