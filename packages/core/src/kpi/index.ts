export * from './definitions.js';
export * from './targets.js';
export * from './anomalies.js';
export * from './insights.js';
