import type { Rng } from '@tfrl/core';
import { ColumnarStorage, RingIndex } from './columnar-storage.js';
import type { ActionDtype, ColumnArray, FieldDescriptor } from './field-spec.js';
import { decodeSnapshot, encodeSnapshot } from './internal/snapshot.js';
import { gatherColumn } from './internal/gather-column.js';
import { checkActionDtype, checkCapacity, checkIntegersAtLeast, failure } from './internal/validate.js';

const KIND = 'MultiAgentReplayBuffer';

/** Layout of one agent's part of a joint transition. */
export interface AgentLayout {
  /** The agent's name (as in `MultiAgentEnv.possibleAgents`). */
  name: string;
  /** Numbers per observation of this agent. */
  observationSize: number;
  /** Numbers per action (1 for a Discrete action). */
  actionSize: number;
  /** 'int32' for discrete actions, 'float32' for continuous ones. */
  actionDtype: ActionDtype;
}

/** Configuration of {@link MultiAgentReplayBuffer}. */
export interface MultiAgentReplayBufferConfig {
  /** Joint transitions kept; the oldest is evicted beyond it. */
  capacity: number;
  /** Every agent, each present in every joint transition. */
  agents: readonly AgentLayout[];
  /** Numbers per global state for centralised critics; 0 when the env has none. */
  stateSize: number;
}

/** One joint step: per-agent records keyed by agent name, plus the global state before and after. */
export interface MultiAgentTransition {
  observations: Readonly<Record<string, ArrayLike<number>>>;
  /** A Discrete action as a number, a Box action as an array. */
  actions: Readonly<Record<string, number | ArrayLike<number>>>;
  rewards: Readonly<Record<string, number>>;
  nextObservations: Readonly<Record<string, ArrayLike<number>>>;
  terminated: Readonly<Record<string, boolean>>;
  truncated: Readonly<Record<string, boolean>>;
  /** [stateSize]; omit when stateSize is 0. */
  state?: ArrayLike<number>;
  /** [stateSize]; omit when stateSize is 0. */
  nextState?: ArrayLike<number>;
}

/** One agent's columns of a sampled batch. */
export interface AgentBatch {
  observations: Float32Array; // [size × observationSize]
  actions: Int32Array | Float32Array; // [size × actionSize]
  rewards: Float32Array; // [size]
  nextObservations: Float32Array; // [size × observationSize]
  terminated: Uint8Array; // [size]
  truncated: Uint8Array; // [size]
}

/** A jointly sampled batch: row r of every agent and of the states is the same joint transition. */
export interface MultiAgentBatch {
  size: number;
  /** Storage slots the rows came from. */
  indices: Int32Array; // [size]
  states: Float32Array; // [size × stateSize]
  nextStates: Float32Array; // [size × stateSize]
  agents: Record<string, AgentBatch>;
}

const AGENT_FIELDS = ['observation', 'action', 'reward', 'nextObservation', 'terminated', 'truncated'] as const;
type AgentField = (typeof AGENT_FIELDS)[number];
const BATCH_KEYS: Record<AgentField, keyof AgentBatch> = {
  observation: 'observations',
  action: 'actions',
  reward: 'rewards',
  nextObservation: 'nextObservations',
  terminated: 'terminated',
  truncated: 'truncated',
};

/**
 * A ring buffer of joint multi-agent transitions in columnar typed arrays (a column per agent and
 * field, plus the global state and next state), sampled uniformly with replacement with the same
 * rows for every agent, as centralised critics (MADDPG, QMIX-style learners) need.
 */
export class MultiAgentReplayBuffer {
  readonly capacity: number;
  readonly agents: readonly AgentLayout[];
  readonly stateSize: number;
  private readonly storage: ColumnarStorage;
  private readonly ring: RingIndex;

  constructor(config: MultiAgentReplayBufferConfig) {
    const { capacity, agents, stateSize } = config;
    checkCapacity(KIND, capacity);
    checkIntegersAtLeast(KIND, { stateSize }, 0);
    if (!Array.isArray(agents) || agents.length === 0) throw new RangeError(`${KIND}: agents must list at least one agent`);
    const fields: Record<string, FieldDescriptor> = {};
    for (const agent of agents) {
      const { name, observationSize, actionSize, actionDtype } = agent;
      if (typeof name !== 'string' || name === '') throw new RangeError(`${KIND}: agent names must be non-empty strings`);
      if (`${name}/observation` in fields) throw new RangeError(`${KIND}: agent ${name} is listed twice`);
      checkIntegersAtLeast(KIND, { [`agents[${name}].observationSize`]: observationSize, [`agents[${name}].actionSize`]: actionSize }, 1);
      checkActionDtype(KIND, actionDtype, `agents[${name}].actionDtype`);
      fields[`${name}/observation`] = { shape: [observationSize], dtype: 'float32' };
      fields[`${name}/action`] = { shape: [actionSize], dtype: actionDtype };
      fields[`${name}/reward`] = { shape: [], dtype: 'float32' };
      fields[`${name}/nextObservation`] = { shape: [observationSize], dtype: 'float32' };
      fields[`${name}/terminated`] = { shape: [], dtype: 'uint8' };
      fields[`${name}/truncated`] = { shape: [], dtype: 'uint8' };
    }
    if (stateSize > 0) {
      fields.state = { shape: [stateSize], dtype: 'float32' };
      fields.nextState = { shape: [stateSize], dtype: 'float32' };
    }
    this.capacity = capacity;
    this.agents = Object.freeze(agents.map((agent) => Object.freeze({ ...agent })));
    this.stateSize = stateSize;
    this.storage = new ColumnarStorage(fields, capacity);
    this.ring = new RingIndex(capacity);
  }

