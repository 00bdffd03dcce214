import type { Services } from '../services.js';
import type { CaseRow } from '../cases/store.js';
import type { AttachmentRow } from '../attachments/store.js';
import { PORTAL_BUILTINS, type CaseType } from '../cases/settings.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const DEFAULT_FIELDS = ['number', 'status', 'caseType', 'createdAt'];

/** The customer-facing state of the SLA: when we promised an answer, and whether the clock stands still. */
export function portalSla(c: CaseRow) {
  const state = c.status === 'resolved' || c.status === 'closed' ? 'stopped' : c.sla_paused.some((p) => p.to === null) ? 'paused' : c.sla_breached_at ? 'breached' : c.sla_due_at ? 'running' : 'none';
  return { dueAt: iso(c.sla_due_at), state };
}

/** A form value as plain text (files by name, lists joined, options by label). */
function shown(ct: CaseType | undefined, name: string, v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  const f = ct?.form.fields.find((x) => x.name === name);
  const label = (x: unknown) => f?.options?.find((o) => o.value === x)?.label ?? String(x);
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' && 'name' in x ? String((x as { name: unknown }).name) : label(x))).join(', ');
  if (typeof v === 'string') return f?.type === 'select' ? label(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/**
 * A case as its customer sees it: id, number and status always (to find and follow it), then what
 * the case type chooses (`portalFields`: built-in facts and form fields, in that order); nothing
 * else (no internal notes, assignees, queues or escalation details).
 */
export function portalCase(s: Services, c: CaseRow) {
  const ct = s.config.snapshot.caseTypes.get(c.case_type);
  const chosen = ct?.portalFields ?? DEFAULT_FIELDS;
  const builtins = new Set(chosen.filter((n) => (PORTAL_BUILTINS as readonly string[]).includes(n)));
  const fields = chosen
    .filter((n) => !builtins.has(n))
    .map((name) => ({ name, label: ct?.form.fields.find((f) => f.name === name)?.label ?? name, value: shown(ct, name, c.fields[name]) }));
  return {
    id: c.id,
    number: c.number,
    status: c.status,
    /** The order to show things in, as the case type lists them. */
    shown: chosen,
    ...(builtins.has('caseType') ? { caseType: { id: c.case_type, name: ct?.name ?? c.case_type } } : {}),
    ...(builtins.has('title') ? { title: c.title } : {}),
    ...(builtins.has('createdAt') ? { createdAt: c.created_at.toISOString() } : {}),
    ...(builtins.has('sla') ? { sla: portalSla(c) } : {}),
    ...(builtins.has('resolution') ? { resolution: c.resolution } : {}),
    fields,
    updatedAt: c.updated_at.toISOString(),
  };
}
export type PortalCaseDto = ReturnType<typeof portalCase>;

/**
 * Attachments a customer sees: what they sent (the public form, a form's file fields, the portal).
 * Staff uploads have no "shared with the customer" flag yet, so they stay internal.
 */
export const customerSees = (customerId: string) => (a: Pick<AttachmentRow, 'field' | 'uploaded_by'>) =>
  a.field !== null || a.uploaded_by === 'public-form' || a.uploaded_by === `customer:${customerId}`;

export const portalAttachment = (a: AttachmentRow, customerId: string) => ({
  id: a.id,
  name: a.name,
  contentType: a.content_type,
  size: a.size,
  createdAt: a.created_at.toISOString(),
  fromYou: a.field !== null || a.uploaded_by === 'public-form' || a.uploaded_by === `customer:${customerId}`,
  url: `/api/v1/portal/attachments/${a.id}`,
});

export type TimelineItem =
  | { at: string; kind: 'created' }
  | { at: string; kind: 'status'; status: string }
  | { at: string; kind: 'comment'; fromYou: boolean; author: string; body: string }
  | { at: string; kind: 'attachment'; fromYou: boolean; name: string; attachmentId: string };

/**
 * The customer's timeline: submitted, each status change, the comments meant for them (theirs and
 * staff replies marked for the customer), the files they can see. Oldest first.
 */
export async function portalTimeline(s: Services, c: CaseRow, customerId: string, attachments: AttachmentRow[]): Promise<TimelineItem[]> {
  const [events, comments] = await Promise.all([
    s.db.selectFrom('events').select(['type', 'at', 'data']).where('case_id', '=', c.id).orderBy('id').execute(),
    s.db.selectFrom('case_comments').selectAll().where('case_id', '=', c.id).where('visibility', '=', 'customer').orderBy('created_at').orderBy('id').execute(),
  ]);
  const out: TimelineItem[] = [{ at: c.created_at.toISOString(), kind: 'created' }];
  let status: string | null = null;
  for (const e of events) {
    const st = (e.data as { status?: unknown }).status;
    if (typeof st !== 'string') continue;
    if (status !== null && st !== status) out.push({ at: e.at.toISOString(), kind: 'status', status: st });
    status = st;
  }
  const mine = `customer:${customerId}`;
  for (const m of comments)
    out.push({ at: m.created_at.toISOString(), kind: 'comment', fromYou: m.author === mine, author: m.author === mine ? 'You' : (m.author_name ?? 'Support'), body: m.body });
  for (const a of attachments) out.push({ at: a.created_at.toISOString(), kind: 'attachment', fromYou: a.uploaded_by === mine || a.uploaded_by === 'public-form' || a.field !== null, name: a.name, attachmentId: a.id });
  // Same instant (one transaction): the reply comes before the status change it caused.
  const rank = { created: 0, comment: 1, attachment: 1, status: 2 } as const;
  return out.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : rank[x.kind] - rank[y.kind]));
}
