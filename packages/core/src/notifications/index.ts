export * from './events.js';
export * from './template.js';
export * from './variables.js';
