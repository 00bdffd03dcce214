import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { notFound } from '../http/problems.js';
import type { CaseRow } from './store.js';

/**
 * Who is looking at cases. Staff who oversee (admins, supervisors, analysts) and API keys with a
 * cases scope see all; an agent sees the cases they created, and those whose tasks they hold or
 * held, were routed personally, or that wait in their queues; a customer (the portal, later)
 * sees the cases they own.
 */
export type CaseViewer =
  | { kind: 'all' }
  | { kind: 'agent'; userId: string; actor: string; queues: string[] }
  | { kind: 'customer'; customerId: string };

export function viewerOf(s: Services, p: Principal): CaseViewer {
  if (p.kind === 'api-key' || p.roles.some((r) => r !== 'agent')) return { kind: 'all' };
  const queues = [...s.config.snapshot.queues.values()].filter((q) => q.members.has(p.id)).map((q) => q.id);
  return { kind: 'agent', userId: p.id, actor: actorOf(p)!, queues };
}

/** The viewer's filter on `cases` (for lists and single reads alike). */
export function visibleTo(v: CaseViewer) {
  return (eb: ExpressionBuilder<DB, 'cases'>): Expression<SqlBool> => {
    if (v.kind === 'all') return sql<boolean>`true`;
    if (v.kind === 'customer') return eb('cases.customer_id', '=', v.customerId);
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
