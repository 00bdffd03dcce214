import { sql, type Kysely } from 'kysely';
import { isOpen, nextOpen, type CaseView, type ClockPolicy } from '@worklane/core';
import type { DB } from '../db/schema.js';
import type { CaseTypeSettings } from '../cases/settings.js';
import { calendarOf } from '../calendars/item.js';
import type { NotificationOptions } from './options.js';
import { portalLink } from '../portal/token.js';

/** A case as notifications need it: the template view plus what recipients and dates depend on. */
export interface LoadedCase {
  view: CaseView;
  /** Zone of the case's SLA calendar, if it names one. */
  timeZone: string | null;
  customerId: string | null;
  assigneeId: string | null;
  /** Queue the case's work is with (whose supervisors get staff alerts). */
  targetQueueId: string | null;
}

/** What the notification module reads from the case, portal and calendar modules; swappable in tests. */
export interface CaseSources {
  loadCase(db: Kysely<DB>, caseId: string): Promise<LoadedCase | null>;
  /** The customer's link to the portal, for Portal_Link. */
  portalLink(db: Kysely<DB>, c: LoadedCase): Promise<string | null>;
  /** When a staff alert under `businessHoursOnly` may go: now if the calendar is open, else its next opening. */
  openAt(db: Kysely<DB>, calendarId: string, now: Date): Promise<Date>;
}

/** A stored calendar as core's Calendar. */
async function calendar(db: Kysely<DB>, id: string) {
  const row = await db.selectFrom('calendars').select(['id', 'name', 'settings']).where('id', '=', id).executeTakeFirst();
  return row ? calendarOf(row) : null;
}

/** Loads a case (by id or number) with its type, customer and the task it is at (the live one, else the last). */
export async function loadCaseFromDb(db: Kysely<DB>, ref: string): Promise<LoadedCase | null> {
  const c = await db
    .selectFrom('cases as c')
    .innerJoin('case_types as t', 't.id', 'c.case_type')
    .leftJoin('customers as u', 'u.id', 'c.customer_id')
    .select([
      'c.id', 'c.number', 'c.case_type', 'c.status', 'c.title', 'c.description', 'c.fields', 'c.created_at', 'c.sla_policy', 'c.sla_due_at', 'c.resolution', 'c.customer_id',
      't.name as type_name', 't.settings as type_settings',
      'u.name as cust_name', 'u.first_name', 'u.email', 'u.phone', 'u.segment', 'u.external_id', 'u.custom',
    ])
    .where((eb) => eb.or([eb('c.id', '=', ref), eb('c.number', '=', ref)]))
    .executeTakeFirst();
  if (!c) return null;
  const task = await db
    .selectFrom('case_tasks as k')
    .innerJoin('tasks as x', 'x.id', 'k.task_id')
    .leftJoin('queues as q', 'q.id', 'x.queue_id')
    .leftJoin('users as a', 'a.id', 'x.assignee_id')
    .select(['x.queue_id', 'q.name as queue_name', 'x.assignee_id', 'a.name as assignee_name', 'a.email as assignee_email'])
    .where('k.case_id', '=', c.id)
    .orderBy(sql`k.finished_at is null`, 'desc')
    .orderBy('k.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const policy: ClockPolicy | null = c.sla_policy ?? (c.type_settings as CaseTypeSettings).sla ?? null;
  const cal = policy?.calendar ? await calendar(db, policy.calendar) : null;
  const view: CaseView = {
    id: c.id,
    number: c.number,
    caseType: { id: c.case_type, name: c.type_name },
    description: c.description ?? c.title,
    status: c.status,
    fields: c.fields,
    createdAt: c.created_at,
    sla: { dueAt: c.sla_due_at, policy: policy ? { duration: policy.duration, unit: policy.unit, mode: policy.mode } : null },
    target: task?.queue_name ?? null,
    customer: c.customer_id
      ? { id: c.customer_id, name: c.cust_name, firstName: c.first_name, email: c.email, phone: c.phone, segment: c.segment, externalId: c.external_id, fields: c.custom ?? {} }
      : null,
    assignee: task?.assignee_id ? { id: task.assignee_id, name: task.assignee_name ?? '', email: task.assignee_email } : null,
    resolution: c.resolution,
  };
  return { view, timeZone: cal?.timeZone ?? null, customerId: c.customer_id, assigneeId: task?.assignee_id ?? null, targetQueueId: task?.queue_id ?? null };
}

export function defaultSources(o: NotificationOptions): CaseSources {
  return {
    loadCase: loadCaseFromDb,
    async portalLink(db, c) {
      // A signed link valid 7 days (portal/token.ts); without a customer, the portal's entry page.
      return c.customerId ? `${o.publicUrl}${await portalLink(db, c.customerId)}` : `${o.publicUrl}/portal`;
    },
    async openAt(db, calendarId, now) {
      const cal = await calendar(db, calendarId);
      if (!cal || isOpen(cal, now.getTime())) return now; // a calendar deleted meanwhile does not hold alerts back
      const next = nextOpen(cal, now.getTime());
      return next === null ? now : new Date(next);
    },
  };
}
