import type { ColumnarStorage } from '../columnar-storage.js';
import { createColumn, type ColumnArray } from '../field-spec.js';

/** A fresh column of field `name` holding the rows at `slots` of `storage`, in that order. */
export function gatherColumn(storage: ColumnarStorage, name: string, slots: ArrayLike<number>): ColumnArray {
  const out = createColumn(storage.spec[name]!.dtype, slots.length * storage.widths[name]!);
  storage.gatherRows(name, slots, slots.length, out);
  return out;
}
