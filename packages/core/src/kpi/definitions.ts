import type { Metrics } from '../reports/facts.js';
import { mean, percent, serviceLevel } from '../reports/math.js';

/** What a KPI is measured on: a queue (queue-activity facts) or an agent (agent-performance facts). */
export type KpiSubject = 'queue' | 'agent';
export type KpiUnit = 'percent' | 'seconds';

export const KPI_KEYS = ['serviceLevelPercent', 'abandonedPercent', 'averageWaitSeconds', 'satisfactionPercent', 'qualityPercent', 'averageHandleSeconds', 'ronaPercent', 'notReadyPercent'] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export interface KpiDefinition {
  key: KpiKey;
  label: string;
  subject: KpiSubject;
  unit: KpiUnit;
  /** Which way is good: a goal is a floor for `higher`, a ceiling for `lower`. */
  better: 'higher' | 'lower';
  description: string;
  value(m: Metrics): number | null;
  /** How much the value stands on (tasks, offers; seconds signed in for not-ready). */
  basis(m: Metrics): number;
  /** Below this basis a period is too thin to call unusual (one late task is not an anomaly). */
  minBasis: number;
  /** Shown only where there is something to measure (chat ratings: not every queue has chats). */
  whereMeasured?: true;
}

const answeredOrAbandoned = (m: Metrics) => m.get('assigned').n + m.get('canceled', 'abandoned').n;
const signedIn = (m: Metrics) => ['available', 'after-work', 'not-ready*'].reduce((s, code) => s + m.get('presence', code).total, 0);

export const KPIS: readonly KpiDefinition[] = [
  {
    key: 'serviceLevelPercent',
    label: 'Service level',
    subject: 'queue',
    unit: 'percent',
    better: 'higher',
    description: "Share of tasks assigned within the queue's service-level threshold; abandoned ones count against it when they waited past it.",
    value: (m) => serviceLevel(m.get('assigned').within, m.get('assigned').n, m.get('canceled', 'abandoned').within),
    basis: answeredOrAbandoned,
    minBasis: 5,
  },
  {
    key: 'abandonedPercent',
    label: 'Abandon rate',
    subject: 'queue',
    unit: 'percent',
    better: 'lower',
    description: 'Share of tasks canceled while waiting, of those assigned or abandoned.',
    value: (m) => percent(m.get('canceled', 'abandoned').n, answeredOrAbandoned(m)),
    basis: answeredOrAbandoned,
    minBasis: 5,
  },
  {
    key: 'averageWaitSeconds',
    label: 'Average wait',
    subject: 'queue',
    unit: 'seconds',
    better: 'lower',
    description: 'Average wait in the queue until assignment.',
    value: (m) => mean(m.get('assigned').total, m.get('assigned').n),
    basis: (m) => m.get('assigned').n,
    minBasis: 5,
  },
  {
    key: 'satisfactionPercent',
    label: 'Customer satisfaction',
    subject: 'queue',
    unit: 'percent',
    better: 'higher',
    description: 'Share of rated chats their visitors rated 4 or 5 (of 5).',
    value: (m) => percent(m.get('rated').within, m.get('rated').n),
    basis: (m) => m.get('rated').n,
    minBasis: 5,
    whereMeasured: true,
  },
  {
    key: 'qualityPercent',
    label: 'Quality score',
    subject: 'queue',
    unit: 'percent',
    better: 'higher',
    description: "Average score of the queue's work evaluated with a questionnaire (scorecards finished in the period).",
    value: (m) => (m.get('evaluated').n ? Math.round((m.get('evaluated').total / m.get('evaluated').n) * 10) / 10 : null),
    basis: (m) => m.get('evaluated').n,
    minBasis: 3,
    whereMeasured: true,
  },
  {
    key: 'averageHandleSeconds',
    label: 'Average handle time',
    subject: 'agent',
    unit: 'seconds',
    better: 'lower',
    description: 'Average time from assignment to completion.',
    value: (m) => mean(m.get('completed').total, m.get('completed').n),
    basis: (m) => m.get('completed').n,
    minBasis: 3,
  },
  {
    key: 'ronaPercent',
    label: 'No-answer rate',
    subject: 'agent',
    unit: 'percent',
    better: 'lower',
    description: 'Share of offers that timed out unanswered (RONA).',
    value: (m) => percent(m.get('rona').n, m.get('offered').n),
    basis: (m) => m.get('offered').n,
    minBasis: 5,
  },
  {
    key: 'notReadyPercent',
    label: 'Not-ready time',
    subject: 'agent',
    unit: 'percent',
    better: 'lower',
    description: 'Share of signed-in time spent not ready (any reason), counted when the status ends.',
    value: (m) => percent(m.get('presence', 'not-ready*').total, signedIn(m)),
    basis: signedIn,
    minBasis: 1800,
  },
];

export const kpiNamed = (key: string): KpiDefinition | undefined => KPIS.find((k) => k.key === key);
export const kpisOf = (subject: KpiSubject): KpiDefinition[] => KPIS.filter((k) => k.subject === subject);
