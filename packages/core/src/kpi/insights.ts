import { Metrics, type Fact } from '../reports/facts.js';
import { localIso } from '../calendar/local.js';
import type { Interval } from '../reports/intervals.js';
import { anomalies, material, median } from './anomalies.js';
import { kpisOf, type KpiDefinition, type KpiKey, type KpiSubject, type KpiUnit } from './definitions.js';
import { goalFor, meetsGoal, type Goal, type KpiTarget } from './targets.js';

export type KpiStatus = 'met' | 'missed' | 'no-goal' | 'no-data';

export interface KpiReading {
  value: number | null;
  basis: number;
  goal: Goal | null;
  status: KpiStatus;
  /** Per bucket (null: nothing measured). */
  series: (number | null)[];
  /** Buckets unusually bad against the subject's other buckets. */
  anomalies: number[];
  /** The median of the periods measured on enough (what anomalies are told from); null: none. */
  usual: number | null;
  /** Agents only: unusually bad against the other agents, with what is usual among them. */
  outlier?: { peersUsual: number; score: number };
}

export interface SubjectInsight {
  id: string;
  name: string;
  kpis: Partial<Record<KpiKey, KpiReading>>;
  volume: Record<string, number>;
  teams?: string[];
}

export interface Finding {
  kind: 'missed' | 'anomaly' | 'outlier';
  kpi: KpiKey;
  subject: { type: KpiSubject | 'all'; id: string; name: string };
  value: number;
  /** The goal (missed), the subject's usual value (anomaly) or the peers' (outlier). */
  reference: number;
  bucket: number | null;
  /**
   * For ordering: how far off, in steps of what is material (5 points of a percentage, 10 % of a
   * time); a missed goal one step more, being the business's own line.
   */
  severity: number;
  text: string;
}

export interface InsightsInput {
  buckets: readonly number[];
  interval: Interval;
  zone: string;
  /** Queue-grain facts grouped by bucket and queue. */
  queueFacts: readonly Fact[];
  /** Agent-grain facts grouped by bucket and agent (or, for one queue, its completions per agent). */
  agentFacts: readonly Fact[];
  /** Which agent KPIs the agent facts can tell (one queue's completions tell handle time only). */
  agentKpis?: readonly KpiKey[];
  targets: readonly KpiTarget[];
  name: (subject: KpiSubject, id: string) => string;
  teamsOf: (agentId: string) => readonly string[];
  /** Word findings of the overall figures too (not when one queue is looked at: they are the same). */
  overallFindings?: boolean;
}

export interface Insights {
  overall: SubjectInsight;
  queues: SubjectInsight[];
  agents: SubjectInsight[];
  findings: Finding[];
}

const MAX_FINDINGS = 50;
const PEER_MIN = 4;

/**
 * KPI insights: each queue and agent measured against its goal, per bucket and over the range;
 * periods unusually bad against the subject's others (anomalies over time); agents unusually bad
 * against their peers (outliers: "a few agents with higher than normal handle times"); and the
 * findings, worst first, each in a sentence that says what and against what.
 */
export function buildInsights(input: InsightsInput): Insights {
  const index = new Map(input.buckets.map((b, i) => [b, i]));
  const queueKpis = kpisOf('queue');
  const agentKpis = kpisOf('agent').filter((k) => !input.agentKpis || input.agentKpis.includes(k.key));
  const all = group(input.queueFacts, () => '', index, input.buckets.length);
  const overall = measure('', 'All queues', all.get('') ?? blank(input.buckets.length), queueKpis, input.targets, {});
  overall.volume = queueVolume(all.get('')?.total ?? new Metrics());
  const queues = [...group(input.queueFacts, (f) => f.queue, index, input.buckets.length)]
    .filter(([id]) => id !== '')
    .map(([id, g]) => ({ ...measure(id, input.name('queue', id), g, queueKpis, input.targets, { queue: id }), volume: queueVolume(g.total) }));
  const agents = [...group(input.agentFacts, (f) => f.agent, index, input.buckets.length)]
    .filter(([id]) => id !== '')
    .map(([id, g]) => {
      const teams = [...input.teamsOf(id)];
      return { ...measure(id, input.name('agent', id), g, agentKpis, input.targets, { teams }), volume: agentVolume(g.total), teams };
    });
  for (const k of agentKpis) markOutliers(agents, k);
  const byName = (a: SubjectInsight, b: SubjectInsight) => a.name.localeCompare(b.name);
  queues.sort(byName);
  agents.sort(byName);
  const label = bucketLabel(input.interval, input.zone);
  const findings = [
    ...(input.overallFindings === false ? [] : findingsOf(overall, 'all', queueKpis, input.buckets, label)),
    ...queues.flatMap((q) => findingsOf(q, 'queue', queueKpis, input.buckets, label)),
    ...agents.flatMap((a) => findingsOf(a, 'agent', agentKpis, input.buckets, label)),
  ]
    .sort((a, b) => b.severity - a.severity || a.text.localeCompare(b.text))
    .slice(0, MAX_FINDINGS);
  return { overall, queues, agents, findings };
}

interface Grouped {
  total: Metrics;
  perBucket: Metrics[];
}

const blank = (n: number): Grouped => ({ total: new Metrics(), perBucket: Array.from({ length: n }, () => new Metrics()) });

