import type { Kysely, Selectable, Transaction } from 'kysely';
import { SAMPLE_CASE, buildVariables, renderTemplate, validateTemplate, type TemplateProblem } from '@worklane/core';
import type { DB, NotificationRulesTable, NotificationTemplatesTable } from '../db/schema.js';
import { Problem, type FieldError } from '../http/problems.js';
import type { NotificationRule, NotificationRulesItem, NotificationTemplateItem } from './items.js';

// Checks, writes and reads of notification configuration, shared by the API and the configuration document.

const at = (p: TemplateProblem) => (p.line ? `line ${p.line}, col ${p.col}: ${p.message}` : p.message);

/** A template must parse, and render the sample case within the limits (so loops that never end are refused on save). */
export function checkTemplate(t: NotificationTemplateItem, base = ''): FieldError[] {
  const out: FieldError[] = [];
  if (t.channel === 'sms' && t.subject !== undefined) out.push({ pointer: `${base}/subject`, message: 'an SMS has no subject' });
  if (t.channel !== 'sms' && !t.subject) out.push({ pointer: `${base}/subject`, message: `a${t.channel === 'email' ? 'n e-mail' : ' push message'} needs a subject` });
  if (t.locale) {
    try {
      new Intl.Locale(t.locale);
    } catch {
      out.push({ pointer: `${base}/locale`, message: `"${t.locale}" is not a locale` });
    }
  }
  const vars = buildVariables(SAMPLE_CASE, { portalLink: 'https://example.com/portal' });
  for (const part of ['subject', 'body'] as const) {
    const text = t[part];
    if (!text) continue;
    const bad = validateTemplate(text);
    if (bad) {
      out.push({ pointer: `${base}/${part}`, message: `does not parse: ${at(bad)}` });
      continue;
    }
    const r = renderTemplate(text, vars, { locale: t.locale });
    if (!r.ok) out.push({ pointer: `${base}/${part}`, message: `fails on the sample case: ${at(r.error)}` });
  }
  return out;
}

export interface NotificationKnown {
  /** Template id -> channel. */
  templates: ReadonlyMap<string, string>;
  /** null: the case types are not known here (not in the document, or not stored yet): not checked. */
  caseTypes: ReadonlySet<string> | null;
  calendars: ReadonlySet<string> | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ().-]{2,30}$/;

export function checkRule(r: NotificationRule, k: NotificationKnown, base: string): FieldError[] {
  const out: FieldError[] = [];
  const channel = k.templates.get(r.template);
  if (channel === undefined) out.push({ pointer: `${base}/template`, message: `unknown notification template "${r.template}"` });
  else if (channel !== r.channel) out.push({ pointer: `${base}/template`, message: `"${r.template}" is a ${channel} template, not ${r.channel}` });
  const wantsAddresses = r.recipients.includes('addresses');
  if (wantsAddresses && !r.addresses?.length) out.push({ pointer: `${base}/addresses`, message: 'recipients include "addresses": list at least one' });
  if (!wantsAddresses && r.addresses?.length) out.push({ pointer: `${base}/addresses`, message: 'addresses are only used with the recipient "addresses"' });
  r.addresses?.forEach((a, i) => {
    const ok = r.channel === 'email' ? EMAIL.test(a) : PHONE.test(a);
    if (!ok) out.push({ pointer: `${base}/addresses/${i}`, message: `not ${r.channel === 'email' ? 'an e-mail address' : 'a phone number'}` });
  });
  if (r.businessHoursOnly && !r.calendar) out.push({ pointer: `${base}/calendar`, message: 'businessHoursOnly needs the calendar whose open hours apply' });
  if (r.businessHoursOnly && r.recipients.every((x) => x === 'customer')) out.push({ pointer: `${base}/businessHoursOnly`, message: 'applies to staff recipients only; customers are notified at once' });
  if (r.calendar && k.calendars && !k.calendars.has(r.calendar)) out.push({ pointer: `${base}/calendar`, message: `unknown calendar "${r.calendar}"` });
  return out;
}

/** One case type's matrix: known case type, and each (event, channel) at most once. */
export function checkRules(item: NotificationRulesItem, k: NotificationKnown, base = ''): FieldError[] {
  const out: FieldError[] = [];
  if (k.caseTypes && !k.caseTypes.has(item.caseType)) out.push({ pointer: `${base}/caseType`, message: `unknown case type "${item.caseType}"` });
  const seen = new Set<string>();
  item.rules.forEach((r, i) => {
    const key = `${r.event}|${r.channel}`;
    if (seen.has(key)) out.push({ pointer: `${base}/rules/${i}`, message: `a second ${r.channel} rule for ${r.event}` });
    seen.add(key);
    out.push(...checkRule(r, k, `${base}/rules/${i}`));
  });
  return out;
}

type Db = Kysely<DB> | Transaction<DB>;

export async function loadNotificationKnown(db: Db): Promise<NotificationKnown> {
  const [templates, caseTypes, calendars] = await Promise.all([
    db.selectFrom('notification_templates').select(['id', 'channel']).execute(),
    db.selectFrom('case_types').select('id').execute(),
    db.selectFrom('calendars').select('id').execute(),
  ]);
  return { templates: new Map(templates.map((t) => [t.id, t.channel])), caseTypes: new Set(caseTypes.map((c) => c.id)), calendars: new Set(calendars.map((c) => c.id)) };
}

