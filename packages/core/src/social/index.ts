export * from './inbound.js';
export * from './actionable.js';
