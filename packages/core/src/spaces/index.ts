export type {
  Space,
  SpaceKind,
  SpaceJSON,
  SpaceValue,
  SpaceMask,
  BoxDtype,
  DiscreteJSON,
  BoxJSON,
  MultiDiscreteJSON,
  MultiBinaryJSON,
  TupleJSON,
  DictJSON,
} from './space.js';
export { Discrete, type DiscreteMask, type DiscreteOptions } from './discrete.js';
export { Box, type BoxValue, type BoxBound, type BoxOptions, type BoundedManner } from './box.js';
export { MultiDiscrete, type MultiDiscreteMask, type MultiDiscreteOptions } from './multi-discrete.js';
export { MultiBinary, type MultiBinaryMask } from './multi-binary.js';
export { TupleSpace, type TupleValue, type TupleMask } from './tuple.js';
export { DictSpace, type DictValue, type DictMask } from './dict.js';
export { spaceFromJSON, spacesEqual } from './space-from-json.js';
