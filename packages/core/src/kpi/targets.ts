import { kpiNamed, type KpiKey } from './definitions.js';

/**
 * A goal for one KPI: for one queue (queue KPIs) or one team's agents (agent KPIs), or, naming
 * neither, the default for every queue or agent.
 */
export interface KpiTarget {
  kpi: KpiKey;
  goal: number;
  queue?: string;
  team?: string;
}

/** One goal per KPI and scope: this key names it (for checks, diffs and a stable stored order). */
export const targetKey = (t: Pick<KpiTarget, 'kpi' | 'queue' | 'team'>): string => `${t.kpi}\u0000${t.queue ?? ''}\u0000${t.team ?? ''}`;

export interface Goal {
  goal: number;
  /** Where it comes from: the queue's or a team's own target, or the default. */
  from: 'queue' | 'team' | 'default';
}

/**
 * The goal that applies: a queue's own over the default; for an agent, their teams' over the
 * default, and of several teams' the strictest (an agent in two teams meets both or neither).
 */
export function goalFor(kpi: KpiKey, targets: readonly KpiTarget[], subject: { queue?: string; teams?: readonly string[] }): Goal | null {
  const def = kpiNamed(kpi)!;
  const mine = targets.filter((t) => t.kpi === kpi);
  if (def.subject === 'queue') {
    const own = mine.find((t) => t.queue !== undefined && t.queue === subject.queue);
    if (own) return { goal: own.goal, from: 'queue' };
  } else {
    const teams = new Set(subject.teams ?? []);
    const own = mine.filter((t) => t.team !== undefined && teams.has(t.team)).map((t) => t.goal);
    if (own.length) return { goal: def.better === 'higher' ? Math.max(...own) : Math.min(...own), from: 'team' };
  }
  const fallback = mine.find((t) => t.queue === undefined && t.team === undefined);
  return fallback ? { goal: fallback.goal, from: 'default' } : null;
}

export const meetsGoal = (value: number, goal: number, better: 'higher' | 'lower'): boolean => (better === 'higher' ? value >= goal : value <= goal);

export interface TargetProblem {
  pointer: string;
  message: string;
}

/**
 * Sense checks beyond the schema: the scope fits the KPI, percentages stay in 0..100, and one
 * goal per KPI and scope (two would leave it unclear which applies).
 */
export function checkTargets(targets: readonly KpiTarget[], at: string, known: { queues?: ReadonlySet<string>; teams?: ReadonlySet<string> }): TargetProblem[] {
  const out: TargetProblem[] = [];
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    const p = `${at}/${i}`;
    const def = kpiNamed(t.kpi);
    if (!def) return void out.push({ pointer: `${p}/kpi`, message: `unknown KPI "${t.kpi}"` });
    if (t.queue !== undefined && t.team !== undefined) out.push({ pointer: `${p}/team`, message: 'a target names a queue or a team, not both' });
    if (t.queue !== undefined && def.subject !== 'queue') out.push({ pointer: `${p}/queue`, message: `${t.kpi} is measured per agent: name a team, not a queue` });
    if (t.team !== undefined && def.subject !== 'agent') out.push({ pointer: `${p}/team`, message: `${t.kpi} is measured per queue: name a queue, not a team` });
    if (t.queue !== undefined && known.queues && !known.queues.has(t.queue)) out.push({ pointer: `${p}/queue`, message: `unknown queue "${t.queue}"` });
    if (t.team !== undefined && known.teams && !known.teams.has(t.team)) out.push({ pointer: `${p}/team`, message: `unknown team "${t.team}"` });
    if (def.unit === 'percent' && t.goal > 100) out.push({ pointer: `${p}/goal`, message: 'a percentage is at most 100' });
    const key = targetKey(t);
    if (seen.has(key)) out.push({ pointer: `${p}/kpi`, message: `a second goal for ${t.kpi} ${t.queue ? `in queue ${t.queue}` : t.team ? `for team ${t.team}` : 'by default'}` });
    seen.add(key);
  });
  return out;
}
