export * from './erlang.js';
export * from './forecast.js';
export * from './staffing.js';
export * from './schedule.js';
export * from './adherence.js';
export * from './bidding.js';
