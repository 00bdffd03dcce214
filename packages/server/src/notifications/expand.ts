import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { buildVariables, isStaffRecipient, renderTemplate, type RecipientKind } from '@worklane/core';
import type { DB, NotificationRulesTable, NotificationsTable, NotificationTemplatesTable } from '../db/schema.js';
import type { NotificationOptions } from './options.js';
import type { CaseSources, LoadedCase } from './sources.js';

type Rule = Selectable<NotificationRulesTable>;
type Template = Selectable<NotificationTemplatesTable>;
type Row = Insertable<NotificationsTable>;

interface Recipient {
  kind: RecipientKind;
  /** E-mail address or phone number; null: the person has none for this channel. */
  address: string | null;
  userId: string | null;
  /** Who, when there is no address (for the log). */
  who: string;
}

export interface EventInfo {
  id: number;
  type: string;
  userId: string | null;
  data: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const addressFits = (channel: string, a: string) => (channel === 'email' ? EMAIL.test(a) : !EMAIL.test(a));

/** Staff: people with an e-mail address. Users have no phone numbers, so SMS and push reach staff only through `addresses`. */
async function people(db: Kysely<DB>, kind: RecipientKind, channel: string, ids: string[]): Promise<Recipient[]> {
  if (!ids.length) return [];
  const users = await db.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', ids).where('disabled', '=', false).orderBy('email').execute();
  return users.map((u) => ({ kind, address: channel === 'email' ? u.email : null, userId: u.id, who: u.name }));
}

/** Supervisors of the case's target queue (members directly or through a team); all supervisors when it has none. */
async function supervisorIds(db: Kysely<DB>, queueId: string | null): Promise<string[]> {
  const all = await db.selectFrom('users').select('id').where(sql<boolean>`'supervisor' = any(roles)`).where('disabled', '=', false).execute();
  if (!queueId || !all.length) return all.map((u) => u.id);
  const members = await db
    .selectFrom('queue_members as m')
    .leftJoin('team_members as t', (j) => j.onRef('t.team_id', '=', 'm.member_id').on('m.member_type', '=', 'team'))
    .select(['m.member_type', 'm.member_id', 't.user_id'])
    .where('m.queue_id', '=', queueId)
    .execute();
  const inQueue = new Set(members.map((m) => (m.member_type === 'user' ? m.member_id : m.user_id)).filter((x): x is string => !!x));
  const mine = all.filter((u) => inQueue.has(u.id)).map((u) => u.id);
  return mine.length ? mine : all.map((u) => u.id);
}

async function recipients(db: Kysely<DB>, rule: Rule, c: LoadedCase, ev: EventInfo): Promise<Recipient[]> {
  const out: Recipient[] = [];
  for (const kind of rule.recipients as RecipientKind[]) {
    if (kind === 'customer') {
      const cust = c.view.customer;
      const address = (rule.channel === 'email' ? cust?.email : cust?.phone) || null;
      out.push({ kind, address, userId: null, who: cust ? `customer ${cust.name ?? cust.id}` : 'customer (the case has none)' });
    } else if (kind === 'assignee') {
      // The event names the new assignee (case.assigned); otherwise the case's current one.
      const named = [ev.data.assigneeId, ev.data.agent].find((x): x is string => typeof x === 'string');
      const id = named ?? (ev.type === 'case.assigned' ? ev.userId : null) ?? c.assigneeId;
      const found = id ? await people(db, kind, rule.channel, [id]) : [];
      out.push(...(found.length ? found : [{ kind, address: null, userId: id, who: id ? `assignee ${id}` : 'assignee (the case has none)' }]));
    } else if (kind === 'supervisors') {
      out.push(...(await people(db, kind, rule.channel, await supervisorIds(db, c.targetQueueId))));
    } else {
      for (const a of rule.addresses) out.push({ kind, address: a, userId: null, who: a });
    }
  }
  // One message per address, even when two kinds name the same person.
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = r.address?.toLowerCase() ?? `${r.kind}:${r.who}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

const missing = (channel: string, r: Recipient) => `${r.who} has no ${channel === 'email' ? 'e-mail address' : 'mobile number'}`;

/** The enabled rules of a case type for an event, and their templates. */
export interface RuleSet {
  rules: Rule[];
  templates: Map<string, Template>;
}

export async function rulesFor(db: Kysely<DB>, caseType: string, event: string): Promise<RuleSet> {
  const rules = await db
    .selectFrom('notification_rules')
    .selectAll()
    .where('case_type_id', '=', caseType)
    .where('event', '=', event)
    .where('enabled', '=', true)
    .orderBy('channel')
    .execute();
  if (!rules.length) return { rules, templates: new Map() };
  const templates = new Map<string, Template>(
    (await db.selectFrom('notification_templates').selectAll().where('id', 'in', rules.map((r) => r.template_id)).execute()).map((t) => [t.id, t]),
  );
  return { rules, templates };
}

/**
 * What one case event sends: for each enabled rule of the case's type for this event, each recipient
 * gets the template rendered with the case's variables at this moment. Messages that cannot go
 * (no address, a template that fails on this case) are recorded dead with the reason, so the case's
 * log shows them.
 */
export async function expandEvent(
  db: Kysely<DB>,
  ev: EventInfo,
  c: LoadedCase,
  o: NotificationOptions,
  sources: CaseSources,
  now: Date,
  /** The rules to apply (the worker reads them once per claim); read here when absent. */
  ruleSet?: RuleSet,
): Promise<Row[]> {
  const { rules, templates } = ruleSet ?? (await rulesFor(db, c.view.caseType.id, ev.type));
  if (!rules.length) return [];
  const timeZone = c.timeZone ?? o.timeZone;
  const caseLink = `${o.publicUrl}/cases/${encodeURIComponent(c.view.id)}`;
  // The status as of the event (it may have moved on by the time the job runs).
  const view = typeof ev.data.status === 'string' ? { ...c.view, status: ev.data.status } : c.view;
  const rows: Row[] = [];
  for (const rule of rules) {
    const tpl = templates.get(rule.template_id)!;
    for (const r of await recipients(db, rule, c, ev)) {
      const base: Row = {
        event_id: ev.id,
        event_type: ev.type,
        case_id: c.view.id,
        channel: rule.channel,
        recipient_kind: r.kind,
        recipient: r.address ?? `(${r.who})`,
        recipient_user_id: r.userId,
        template_id: tpl.id,
        subject: null,
        body: '',
      };
      if (!r.address || !addressFits(rule.channel, r.address)) {
        rows.push({ ...base, state: 'dead', last_error: r.address ? `"${r.address}" is not an address for ${rule.channel}` : missing(rule.channel, r) });
        continue;
      }
      const portalLink = r.kind === 'customer' ? await sources.portalLink(db, c) : null;
      const vars = buildVariables(view, { timeZone, portalLink, caseLink, event: ev });
      const opts = { timeZone, locale: tpl.locale ?? undefined };
      const subject = tpl.subject ? renderTemplate(tpl.subject, vars, { ...opts, maxOutput: 998 }) : null;
      const body = renderTemplate(tpl.body, vars, opts);
      const bad = (subject && !subject.ok ? subject : null) ?? (!body.ok ? body : null);
      if (bad && !bad.ok) {
        const where = bad.error.line ? ` (line ${bad.error.line}, col ${bad.error.col})` : '';
        rows.push({ ...base, state: 'dead', last_error: `template "${tpl.id}" failed on this case: ${bad.error.message}${where}` });
        continue;
      }
      // Staff alerts may wait for the calendar's open hours; customers are never kept waiting.
      const due = rule.business_hours_only && isStaffRecipient(r.kind) && rule.calendar_id ? await sources.openAt(db, rule.calendar_id, now) : now;
      rows.push({
        ...base,
        subject: subject?.ok ? subject.text.replace(/\s+/g, ' ').trim() : null,
        body: body.ok ? body.text : '',
        next_attempt_at: due,
        window_start: due,
      });
    }
  }
  return rows;
}
