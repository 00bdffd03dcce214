import type { Scenario } from '../lib/scenario.js';

// Not measured yet; its rows say so (MISS) instead of measuring something else.
export const reports: Scenario = {
  name: 'reports',
  title: 'a month of history, 10,000,000 events: each historical report',
  needsPostgres: true,
  setup: () => 'Needs historical reports, which are not built yet (only realtime statistics exist).',
  rows: [{ key: 'p95', label: 'historical report p95', unit: 'ms', target: { op: '<=', value: 500 }, notBuilt: 'historical reports do not exist yet' }],
};
