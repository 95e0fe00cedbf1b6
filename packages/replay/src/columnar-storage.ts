import {
  createColumn,
  fieldWidth,
  validateFieldSpec,
  type ColumnArray,
  type FieldSpec,
} from './field-spec.js';
import type { SnapshotArray } from './internal/snapshot.js';
import { checkCapacity, checkIntegersAtLeast } from './internal/validate.js';

/**
 * Write position and fill level of a ring of `capacity` slots: slots fill 0, 1, 2, … and, once
 * full, each new row overwrites the oldest. While not full, the stored slots are 0..size-1.
 */
export class RingIndex {
  /** Number of slots. */
  readonly capacity: number;
  private pos = 0;
  private count = 0;

  constructor(capacity: number) {
    checkCapacity('RingIndex', capacity);
    this.capacity = capacity;
  }

  /** Slot the next row goes to. */
  get position(): number {
    return this.pos;
  }

  /** Rows stored (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** Whether the next row evicts the oldest. */
  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Slot of the oldest stored row. */
  get oldest(): number {
    return this.count === this.capacity ? this.pos : 0;
  }

  /** Claims the next slot, evicting the oldest row when full; returns it. */
  advance(): number {
    const slot = this.pos;
    this.pos = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.count < this.capacity) this.count++;
    return slot;
  }

  /** Claims `n` slots at once; returns the first: row k goes to (first + k) % capacity. */
  advanceBy(n: number): number {
    checkIntegersAtLeast('RingIndex.advanceBy', { n }, 0);
    const first = this.pos;
    this.pos = (first + n) % this.capacity;
    this.count = Math.min(this.capacity, this.count + n);
    return first;
  }

  /** Slot of the row `age` adds before the newest (0 = newest); `age` < size. */
  slotFromNewest(age: number): number {
    const slot = this.pos - 1 - age;
    return slot < 0 ? slot + this.capacity : slot;
  }

  /** Empties the ring; the next row goes to slot 0. */
  clear(): void {
    this.pos = 0;
    this.count = 0;
  }

  /** Sets position and size (from a snapshot), after checking they describe a reachable state. */
  restore(position: number, size: number): void {
    const ok =
      Number.isInteger(position) &&
      Number.isInteger(size) &&
      size >= 0 &&
      size <= this.capacity &&
      position >= 0 &&
      position < this.capacity &&
      (size === this.capacity || position === size % this.capacity);
    if (!ok) throw new RangeError(`RingIndex.restore: position ${position}, size ${size} impossible for capacity ${this.capacity}`);
    this.pos = position;
    this.count = size;
  }
}

/**
 * Columnar storage for `capacity` rows: one preallocated typed array per field of a
 * {@link FieldSpec}, row-major within the column (row r of a field of width w is
 * `column[r·w … r·w + w)`). No per-row JS objects; which rows are live is the owner's business
 * (usually a {@link RingIndex}).
 */
export class ColumnarStorage {
  /** The validated, frozen layout. */
  readonly spec: FieldSpec;
  /** Rows the columns hold. */
  readonly capacity: number;
  /** Column per field, `capacity × width` elements. */
  readonly columns: Readonly<Record<string, ColumnArray>>;
  /** Numbers per row, per field. */
  readonly widths: Readonly<Record<string, number>>;

  constructor(spec: FieldSpec, capacity: number) {
    checkCapacity('ColumnarStorage', capacity);
    this.spec = validateFieldSpec('ColumnarStorage', spec);
    this.capacity = capacity;
    const columns: Record<string, ColumnArray> = {};
    const widths: Record<string, number> = {};
    for (const [name, field] of Object.entries(this.spec)) {
      widths[name] = fieldWidth(field);
      columns[name] = createColumn(field.dtype, capacity * widths[name]);
    }
    this.columns = Object.freeze(columns);
    this.widths = Object.freeze(widths);
  }

  /** Bytes held by the columns. */
  get byteLength(): number {
    let bytes = 0;
    for (const column of Object.values(this.columns)) bytes += column.byteLength;
    return bytes;
  }

  /** The column of `name`; throws for a field the spec lacks. */
  column(name: string): ColumnArray {
    const column = this.columns[name];
    if (column === undefined) throw new RangeError(`ColumnarStorage: no field named ${name}`);
    return column;
  }

  /**
   * Throws a RangeError unless `value` fits a row of `name`: a number for width 1, else `width`
   * numbers; integer columns also refuse values they cannot hold exactly (1.5 or 300 in uint8)
   * instead of silently rounding or wrapping. Check every field before writing any, so that a
   * refused row leaves the storage untouched.
   */
  checkRow(name: string, value: number | ArrayLike<number>): void {
    const width = this.widths[name];
    if (width === undefined) throw new RangeError(`ColumnarStorage: no field named ${name}`);
    const dtype = this.spec[name]!.dtype;
    if (typeof value === 'number') {
      if (width !== 1) throw new RangeError(`${name}: expected ${width} numbers, got a single number`);
      if (!fits(dtype, value)) throw new RangeError(`${name}: ${value} is not representable as ${dtype}`);
      return;
    }
    if (value === null || typeof value !== 'object' || value.length !== width) {
      throw new RangeError(`${name}: expected ${width} numbers, got ${describe(value)}`);
    }
    if (dtype === 'float32' || dtype === 'float64') return;
    for (let k = 0; k < width; k++) {
      if (!fits(dtype, value[k]!)) throw new RangeError(`${name}[${k}]: ${value[k]} is not representable as ${dtype}`);
    }
  }

