import type { Interval } from './intervals.js';
import type { Metrics } from './facts.js';
import { mean, percent, serviceLevel } from './math.js';

export const FILTERS = ['queue', 'team', 'agent', 'caseType'] as const;
export type Filter = (typeof FILTERS)[number];
export type Dimension = 'queue' | 'agent' | 'caseType' | 'code';
/**
 * `queue`: facts kept per queue and case type; `agent`: per agent and code; `wrapup`: completions per
 * queue, agent and code; `advisor`: cases closed and escalated per person who did it and case type.
 */
export type Grain = 'queue' | 'agent' | 'wrapup' | 'advisor';

export interface Column {
  key: string;
  label: string;
  /** `score`: a mean of ratings (1 to 5), two decimals. */
  kind: 'text' | 'count' | 'seconds' | 'percent' | 'score';
  /** Chart it by default. */
  chart?: boolean;
}

export type Values = Record<string, number | string | null>;

export interface ReportDefinition {
  name: string;
  title: string;
  description: string;
  filters: readonly Filter[];
  intervals: readonly Interval[];
  grain: Grain;
  metrics: readonly string[];
  groupBy: readonly Dimension[];
  columns: readonly Column[];
  /** Needs the individual case resolution times (p90). */
  durations?: boolean;
  values(m: Metrics, p90: number | null): Values;
}

const ALL: readonly Interval[] = ['hour', 'day', 'week', 'month', 'total'];
const count = (key: string, label: string, chart = false): Column => ({ key, label, kind: 'count', chart });
const seconds = (key: string, label: string, chart = false): Column => ({ key, label, kind: 'seconds', chart });
const pct = (key: string, label: string, chart = false): Column => ({ key, label, kind: 'percent', chart });

/** Not-ready time per reason, longest first: "lunch: 30 min; training: 12 min" (whole minutes, "< 1 min" below). */
const notReadySummary = (m: Metrics) =>
  m
    .codes('presence')
    .filter((c) => c.code.startsWith('not-ready') && c.agg.total > 0)
    .sort((a, b) => b.agg.total - a.agg.total || a.code.localeCompare(b.code))
    .map((c) => `${c.code.slice('not-ready:'.length) || 'no reason'}: ${c.agg.total < 60 ? '< 1' : Math.round(c.agg.total / 60)} min`)
    .join('; ');

const wrapUpSummary = (m: Metrics) =>
  m.codes('completed').filter((c) => c.agg.n > 0).sort((a, b) => b.agg.n - a.agg.n || a.code.localeCompare(b.code)).map((c) => `${c.code || '-'}: ${c.agg.n}`).join('; ');

