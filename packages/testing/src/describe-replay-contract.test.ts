import { Rng, type ReplayBuffer, type Transition, type TransitionBatch } from '@tfrl/core';
import { describe, expect, it } from 'vitest';
import {
  checkReplayContract,
  contractTransition,
  describeReplayContract,
  replayContractChecks,
  type ReplayContractCheck,
  type ReplayContractOptions,
} from './describe-replay-contract.js';

interface Stored {
  observation: number[];
  action: number[];
  reward: number;
  nextObservation: number[];
  terminated: boolean;
  truncated: boolean;
}

/** A plain-array ring buffer with uniform sampling (with replacement): the reference model. */
class ArrayReplayBuffer implements ReplayBuffer {
  protected items: Stored[] = [];
  protected next = 0;

  constructor(
    readonly capacity: number,
    protected readonly kind: 'discrete' | 'continuous',
  ) {}

  get size(): number {
    return this.items.length;
  }

  add(t: Transition): void {
    const item: Stored = {
      observation: Array.from(t.observation),
      action: typeof t.action === 'number' ? [t.action] : Array.from(t.action),
      reward: t.reward,
      nextObservation: Array.from(t.nextObservation),
      terminated: t.terminated,
      truncated: t.truncated,
    };
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  sample(batchSize: number, rng: Rng): TransitionBatch {
    if (this.items.length === 0) throw new Error('ArrayReplayBuffer: sample from an empty buffer');
    const indices = Int32Array.from({ length: batchSize }, () => this.pick(rng));
    return this.gather(indices);
  }

  clear(): void {
    this.items = [];
    this.next = 0;
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ items: this.items, next: this.next }));
  }

  restore(bytes: Uint8Array): void {
    const state = JSON.parse(new TextDecoder().decode(bytes)) as { items: Stored[]; next: number };
    this.items = state.items;
    this.next = state.next;
  }

  protected pick(rng: Rng): number {
    return rng.int(this.items.length);
  }

  protected gather(indices: Int32Array): TransitionBatch {
    const rows = Array.from(indices, (i) => this.items[i]!);
    return {
      size: rows.length,
      observations: Float32Array.from(rows.flatMap((r) => r.observation)),
      actions:
        this.kind === 'discrete'
          ? Int32Array.from(rows.flatMap((r) => r.action))
          : Float32Array.from(rows.flatMap((r) => r.action)),
      rewards: Float32Array.from(rows, (r) => r.reward),
      nextObservations: Float32Array.from(rows.flatMap((r) => r.nextObservation)),
      terminated: Uint8Array.from(rows, (r) => (r.terminated ? 1 : 0)),
      truncated: Uint8Array.from(rows, (r) => (r.truncated ? 1 : 0)),
      indices,
    };
  }
}

const discrete: ReplayContractOptions = { observationSize: 3, actionKind: 'discrete', actionSize: 1, numActions: 4 };
const continuous: ReplayContractOptions = { observationSize: 2, actionKind: 'continuous', actionSize: 2, capacity: 5 };

describeReplayContract('ArrayReplayBuffer (discrete)', (capacity) => new ArrayReplayBuffer(capacity, 'discrete'), discrete);
describeReplayContract('ArrayReplayBuffer (continuous)', (capacity) => new ArrayReplayBuffer(capacity, 'continuous'), continuous);

/** The checks that report violations for `makeBuffer` with the discrete options. */
function failingChecks(makeBuffer: (capacity: number) => ReplayBuffer): ReplayContractCheck[] {
  return [...new Set(checkReplayContract(makeBuffer, discrete).map((v) => v.check))];
}

describe('contractTransition', () => {
  it('encodes the id in observation[0] and float32-exact fields', () => {
    expect(contractTransition(6, { ...discrete, actionSize: 2 })).toEqual({
      observation: Float32Array.of(6, 6.25, 6.5),
      action: [2, 3],
      reward: 3,
      nextObservation: Float32Array.of(-7, -7.25, -7.5),
      terminated: true,
      truncated: false,
    });
    expect(contractTransition(1, continuous)).toMatchObject({ action: [Math.fround(0.2), Math.fround(0.5)], truncated: true });
  });
});

