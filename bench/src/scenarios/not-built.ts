import type { Scenario } from '../lib/scenario.js';

// Not measured yet; their rows say so (MISS) instead of measuring something else.
export const timers: Scenario = {
  name: 'timers',
  title: '1,000,000 SLA/OLA clocks, 100,000 due in the same second',
  needsPostgres: true,
  setup: () => 'SLA/OLA clocks (packages/server/src/clocks) arrived with case management while this suite was written; this scenario is not written yet.',
  rows: [
    { key: 'once', label: 'every timer fires exactly once', unit: '', target: { op: '>=', value: 1 }, notBuilt: 'scenario not written yet' },
    { key: 'late', label: 'lateness p99', unit: 'ms', target: { op: '<=', value: 1000 }, notBuilt: 'scenario not written yet' },
  ],
};

export const reports: Scenario = {
  name: 'reports',
  title: 'a month of history, 10,000,000 events: each historical report',
  needsPostgres: true,
  setup: () => 'Needs historical reports, which are not built yet (only realtime statistics exist).',
  rows: [{ key: 'p95', label: 'historical report p95', unit: 'ms', target: { op: '<=', value: 500 }, notBuilt: 'historical reports do not exist yet' }],
};