export const REPORTS: readonly ReportDefinition[] = [
  {
    name: 'queue-activity',
    title: 'Queue activity',
    description: 'Per queue: tasks created, offered, assigned, completed, canceled and abandoned; wait to assignment; service level (answered within the queue\'s threshold).',
    filters: ['queue', 'caseType'],
    intervals: ALL,
    grain: 'queue',
    metrics: ['created', 'offered', 'assigned', 'completed', 'canceled', 'declined', 'rona'],
    groupBy: ['queue'],
    columns: [
      count('created', 'Created', true), count('offered', 'Offered'), count('assigned', 'Assigned', true), count('completed', 'Completed', true),
      count('canceled', 'Canceled'), count('abandoned', 'Abandoned'), count('declined', 'Declined'), count('rona', 'RONA'),
      seconds('averageWaitSeconds', 'Average wait (s)'), seconds('maxWaitSeconds', 'Max wait (s)'), pct('serviceLevelPercent', 'Service level %'),
    ],
    values: (m) => {
      const assigned = m.get('assigned');
      return {
        created: m.get('created').n,
        offered: m.get('offered').n,
        assigned: assigned.n,
        completed: m.get('completed').n,
        canceled: m.get('canceled').n,
        abandoned: m.get('canceled', 'abandoned').n,
        declined: m.get('declined').n,
        rona: m.get('rona').n,
        averageWaitSeconds: mean(assigned.total, assigned.n),
        maxWaitSeconds: assigned.max === null ? null : Math.round(assigned.max),
        serviceLevelPercent: serviceLevel(assigned.within, assigned.n, m.get('canceled', 'abandoned').within),
      };
    },
  },
  {
    name: 'agent-performance',
    title: 'Agent performance',
    description: 'Per agent: offers, tasks handled, handle time, declines, RONAs, time in each presence status (available — with or without work in hand —, after work, not ready; counted when the status ends), not-ready time per reason and wrap-up codes.',
    filters: ['team', 'agent'],
    intervals: ALL,
    grain: 'agent',
    metrics: ['offered', 'completed', 'declined', 'rona', 'presence'],
    groupBy: ['agent'],
    columns: [
      count('offered', 'Offered'), count('handled', 'Handled', true), seconds('averageHandleSeconds', 'Average handle (s)'), seconds('totalHandleSeconds', 'Total handle (s)'),
      count('declined', 'Declined'), count('rona', 'RONA'), seconds('availableSeconds', 'Available (s)'), seconds('afterWorkSeconds', 'After work (s)'), seconds('notReadySeconds', 'Not ready (s)'), { key: 'notReadyReasons', label: 'Not ready by reason', kind: 'text' }, { key: 'wrapUps', label: 'Wrap-up codes', kind: 'text' },
    ],
    values: (m) => {
      const done = m.get('completed');
      const inStatus = (code: string) => Math.round(m.get('presence', code).total);
      return {
        offered: m.get('offered').n,
        handled: done.n,
        averageHandleSeconds: mean(done.total, done.n),
        totalHandleSeconds: Math.round(done.total),
        declined: m.get('declined').n,
        rona: m.get('rona').n,
        availableSeconds: inStatus('available'),
        afterWorkSeconds: inStatus('after-work'),
        notReadySeconds: inStatus('not-ready*'),
        notReadyReasons: notReadySummary(m),
        wrapUps: wrapUpSummary(m),
      };
    },
  },
  {
    name: 'wrap-ups',
    title: 'Wrap-up codes',
    description: 'Completed tasks per queue and wrap-up (disposition) code: count, share of the queue, average handle time. "-" = no code.',
    filters: ['queue', 'team', 'agent'],
    intervals: ALL,
    grain: 'wrapup',
    metrics: ['completed'],
    groupBy: ['queue', 'code'],
    columns: [count('completed', 'Completed', true), pct('percentOfQueue', '% of queue'), seconds('averageHandleSeconds', 'Average handle (s)')],
    values: (m) => {
      const done = m.get('completed');
      return { completed: done.n, percentOfQueue: null, averageHandleSeconds: mean(done.total, done.n) };
    },
  },
  {
    name: 'agent-queues',
    title: 'Agents by queue',
    description: 'Per agent and queue: tasks handled, average and total handle time, and their wrap-up codes: what each person does for each queue.',
    filters: ['queue', 'team', 'agent'],
    intervals: ALL,
    grain: 'wrapup',
    metrics: ['completed'],
    groupBy: ['agent', 'queue'],
    columns: [count('handled', 'Handled', true), seconds('averageHandleSeconds', 'Average handle (s)'), seconds('totalHandleSeconds', 'Total handle (s)'), { key: 'wrapUps', label: 'Wrap-up codes', kind: 'text' }],
    values: (m) => {
      const done = m.get('completed');
      return { handled: done.n, averageHandleSeconds: mean(done.total, done.n), totalHandleSeconds: Math.round(done.total), wrapUps: wrapUpSummary(m) };
    },
  },
  {
    name: 'satisfaction',
    title: 'Customer satisfaction',
    description: 'Per agent and queue: chats rated by their visitors, the average score (1 to 5), the share satisfied (4 or 5) and how the scores spread.',
    filters: ['queue', 'team', 'agent'],
    intervals: ALL,
    grain: 'wrapup',
    metrics: ['rated'],
    groupBy: ['agent', 'queue'],
    columns: [count('rated', 'Rated', true), { key: 'averageScore', label: 'Average score', kind: 'score' }, pct('satisfiedPercent', 'Satisfied (4-5)', true), { key: 'scores', label: 'Scores', kind: 'text' }],
    values: (m) => {
      const r = m.get('rated');
      const scores = m.codes('rated').filter((c) => c.agg.n > 0).sort((a, b) => b.code.localeCompare(a.code)).map((c) => `${c.code}: ${c.agg.n}`).join('; ');
      return { rated: r.n, averageScore: r.n ? Math.round((r.total / r.n) * 100) / 100 : null, satisfiedPercent: percent(r.within, r.n), scores };
    },
  },
  {
    name: 'quality',
    title: 'Quality evaluations',
    description: 'Per agent and queue: scorecards finished in the period (quality management), the average score, the share passed and how they spread over fail, pass and excellent.',
    filters: ['queue', 'team', 'agent'],
    intervals: ALL,
    grain: 'wrapup',
    metrics: ['evaluated'],
    groupBy: ['agent', 'queue'],
    columns: [count('evaluated', 'Evaluated', true), pct('averagePercent', 'Average score', true), pct('passedPercent', 'Passed'), { key: 'bands', label: 'Bands', kind: 'text' }],
    values: (m) => {
      const e = m.get('evaluated');
      const bands = ['excellent', 'pass', 'fail'].map((b) => [b, m.codes('evaluated').find((c) => c.code === b)?.agg.n ?? 0] as const).filter(([, n]) => n > 0).map(([b, n]) => `${b}: ${n}`).join('; ');
      return { evaluated: e.n, averagePercent: e.n ? Math.round((e.total / e.n) * 10) / 10 : null, passedPercent: percent(e.within, e.n), bands };
    },
  },
  {
    name: 'case-volumes',
    title: 'Case volumes',
    description: 'Per case type: cases opened, resolved, closed, escalated and reopened.',
    filters: ['caseType'],
    intervals: ALL,
    grain: 'queue',
    metrics: ['case.created', 'case.closed', 'case.escalated', 'case.reopened'],
    groupBy: ['caseType'],
    columns: [count('created', 'Opened', true), count('resolved', 'Resolved', true), count('closed', 'Closed'), count('escalated', 'Escalated'), count('reopened', 'Reopened')],
    values: (m) => ({
      created: m.get('case.created').n,
      resolved: m.get('case.closed', 'resolved').n,
      closed: m.get('case.closed', 'closed').n,
      escalated: m.get('case.escalated').n,
      reopened: m.get('case.reopened').n,
    }),
  },
  {
    name: 'case-advisors',
    title: 'Cases per advisor',
    description: 'Per person and case type: cases they closed (resolved or closed), how long those took from opening, how many met their SLA, and cases they escalated by hand.',
    filters: ['caseType', 'team', 'agent'],
    intervals: ALL,
    grain: 'advisor',
    metrics: ['case.closed', 'case.escalated'],
    groupBy: ['agent', 'caseType'],
    columns: [count('closed', 'Closed', true), seconds('averageSeconds', 'Average time to close (s)'), pct('slaMetPercent', 'SLA met %'), count('escalated', 'Escalated by hand', true)],
    values: (m) => {
      const c = m.get('case.closed');
      return { closed: c.n, averageSeconds: mean(c.total, c.n), slaMetPercent: percent(c.within, c.n), escalated: m.get('case.escalated', 'manual').n };
    },
  },
  {
    name: 'case-resolution',
    title: 'Case resolution times',
    description: 'Per case type: cases resolved or closed, and the time from opening to closure (average, 90th percentile, max).',
    filters: ['caseType'],
    intervals: ALL,
    grain: 'queue',
    metrics: ['case.closed'],
    groupBy: ['caseType'],
    durations: true,
    columns: [count('closed', 'Closed', true), seconds('averageSeconds', 'Average (s)', true), seconds('p90Seconds', 'p90 (s)', true), seconds('maxSeconds', 'Max (s)')],
    values: (m, p90) => {
      const c = m.get('case.closed');
      return { closed: c.n, averageSeconds: mean(c.total, c.n), p90Seconds: p90 === null ? null : Math.round(p90), maxSeconds: c.max === null ? null : Math.round(c.max) };
    },
  },
  {
    name: 'sla-compliance',
    title: 'SLA / OLA compliance',
    description: 'Per case type: SLA warnings and breaches, % of closed cases that met their SLA; OLA warnings and breaches, % of completed case tasks that met their OLA.',
    filters: ['caseType'],
    intervals: ALL,
    grain: 'queue',
    metrics: ['case.closed', 'sla.warning', 'sla.breached', 'ola.warning', 'ola.breached', 'completed'],
    groupBy: ['caseType'],
    columns: [
      count('closed', 'Closed'), count('slaWarned', 'SLA warned'), count('slaBreached', 'SLA breached', true), pct('slaMetPercent', 'SLA met %', true),
      count('tasksCompleted', 'Case tasks completed'), count('olaWarned', 'OLA warned'), count('olaBreached', 'OLA breached'), pct('olaMetPercent', 'OLA met %'),
    ],
    values: (m) => {
      const closed = m.get('case.closed');
      const tasks = m.get('completed');
      return {
        closed: closed.n,
        slaWarned: m.get('sla.warning').n,
        slaBreached: m.get('sla.breached').n,
        slaMetPercent: percent(closed.within, closed.n),
        tasksCompleted: tasks.n,
        olaWarned: m.get('ola.warning').n,
        olaBreached: m.get('ola.breached').n,
        olaMetPercent: percent(tasks.within, tasks.n),
      };
    },
  },
];

export const reportNamed = (name: string): ReportDefinition | undefined => REPORTS.find((r) => r.name === name);