function group(facts: readonly Fact[], key: (f: Fact) => string, index: ReadonlyMap<number, number>, n: number): Map<string, Grouped> {
  const out = new Map<string, Grouped>();
  for (const f of facts) {
    const i = index.get(f.bucket);
    if (i === undefined) continue;
    const id = key(f);
    let g = out.get(id);
    if (!g) out.set(id, (g = blank(n)));
    g.total.add(f);
    g.perBucket[i]!.add(f);
  }
  return out;
}

function measure(id: string, name: string, g: Grouped, kpis: readonly KpiDefinition[], targets: readonly KpiTarget[], subject: { queue?: string; teams?: readonly string[] }): SubjectInsight {
  const readings: Partial<Record<KpiKey, KpiReading>> = {};
  for (const k of kpis) {
    if (k.whereMeasured && k.basis(g.total) === 0) continue;
    const value = k.value(g.total);
    const goal = goalFor(k.key, targets, id === '' ? {} : subject);
    const series = g.perBucket.map((m) => (k.basis(m) > 0 ? k.value(m) : null));
    // Thin periods are shown but not judged unusual.
    const judged = g.perBucket.map((m, i) => (k.basis(m) >= k.minBasis ? series[i]! : null));
    readings[k.key] = {
      value,
      basis: k.basis(g.total),
      goal,
      status: value === null ? 'no-data' : !goal ? 'no-goal' : meetsGoal(value, goal.goal, k.better) ? 'met' : 'missed',
      series,
      anomalies: anomalies(judged, k.better, k.unit, { bases: g.perBucket.map((m) => k.basis(m)) }).map((a) => a.index),
      usual: median(judged.filter((v): v is number => v !== null)),
    };
  }
  return { id, name, kpis: readings, volume: {} };
}

function markOutliers(agents: SubjectInsight[], k: KpiDefinition): void {
  const readings = agents.map((a) => a.kpis[k.key]);
  const values = readings.map((r) => (r && r.basis >= k.minBasis ? r.value : null));
  const bases = readings.map((r) => r?.basis ?? 0);
  for (const o of anomalies(values, k.better, k.unit, { minPoints: PEER_MIN, bases })) readings[o.index]!.outlier = { peersUsual: round(o.usual), score: round(o.score) };
}

const queueVolume = (m: Metrics) => ({ created: m.get('created').n, answered: m.get('assigned').n, abandoned: m.get('canceled', 'abandoned').n, completed: m.get('completed').n });
const agentVolume = (m: Metrics) => ({ offered: m.get('offered').n, handled: m.get('completed').n });
const round = (n: number) => Math.round(n * 10) / 10;

/** A KPI value as people read it: "72.5 %", "45 s", "12 min", "2.5 h". */
export function formatKpi(unit: KpiUnit, v: number): string {
  if (unit === 'percent') return `${round(v)} %`;
  const s = Math.round(v);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${round(s / 3600)} h`;
}

/** A bucket as its start reads in the report's zone, as a sentence says it: at the hour, on the day, in the week of the day, in the month. */
export function bucketLabel(interval: Interval, zone: string): (t: number) => string {
  return (t) => {
    const local = localIso(zone, t);
    if (interval === 'hour') return `at ${local.slice(0, 10)} ${local.slice(11, 16)}`;
    if (interval === 'week') return `in the week of ${local.slice(0, 10)}`;
    if (interval === 'month') return `in ${local.slice(0, 7)}`;
    return `on ${local.slice(0, 10)}`;
  };
}

const steps = (k: KpiDefinition, value: number, reference: number) => round(Math.min(Math.abs(value - reference) / material(k.unit, reference), 100));

function findingsOf(s: SubjectInsight, type: Finding['subject']['type'], kpis: readonly KpiDefinition[], buckets: readonly number[], label: (t: number) => string): Finding[] {
  const out: Finding[] = [];
  const subject = { type, id: s.id, name: s.name };
  const where = type === 'agent' ? `of ${s.name}` : type === 'all' ? 'over all queues' : `in ${s.name}`;
  for (const k of kpis) {
    const r = s.kpis[k.key];
    if (!r) continue;
    const f = (v: number) => formatKpi(k.unit, v);
    if (r.status === 'missed' && r.value !== null && r.goal) {
      const bound = k.better === 'higher' ? 'at least' : 'at most';
      out.push({ kind: 'missed', kpi: k.key, subject, value: r.value, reference: r.goal.goal, bucket: null, severity: 1 + steps(k, r.value, r.goal.goal), text: `${k.label} ${where}: ${f(r.value)}, against a goal of ${bound} ${f(r.goal.goal)}` });
    }
    const usual = r.usual ?? 0;
    for (const i of r.anomalies) {
      const v = r.series[i]!;
      out.push({ kind: 'anomaly', kpi: k.key, subject, value: v, reference: usual, bucket: buckets[i]!, severity: steps(k, v, usual), text: `${k.label} ${where} ${label(buckets[i]!)}: ${f(v)}, usually ${f(usual)}` });
    }
    if (r.outlier && r.value !== null) {
      const o = r.outlier;
      out.push({ kind: 'outlier', kpi: k.key, subject, value: r.value, reference: o.peersUsual, bucket: null, severity: steps(k, r.value, o.peersUsual), text: `${k.label} ${where}: ${f(r.value)}, against ${f(o.peersUsual)} usual among agents` });
    }
  }
  return out;
}
