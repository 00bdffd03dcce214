export * from './model.js';
export * from './routing/order.js';
export * from './routing/targets.js';
export * from './routing/eligibility.js';
export * from './routing/decide.js';
export * from './classification/rules.js';
export * from './priority/effective.js';
export * from './templates/url.js';