  /** Joint transitions stored (≤ capacity). */
  get size(): number {
    return this.ring.size;
  }

  /** Stores a joint transition, evicting the oldest when full; checks everything before writing. */
  add(transition: MultiAgentTransition): void {
    const values: [string, number | ArrayLike<number>][] = [];
    const fail = failure(`${KIND}.add`, RangeError);
    for (const { name, observationSize, actionSize, actionDtype } of this.agents) {
      const get = <T>(record: Readonly<Record<string, T>> | undefined, what: string): T => {
        const value = record?.[name];
        if (value === undefined) fail(`${what} lacks agent ${name}`);
        return value!;
      };
      const observation = get(transition.observations, 'observations');
      const action = get(transition.actions, 'actions');
      const nextObservation = get(transition.nextObservations, 'nextObservations');
      for (const [what, array] of [['observations', observation], ['nextObservations', nextObservation]] as const) {
        if (array.length !== observationSize) fail(`${what}.${name} has length ${array.length}, expected ${observationSize}`);
      }
      const actionValues = typeof action === 'number' ? [action] : action;
      if (actionValues.length !== actionSize) fail(`actions.${name} has ${actionValues.length} numbers, expected ${actionSize}`);
      for (let k = 0; k < actionValues.length; k++) {
        const a = actionValues[k]!;
        const int32 = Number.isInteger(a) && a >= -0x80000000 && a <= 0x7fffffff;
        if (actionDtype === 'int32' && !int32) fail(`actions.${name} holds ${a}, not an int32`);
      }
      values.push(
        [`${name}/observation`, observation],
        [`${name}/action`, actionValues],
        [`${name}/reward`, get(transition.rewards, 'rewards')],
        [`${name}/nextObservation`, nextObservation],
        [`${name}/terminated`, get(transition.terminated, 'terminated') ? 1 : 0],
        [`${name}/truncated`, get(transition.truncated, 'truncated') ? 1 : 0],
      );
    }
    if (this.stateSize > 0) {
      for (const what of ['state', 'nextState'] as const) {
        const value = transition[what];
        if (value?.length !== this.stateSize) fail(`${what} has length ${value?.length}, expected stateSize = ${this.stateSize}`);
        values.push([what, value!]);
      }
    }
    const slot = this.ring.advance();
    for (const [name, value] of values) this.storage.writeRow(name, slot, value);
  }

  /** `batchSize` joint transitions drawn uniformly with replacement (one `rng.int(size)` per row). */
  sample(batchSize: number, rng: Rng): MultiAgentBatch {
    checkIntegersAtLeast(`${KIND}.sample`, { batchSize }, 1);
    if (this.size === 0) throw new Error(`${KIND}.sample: the buffer is empty`);
    const slots = new Int32Array(batchSize);
    for (let r = 0; r < batchSize; r++) slots[r] = rng.int(this.size);
    return this.gather(slots);
  }

  /** The joint transitions in `slots` (each < size), as a batch. */
  gather(slots: ArrayLike<number>): MultiAgentBatch {
    const size = slots.length;
    for (let r = 0; r < size; r++) {
      const slot = slots[r]!;
      if (!(Number.isInteger(slot) && slot >= 0 && slot < this.size)) {
        throw new RangeError(`${KIND}.gather: slot ${slot} is not in 0..${this.size - 1}`);
      }
    }
    const column = (name: string): ColumnArray => gatherColumn(this.storage, name, slots);
    const agents: Record<string, AgentBatch> = {};
    for (const { name } of this.agents) {
      const batch: Partial<Record<keyof AgentBatch, ColumnArray>> = {};
      for (const field of AGENT_FIELDS) batch[BATCH_KEYS[field]] = column(`${name}/${field}`);
      agents[name] = batch as unknown as AgentBatch;
    }
    const states = this.stateSize > 0 ? (column('state') as Float32Array) : new Float32Array(0);
    const nextStates = this.stateSize > 0 ? (column('nextState') as Float32Array) : new Float32Array(0);
    return { size, indices: Int32Array.from(slots), states, nextStates, agents };
  }

  /** Empties the buffer. */
  clear(): void {
    this.ring.clear();
  }

  private spec(): unknown {
    return { capacity: this.capacity, agents: this.agents, stateSize: this.stateSize };
  }

  /** Bytes from which {@link MultiAgentReplayBuffer.restore} rebuilds this exact buffer. */
  snapshot(): Uint8Array {
    return encodeSnapshot({
      kind: KIND,
      spec: this.spec(),
      counters: { position: this.ring.position, size: this.ring.size },
      arrays: this.storage.snapshotArrays(this.ring.size),
    });
  }

  /** Restores {@link MultiAgentReplayBuffer.snapshot} bytes; throws for another spec or bad bytes, changing nothing. */
  restore(bytes: Uint8Array): void {
    const { counters, arrays } = decodeSnapshot(bytes, KIND, this.spec());
    const { position = NaN, size = NaN } = counters;
    new RingIndex(this.capacity).restore(position, size); // throws for an impossible state before anything changes
    this.storage.checkArrays(KIND, arrays, size);
    this.storage.loadArrays(arrays, size);
    this.ring.restore(position, size);
  }
}
