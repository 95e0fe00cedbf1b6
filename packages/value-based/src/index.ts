// Algorithms add their export lines below.
export * from './dqn/index.js';
export * from './tabular/index.js';