export const templateItem = (t: Selectable<NotificationTemplatesTable>): NotificationTemplateItem => ({
  id: t.id,
  name: t.name,
  channel: t.channel,
  ...(t.subject !== null ? { subject: t.subject } : {}),
  body: t.body,
  ...(t.locale !== null ? { locale: t.locale } : {}),
});

export const ruleItem = (r: Selectable<NotificationRulesTable>): NotificationRule => ({
  event: r.event as NotificationRule['event'],
  channel: r.channel,
  enabled: r.enabled,
  template: r.template_id,
  recipients: r.recipients as NotificationRule['recipients'],
  ...(r.addresses.length ? { addresses: r.addresses } : {}),
  ...(r.business_hours_only ? { businessHoursOnly: true } : {}),
  ...(r.calendar_id ? { calendar: r.calendar_id } : {}),
});

export async function writeTemplate(trx: Transaction<DB>, t: NotificationTemplateItem): Promise<void> {
  const values = { name: t.name, channel: t.channel, subject: t.subject ?? null, body: t.body, locale: t.locale ?? null, updated_at: new Date() };
  await trx.insertInto('notification_templates').values({ id: t.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

/** Replaces one case type's matrix. */
export async function writeRules(trx: Transaction<DB>, item: NotificationRulesItem): Promise<void> {
  await trx.deleteFrom('notification_rules').where('case_type_id', '=', item.caseType).execute();
  if (!item.rules.length) return;
  await trx
    .insertInto('notification_rules')
    .values(
      item.rules.map((r) => ({
        case_type_id: item.caseType,
        event: r.event,
        channel: r.channel,
        enabled: r.enabled ?? true,
        template_id: r.template,
        recipients: r.recipients,
        addresses: r.addresses ?? [],
        business_hours_only: r.businessHoursOnly ?? false,
        calendar_id: r.calendar ?? null,
      })),
    )
    .execute();
}

export async function readRules(db: Db, caseType?: string): Promise<NotificationRulesItem[]> {
  let q = db.selectFrom('notification_rules').selectAll().orderBy('case_type_id').orderBy('event').orderBy('channel');
  if (caseType !== undefined) q = q.where('case_type_id', '=', caseType);
  const byType = new Map<string, NotificationRule[]>();
  for (const r of await q.execute()) byType.set(r.case_type_id, [...(byType.get(r.case_type_id) ?? []), ruleItem(r)]);
  return [...byType].map(([id, rules]) => ({ caseType: id, rules }));
}

/** The configuration document's notification sections (export). */
export async function exportNotifications(db: Db): Promise<{ notificationTemplates: NotificationTemplateItem[]; notificationRules: NotificationRulesItem[] }> {
  const templates = await db.selectFrom('notification_templates').selectAll().orderBy('id').execute();
  return { notificationTemplates: templates.map(templateItem), notificationRules: await readRules(db) };
}

/** The document's notification sections (import), after the case types and calendars they refer to. */
export async function importNotifications(trx: Transaction<DB>, d: { notificationTemplates?: NotificationTemplateItem[]; notificationRules?: NotificationRulesItem[] }): Promise<void> {
  for (const t of d.notificationTemplates ?? []) await writeTemplate(trx, t);
  const types = new Set((await trx.selectFrom('case_types').select('id').execute()).map((c) => c.id));
  // A document without its case types may still name stored ones; anything else is refused, not a foreign-key crash.
  const unknown = (d.notificationRules ?? []).flatMap((r, i) => (types.has(r.caseType) ? [] : [{ pointer: `/notificationRules/${i}/caseType`, message: `unknown case type "${r.caseType}"`, in: 'body' as const }]));
  if (unknown.length) throw new Problem(422, 'Unprocessable request', unknown.map((e) => `${e.pointer}: ${e.message}`).join('; '), unknown);
  for (const r of d.notificationRules ?? []) await writeRules(trx, r);
}

/** Checks of the document's notification sections against the document itself. */
export function checkNotificationSections(d: {
  notificationTemplates?: NotificationTemplateItem[];
  notificationRules?: NotificationRulesItem[];
  caseTypes?: { id: string }[];
  calendars?: { id: string }[];
}): FieldError[] {
  const k: NotificationKnown = {
    templates: new Map((d.notificationTemplates ?? []).map((t) => [t.id, t.channel])),
    caseTypes: d.caseTypes ? new Set(d.caseTypes.map((c) => c.id)) : null,
    calendars: d.calendars ? new Set(d.calendars.map((c) => c.id)) : null,
  };
  const seen = new Set<string>();
  return [
    ...(d.notificationTemplates ?? []).flatMap((t, i) => checkTemplate(t, `/notificationTemplates/${i}`)),
    ...(d.notificationRules ?? []).flatMap((r, i) => {
      const dup = seen.has(r.caseType) ? [{ pointer: `/notificationRules/${i}/caseType`, message: `duplicate caseType "${r.caseType}"` }] : [];
      seen.add(r.caseType);
      return [...dup, ...checkRules(r, k, `/notificationRules/${i}`)];
    }),
  ];
}
