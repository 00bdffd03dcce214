export * from './intervals.js';
export * from './math.js';
export * from './csv.js';
export * from './facts.js';
export * from './definitions.js';
export * from './build.js';