  /** Copies `value` (checked by {@link checkRow}) into row `slot` of `name`. */
  writeRow(name: string, slot: number, value: number | ArrayLike<number>): void {
    const column = this.columns[name]!;
    if (typeof value === 'number') {
      column[slot] = value;
      return;
    }
    const width = value.length;
    const start = slot * width;
    for (let k = 0; k < width; k++) column[start + k] = value[k]!;
  }

  /**
   * Throws a RangeError unless `source` holds `rows` rows of `name` (row-major) whose values the
   * column can hold exactly; booleans count as 0/1.
   */
  checkRows(name: string, source: ArrayLike<number | boolean>, rows: number): void {
    const width = this.widths[name];
    if (width === undefined) throw new RangeError(`ColumnarStorage: no field named ${name}`);
    if (source === null || typeof source !== 'object' || source.length !== rows * width) {
      throw new RangeError(`${name}: expected ${rows} rows × ${width} = ${rows * width} numbers, got ${describe(source)}`);
    }
    const dtype = this.spec[name]!.dtype;
    if (dtype === 'float32' || dtype === 'float64') return;
    if (ArrayBuffer.isView(source) && source.constructor === this.columns[name]!.constructor) return;
    for (let k = 0; k < source.length; k++) {
      if (!fits(dtype, +source[k]!)) {
        throw new RangeError(
          `${name}: row ${Math.floor(k / width)} holds ${String(source[k])}, not representable as ${dtype}`,
        );
      }
    }
  }

  /**
   * Copies `count` consecutive rows of `name` from `source` (checked by {@link checkRows};
   * starting at row `sourceRow`) into slots `slot … slot + count − 1`, which must not run past
   * the end of the column.
   */
  writeRows(name: string, slot: number, source: ArrayLike<number | boolean>, sourceRow: number, count: number): void {
    const column = this.columns[name]!;
    const width = this.widths[name]!;
    const n = count * width;
    const from = sourceRow * width;
    const to = slot * width;
    if (ArrayBuffer.isView(source) && source.constructor === column.constructor) {
      column.set((source as unknown as ColumnArray).subarray(from, from + n), to);
      return;
    }
    for (let k = 0; k < n; k++) column[to + k] = +source[from + k]!;
  }

  /** Copies the rows at `slots[0 … count)` of `name` into `out` (row-major, rows 0 … count − 1). */
  gatherRows(name: string, slots: ArrayLike<number>, count: number, out: ColumnArray): void {
    const column = this.column(name);
    const width = this.widths[name]!;
    if (width === 1) {
      for (let r = 0; r < count; r++) out[r] = column[slots[r]!]!;
      return;
    }
    for (let r = 0; r < count; r++) {
      const from = slots[r]! * width;
      const to = r * width;
      for (let k = 0; k < width; k++) out[to + k] = column[from + k]!;
    }
  }

  /** Views of the first `rows` rows of every column, for a snapshot (no copy). */
  snapshotArrays(rows: number): Record<string, SnapshotArray> {
    const arrays: Record<string, SnapshotArray> = {};
    for (const [name, column] of Object.entries(this.columns)) arrays[name] = column.subarray(0, rows * this.widths[name]!);
    return arrays;
  }

  /**
   * Checks that `arrays` hold `rows` rows of every field with the right dtypes; throws an
   * Error naming the first problem. Call before {@link loadArrays} to restore all-or-nothing.
   */
  checkArrays(owner: string, arrays: Readonly<Record<string, SnapshotArray>>, rows: number): void {
    if (!Number.isInteger(rows) || rows < 0 || rows > this.capacity) {
      throw new Error(`${owner}.restore: snapshot holds ${rows} rows, capacity is ${this.capacity}`);
    }
    for (const [name, column] of Object.entries(this.columns)) {
      const array = arrays[name];
      if (array === undefined) throw new Error(`${owner}.restore: snapshot lacks the ${name} column`);
      if (array.constructor !== column.constructor || array.length !== rows * this.widths[name]!) {
        throw new Error(`${owner}.restore: snapshot's ${name} column has the wrong type or length`);
      }
    }
  }

  /** Copies the first `rows` rows of every column from `arrays` (checked by {@link checkArrays}). */
  loadArrays(arrays: Readonly<Record<string, SnapshotArray>>, rows: number): void {
    for (const [name, column] of Object.entries(this.columns)) {
      column.set(arrays[name] as ColumnArray, 0);
      column.fill(0, rows * this.widths[name]!);
    }
  }
}

/** Whether `dtype` holds `value` exactly (floats take any number, rounding is their nature). */
function fits(dtype: string, value: number): boolean {
  switch (dtype) {
    case 'int32':
      return value === (value | 0);
    case 'uint8':
      return value === (value & 0xff);
    default:
      return typeof value === 'number';
  }
}

function describe(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'length' in value) return `${String(value.length)} numbers`;
  return String(value);
}
