import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { CASE_STATUSES, type CaseStatus } from '@worklane/core';
import type { Services } from '../services.js';
import { viewerOf, visibleTo } from '../cases/visibility.js';
import { slaMarks } from '../cases/store.js';

const READ = { roles: ['supervisor' as const, 'analyst' as const], scopes: ['reports:read' as const] };
/** Statuses of cases still being worked (the index on status reads only these). */
const OPEN: CaseStatus[] = CASE_STATUSES.filter((st) => st !== 'resolved' && st !== 'closed');
const fired = (kind: 'warning' | 'breach') =>
  sql<boolean>`exists (select 1 from sla_alarms a where a.case_id = cases.id and a.kind = ${kind} and a.fired_at is not null)`;
/** The cases nearest to (or past) their SLA listed with the counts. */
const AT_RISK_LIST = 25;

/**
 * Live case figures (API.md `GET /reports/realtime/cases`): open cases per case type, by status,
 * with how many passed their SLA warning (at risk), breached it, or are escalated, and the oldest;
 * and the open cases whose SLA warned or breached, soonest due first. Supervisors see their teams'
 * cases (the cases module's rule); analysts, admins and keys all.
 */
export async function realtimeCaseRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/api/v1/reports/realtime/cases', { config: { auth: READ }, schema: { tags: ['reports'], summary: 'Open cases per case type: by status, at risk, breached, escalated; the cases at risk' } }, async (request) => {
    const viewer = viewerOf(s, request.principal!);
    const [rows, risky] = await Promise.all([
      s.db
        .selectFrom('cases')
        .select([
          'case_type',
          'status',
          sql<number>`count(*)::int`.as('n'),
          sql<number>`(count(*) filter (where ${fired('warning')} and not ${fired('breach')}))::int`.as('at_risk'),
          sql<number>`(count(*) filter (where ${fired('breach')}))::int`.as('breached'),
          sql<number>`(count(*) filter (where escalation_level > 0))::int`.as('escalated'),
          sql<Date>`min(created_at)`.as('oldest'),
        ])
        .where('status', 'in', OPEN)
        .where(visibleTo(viewer))
        .groupBy(['case_type', 'status'])
        .execute(),
      s.db
        .selectFrom('cases')
        .select(['id', 'number', 'title', 'case_type', 'status', 'escalation_level', 'sla_due_at'])
        .select(slaMarks)
        .where('status', 'in', OPEN)
        .where(fired('warning'))
        .where(visibleTo(viewer))
        .orderBy('sla_due_at')
        .limit(AT_RISK_LIST)
        .execute(),
    ]);
    const now = Date.now();
    // Every configured case type, and any other that open cases still have (a removed type, by its id).
    const blank = (caseType: string, name: string) => ({ caseType, name, open: 0, byStatus: {} as Partial<Record<CaseStatus, number>>, atRisk: 0, breached: 0, escalated: 0, oldestOpenSeconds: null as number | null });
    const types = new Map([...s.config.snapshot.caseTypes].map(([id, ct]) => [id, blank(id, ct.name)]));
    for (const r of rows) {
      let t = types.get(r.case_type);
      if (!t) types.set(r.case_type, (t = blank(r.case_type, r.case_type)));
      t.open += r.n;
      t.byStatus[r.status as CaseStatus] = r.n;
      t.atRisk += r.at_risk;
      t.breached += r.breached;
      t.escalated += r.escalated;
      const age = Math.round((now - new Date(r.oldest).getTime()) / 1000);
      t.oldestOpenSeconds = Math.max(t.oldestOpenSeconds ?? 0, age);
    }
    return {
      items: [...types.values()],
      atRisk: risky.map((c) => ({
        id: c.id, number: c.number, title: c.title, caseType: c.case_type, status: c.status, escalationLevel: c.escalation_level,
        slaDueAt: c.sla_due_at?.toISOString() ?? null, warnedAt: c.sla_warned_at?.toISOString() ?? null, breachedAt: c.sla_breached_at?.toISOString() ?? null,
      })),
    };
  });
}
