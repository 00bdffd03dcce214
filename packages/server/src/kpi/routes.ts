import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { buildInsights, checkTargets, KPIS, reportNamed, bucketStarts, targetKey, type KpiKey, type KpiTarget, type ReportDefinition } from '@worklane/core';
import type { Services } from '../services.js';
import type { Principal } from '../auth/principal.js';
import { KpiTargetItem } from '../config/document.js';
import { change, refuse } from '../admin/change.js';
import { Problem } from '../http/problems.js';
import { isTeamSupervisor, supervisionFor } from '../auth/supervision.js';
import { readFacts } from '../reports/query.js';
import { checkFilters, nameLookup, Query, READ, readPeriod, reportScope, type QueryT } from '../reports/historical.js';
import { KPI_TARGETS_KEY, readTargets, writeTargets } from './targets.js';

/** Who sets goals: analysts and admins everywhere; supervisors for their own teams and queues. */
const WRITE = { roles: ['admin' as const, 'analyst' as const, 'supervisor' as const], scopes: ['admin' as const] };

const queueActivity = reportNamed('queue-activity')!;
// Queue KPIs read the queue's activity, its chats' ratings and its work's evaluations.
const byQueue: ReportDefinition = { ...queueActivity, groupBy: ['queue'], metrics: [...queueActivity.metrics, 'rated', 'evaluated'] };
const byAgent: ReportDefinition = reportNamed('agent-performance')!;
/** One queue's completions per agent: what tells each agent's handle time in that queue. */
const byQueueAndAgent: ReportDefinition = { ...reportNamed('wrap-ups')!, groupBy: ['queue', 'agent'] };

export async function kpiRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const Items = Type.Object({ items: Type.Array(KpiTargetItem, { maxItems: 2000 }) }, { additionalProperties: false });

  r.get('/api/v1/kpi-targets', { config: { auth: READ }, schema: { tags: ['reports'], summary: 'KPI goals' } }, async () => ({ items: await readTargets(s.db), kpis: catalog() }));

  r.put('/api/v1/kpi-targets', { config: { auth: WRITE }, schema: { tags: ['reports'], summary: 'Replace the KPI goals', body: Items } }, async (request) => {
    const items = request.body.items as KpiTarget[];
    const done = await change(s, request, 'kpi-targets', async (trx, known) => {
      refuse(checkTargets(items, '/items', { queues: known.queues, teams: known.teams }));
      const before = await readTargets(trx);
      if (isTeamSupervisor(request.principal)) outsideReach(s, request.principal!, before, items);
      await writeTargets(trx, items);
      return { id: KPI_TARGETS_KEY, before: { items: before }, after: { items: await readTargets(trx) } };
    });
    return done.after;
  });

  r.get<{ Querystring: QueryT }>('/api/v1/reports/insights', { config: { auth: READ }, schema: { tags: ['reports'], summary: 'KPI insights: goals, anomalies, outliers', querystring: Query } }, async (request) => {
    const q = request.query;
    if (q.agent !== undefined || q.caseType !== undefined) throw new Problem(400, 'Invalid request', `${q.agent !== undefined ? 'agent' : 'caseType'}: does not apply to insights (filters: queue, team)`, [{ pointer: `/${q.agent !== undefined ? 'agent' : 'caseType'}`, message: 'does not apply to insights', in: 'querystring' }]);
    const { zone, interval, range } = readPeriod(q, ['hour', 'day', 'week', 'month'], 'insights', 14);
    const filters = await checkFilters(s, ['queue', 'team'], q);
    const scope = reportScope(s, request.principal);
    const period = { from: new Date(range.from), to: new Date(range.to), interval, zone, ...(scope ? { scope } : {}) };
    const snap = s.config.snapshot;
    // A team's view: the queues its people serve, and its people.
    const teamQueues = filters.team ? servedBy(s, filters.team) : null;
    const queueFilter = filters.queue ? { queue: filters.queue } : {};
    const [queueFacts, agentFacts, names, targets] = await Promise.all([
      readFacts(s.db, { def: byQueue, ...period, filters: queueFilter }).then((r) => r.facts.filter((f) => !teamQueues || teamQueues.has(f.queue))),
      readFacts(s.db, { def: filters.queue ? byQueueAndAgent : byAgent, ...period, filters: { ...queueFilter, ...(filters.team ? { team: filters.team } : {}) } }).then((r) => r.facts),
      nameLookup(s, ['agent']),
      readTargets(s.db),
    ]);
    const teamsOf = new Map<string, string[]>();
    for (const [team, members] of snap.teams) for (const m of members) teamsOf.set(m, [...(teamsOf.get(m) ?? []), team]);
    const buckets = bucketStarts(range.from, range.to, interval, zone);
    const built = buildInsights({
      buckets,
      interval,
      zone,
      queueFacts,
      agentFacts,
      ...(filters.queue ? { agentKpis: ['averageHandleSeconds'] as KpiKey[] } : {}),
      targets,
      name: (subject, id) => names.get(`${subject}:${id}`) ?? id,
      teamsOf: (id) => teamsOf.get(id) ?? [],
      overallFindings: !filters.queue,
    });
    return {
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      interval,
      timeZone: zone,
      filters,
      buckets: buckets.map((b) => new Date(b).toISOString()),
      kpis: catalog(),
      ...built,
      findings: built.findings.map((f) => ({ ...f, bucket: f.bucket === null ? null : new Date(f.bucket).toISOString() })),
    };
  });
}

const catalog = () => KPIS.map(({ key, label, subject, unit, better, description }) => ({ key, label, subject, unit, better, description }));

/** Queues a team serves: named as a member, or one of its people is. */
function servedBy(s: Services, team: string): Set<string> {
  const people = s.config.snapshot.teams.get(team) ?? new Set<string>();
  const out = new Set<string>();
  for (const q of s.config.snapshot.queues.values()) if (q.teams.has(team) || [...people].some((p) => q.members.has(p))) out.add(q.id);
  return out;
}

/**
 * A supervisor may add, change or remove goals of the queues and teams they supervise only; the
 * defaults concern everyone (analysts and admins set those). 403 naming the first goal out of reach.
 */
function outsideReach(s: Services, p: Principal, before: readonly KpiTarget[], after: readonly KpiTarget[]): void {
  const reach = supervisionFor(s, p);
  if (reach.all) return;
  const was = new Map(before.map((t) => [targetKey(t), t.goal]));
  const is = new Map(after.map((t) => [targetKey(t), t.goal]));
  const mine = (t: KpiTarget) => (t.queue !== undefined ? reach.queues.has(t.queue) : t.team !== undefined ? reach.teams.has(t.team) : false);
  const changed = [...after.filter((t) => was.get(targetKey(t)) !== t.goal), ...before.filter((t) => !is.has(targetKey(t)))];
  const bad = changed.find((t) => !mine(t));
  if (!bad) return;
  const i = after.indexOf(bad);
  const what = bad.queue ? `queue ${bad.queue}` : bad.team ? `team ${bad.team}` : 'every queue and agent (a default)';
  throw new Problem(403, 'Forbidden', `You may change goals of your own teams and queues only, not of ${what}`, [{ pointer: i >= 0 ? `/items/${i}` : '/items', message: `not yours to change: ${bad.kpi} for ${what}`, in: 'body' }]);
}
