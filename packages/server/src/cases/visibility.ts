import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { notFound } from '../http/problems.js';
import type { CaseRow } from './store.js';
import { supervisionFor } from '../auth/supervision.js';

/**
 * Who is looking at cases. Admins, analysts and API keys with a cases scope see all; a supervisor
 * the cases of their teams (created by, held by, routed to one of their people, or at one of their
 * queues or teams' bins: auth/supervision.ts), and cases with no work at all; an agent sees the cases they created, and
 * those whose tasks they hold or held, were routed personally, or that wait in their queues; a
 * customer (the portal) sees the cases they own.
 */
export type CaseViewer =
  | { kind: 'all' }
  | { kind: 'agent'; userId: string; actor: string; queues: string[] }
  | { kind: 'team'; people: string[]; actors: string[]; queues: string[]; teams: string[] }
  | { kind: 'customer'; customerId: string };

export function viewerOf(s: Services, p: Principal): CaseViewer {
  if (p.kind === 'api-key' || p.roles.includes('admin') || p.roles.includes('analyst')) return { kind: 'all' };
  if (p.roles.includes('supervisor')) {
    // A supervisor supervises themselves too: this covers what they would see as an agent.
    const sup = supervisionFor(s, p);
    if (sup.all) return { kind: 'all' };
    const people = [...sup.people];
    return { kind: 'team', people, actors: people.map((id) => `user:${id}`), queues: [...sup.queues], teams: [...sup.teams] };
  }
  const queues = [...s.config.snapshot.queues.values()].filter((q) => q.members.has(p.id)).map((q) => q.id);
  return { kind: 'agent', userId: p.id, actor: actorOf(p)!, queues };
}

/** The viewer's filter on `cases` (for lists and single reads alike). */
export function visibleTo(v: CaseViewer) {
  return (eb: ExpressionBuilder<DB, 'cases'>): Expression<SqlBool> => {
    if (v.kind === 'all') return sql<boolean>`true`;
    if (v.kind === 'customer') return eb('cases.customer_id', '=', v.customerId);
    if (v.kind === 'team') {
      const ofTeam = eb
        .selectFrom('tasks')
        .select('tasks.id')
        .whereRef('tasks.case_id', '=', 'cases.id')
        .where((t) =>
          t.or([
            t('tasks.assignee_id', 'in', v.people),
            t('tasks.target_agent_id', 'in', v.people),
            ...(v.queues.length ? [t('tasks.queue_id', 'in', v.queues)] : []),
            ...(v.teams.length ? [t('tasks.team_bin', 'in', v.teams)] : []),
          ]),
        );
      // A case with no work anywhere is every supervisor's (its staff alerts go to all supervisors too).
      const anyWork = eb.selectFrom('tasks').select('tasks.id').whereRef('tasks.case_id', '=', 'cases.id');
      return eb.or([eb('cases.created_by', 'in', v.actors), eb.exists(ofTeam), eb.not(eb.exists(anyWork))]);
    }
    const mine = eb
      .selectFrom('tasks')
      .select('tasks.id')
      .whereRef('tasks.case_id', '=', 'cases.id')
      .where((t) =>
        t.or([
          t('tasks.assignee_id', '=', v.userId),
          t('tasks.target_agent_id', '=', v.userId),
          ...(v.queues.length ? [t('tasks.queue_id', 'in', v.queues)] : []),
        ]),
      );
    return eb.or([eb('cases.created_by', '=', v.actor), eb.exists(mine)]);
  };
}

/** Answers 404 (not 403) for a case the viewer may not see: nobody learns which cases exist. */
export async function assertCaseVisible(s: Services, v: CaseViewer, c: CaseRow): Promise<void> {
  if (v.kind === 'all') return;
  if (v.kind === 'customer' ? c.customer_id === v.customerId : await seen(s, v, c.id)) return;
  throw notFound(`Case ${c.id}`);
}

async function seen(s: Services, v: CaseViewer, id: string): Promise<boolean> {
  const row = await s.db.selectFrom('cases').select('id').where('id', '=', id).where(visibleTo(v)).executeTakeFirst();
  return row !== undefined;
}
