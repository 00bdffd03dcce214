export * from './journey.js';
export * from './segments.js';
export * from './predict.js';
export * from './actions.js';
