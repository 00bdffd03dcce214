export * from './questionnaire.js';
export * from './score.js';
export * from './plans.js';
export * from './calibration.js';
export * from './summary.js';
export * from './dispute.js';