describe('the replay contract catches broken buffers', () => {
  it('passes the correct buffer with no violations', () => {
    expect(checkReplayContract((c) => new ArrayReplayBuffer(c, 'discrete'), discrete)).toEqual([]);
    expect(checkReplayContract((c) => new ArrayReplayBuffer(c, 'continuous'), continuous)).toEqual([]);
  });

  it('catches a buffer that never evicts', () => {
    class Unbounded extends ArrayReplayBuffer {
      override add(t: Transition): void {
        this.next = this.items.length + 1; // the write position runs past capacity
        this.items.push({ ...this.toStored(t) });
      }
      private toStored(t: Transition): Stored {
        const probe = new ArrayReplayBuffer(1, 'discrete');
        probe.add(t);
        return (probe as unknown as { items: Stored[] }).items[0]!;
      }
    }
    expect(failingChecks((c) => new Unbounded(c, 'discrete'))).toEqual(['size', 'rows', 'fifo']);
  });

  it('catches LIFO eviction (the newest is overwritten instead of the oldest)', () => {
    class OverwritesNewest extends ArrayReplayBuffer {
      override add(t: Transition): void {
        super.add(t);
        if (this.items.length === this.capacity) this.next = this.capacity - 1;
      }
    }
    expect(failingChecks((c) => new OverwritesNewest(c, 'discrete'))).toEqual(['rows', 'fifo']);
  });

  it('catches rows whose columns come from different transitions', () => {
    class MixesRows extends ArrayReplayBuffer {
      protected override gather(indices: Int32Array): TransitionBatch {
        const batch = super.gather(indices);
        const shifted = super.gather(indices.map((i) => (i + 1) % this.size));
        return { ...batch, nextObservations: shifted.nextObservations };
      }
    }
    const violations = replayContractChecks.rows((c) => new MixesRows(c, 'discrete'), discrete).violations;
    expect(violations[0]).toMatch(/nextObservation\[0\] is -\d+, expected -\d+/);
  });

  it('catches columns of the wrong type or length', () => {
    class FloatActions extends ArrayReplayBuffer {
      protected override gather(indices: Int32Array): TransitionBatch {
        const batch = super.gather(indices);
        return { ...batch, actions: Float32Array.from(batch.actions), rewards: batch.rewards.subarray(1) };
      }
    }
    const violations = replayContractChecks.batchShape((c) => new FloatActions(c, 'discrete'), discrete).violations;
    expect(violations).toContain('sample(4): actions is [object Float32Array], expected Int32Array');
    expect(violations).toContain('sample(4): rewards has length 3, expected 4');
  });

  it('catches a buffer that returns a short batch', () => {
    class Short extends ArrayReplayBuffer {
      override sample(batchSize: number, rng: Rng): TransitionBatch {
        return super.sample(Math.min(batchSize, this.size), rng);
      }
    }
    const violations = replayContractChecks.batchShape((c) => new Short(c, 'discrete'), discrete).violations;
    expect(violations).toContain('sample(4) with 2 stored: batch.size is 2, expected 4');
    expect(failingChecks((c) => new Short(c, 'discrete'))).toEqual(['batchShape', 'rows', 'clear']);
  });

  it('catches sampling from an empty buffer that does not throw', () => {
    class EmptyBatch extends ArrayReplayBuffer {
      override sample(batchSize: number, rng: Rng): TransitionBatch {
        return this.size === 0 ? this.gather(new Int32Array(0)) : super.sample(batchSize, rng);
      }
    }
    expect(failingChecks((c) => new EmptyBatch(c, 'discrete'))).toEqual(['emptySample', 'clear']);
  });

  it('catches clear() that leaves transitions behind', () => {
    class HalfClear extends ArrayReplayBuffer {
      override clear(): void {
        this.items = this.items.slice(0, 1);
      }
    }
    expect(failingChecks((c) => new HalfClear(c, 'discrete'))).toEqual(['clear']);
  });

  it('catches sampling that ignores the rng', () => {
    let calls = 0;
    class OwnRandomness extends ArrayReplayBuffer {
      protected override pick(): number {
        calls = (Math.imul(calls, 1103515245) + 12345) >>> 0;
        return (calls >>> 16) % this.size;
      }
    }
    expect(failingChecks((c) => new OwnRandomness(c, 'discrete'))).toEqual(['determinism', 'snapshot']);
  });

  it('catches a snapshot that loses the write position', () => {
    class ForgetsPosition extends ArrayReplayBuffer {
      override restore(bytes: Uint8Array): void {
        super.restore(bytes);
        this.next = 0;
      }
    }
    const result = replayContractChecks.snapshot((c) => new ForgetsPosition(c, 'discrete'), discrete);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]).toMatch(/^after 3 more adds to both: /);
  });

  it('skips the snapshot check for a buffer without snapshot()', () => {
    const makeBuffer = (c: number): ReplayBuffer => {
      const buffer = new ArrayReplayBuffer(c, 'discrete');
      return { capacity: c, get size() { return buffer.size; }, add: (t) => buffer.add(t), sample: (n, rng) => buffer.sample(n, rng), clear: () => buffer.clear() };
    };
    expect(replayContractChecks.snapshot(makeBuffer, discrete)).toEqual({ violations: [], skipped: 'the buffer has no snapshot()/restore()' });
    expect(checkReplayContract(makeBuffer, discrete)).toEqual([]);
  });
});
