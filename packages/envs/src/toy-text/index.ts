export { GridWorld, type GridWorldOptions } from './grid-world.js';
export { CliffWalking, type CliffWalkingOptions } from './cliff-walking.js';
export { FrozenLake, FROZEN_LAKE_MAPS, type FrozenLakeOptions } from './frozen-lake.js';
