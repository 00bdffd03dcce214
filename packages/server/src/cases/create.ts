import { customerFromSubmission, findStep, normalizeSubmission, validateSubmission, type FileValue } from '@worklane/core';
import { sql } from 'kysely';
import { json } from '../db/schema.js';
import type { Services } from '../services.js';
import { appendEvents, type EventInput } from '../events/append.js';
import { badRequest, unprocessable, type FieldError } from '../http/problems.js';
import { linkOrCreateByEmail, insertCustomer, type CustomerInput, type CustomerRow } from '../customers/store.js';
import { typeAccepted, type StagedFile } from '../attachments/files.js';
import { attach, type AttachmentRow } from '../attachments/store.js';
import { deadlines, slaPolicy } from '../clocks/compute.js';
import { caseData, slaMarks, type CaseRow } from './store.js';
import { createStepTask } from './procedure.js';
import { applyEffects, noEffects } from './effects.js';
import type { CaseType } from './settings.js';
import { newId } from '../db/ids.js';

export type CustomerRef = { id: string } | (CustomerInput & { email?: string; name?: string });

export interface CreateCaseInput {
  caseType: string;
  fields: Record<string, unknown>;
  customer?: CustomerRef;
  /** Uploads already staged (type sniffed): for file fields (`field` set) or plain attachments. */
  files?: StagedFile[];
}

export interface CreateContext {
  source: 'api' | 'form' | 'agent';
  actor: string | null;
  /** Attachments folder. */
  filesDir: string;
}

export interface Created {
  case: CaseRow;
  attachments: AttachmentRow[];
  customer: CustomerRow | null;
}

/** Every problem of a submission at once: form fields, files, the customer reference. */
function check(ct: CaseType, input: CreateCaseInput, customerExists: boolean | null): FieldError[] {
  const files = input.files ?? [];
  const fileFields = new Set(ct.form.fields.filter((f) => f.type === 'file').map((f) => f.name));
  const values: Record<string, unknown> = { ...input.fields };
  const errors: FieldError[] = [];
  for (const name of Object.keys(input.fields)) if (fileFields.has(name)) errors.push({ pointer: `/fields/${name}`, message: 'upload files as multipart parts named after the field' });
  for (const name of fileFields) {
    const mine = files.filter((f) => f.field === name);
    if (mine.length) values[name] = mine.map((f): FileValue => ({ name: f.name, size: f.size, contentType: f.contentType }));
  }
  errors.push(...validateSubmission(ct.form, values).filter((e) => !errors.some((x) => x.pointer === e.pointer)));
  files.forEach((f, i) => {
    if (f.field !== null && !fileFields.has(f.field)) errors.push({ pointer: `/fields/${f.field}`, message: 'is not a file field of this form' });
    if (f.field === null && !typeAccepted(ct.attachments.accept, f.contentType)) errors.push({ pointer: `/attachments/${i}`, message: `"${f.name}" is ${f.contentType}; accepted: ${ct.attachments.accept.join(', ')}` });
    if (f.field === null && f.size > ct.attachments.maxSize) errors.push({ pointer: `/attachments/${i}`, message: `"${f.name}" is larger than ${ct.attachments.maxSize} bytes` });
  });
  if (customerExists === false) errors.push({ pointer: '/customer/id', message: 'unknown customer' });
  return errors.map((e) => ({ ...e, in: 'body' as const }));
}

/**
 * Creates a case: one validation for every way in (form, agent, API) reporting every error at
 * once and creating nothing on error; then, in one transaction, the customer (linked by e-mail or
 * created), the case with its SLA clock, its attachments, and the first task of its procedure.
 */
export async function createCase(s: Services, input: CreateCaseInput, ctx: CreateContext): Promise<Created> {
  const ct = s.config.snapshot.caseTypes.get(input.caseType);
  if (!ct) throw unprocessable('/caseType', `unknown case type "${input.caseType}"`);
  const ref = input.customer;
  const byId = ref && 'id' in ref ? ref.id : null;
  const exists = byId === null ? null : (await s.db.selectFrom('customers').select('id').where('id', '=', byId).executeTakeFirst()) !== undefined;
  const errors = check(ct, input, exists);
  if (errors.length) throw badRequest(errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
  const start = ct.procedure ? findStep(ct.procedure, ct.procedure.start) : undefined;

  const fields = normalizeSubmission(ct.form, input.fields);
  const fromForm = customerFromSubmission(ct.form, input.fields);
  const profile: CustomerInput & { email?: string; name?: string } = { ...fromForm, ...(ref && !('id' in ref) ? ref : {}) };
  const fx = noEffects();
  const now = s.clocks.now();
  const created = await s.db.transaction().execute(async (trx) => {
    let customer: CustomerRow | null = null;
    let customerCreated = false;
    if (byId) customer = (await trx.selectFrom('customers').selectAll().where('id', '=', byId).executeTakeFirst()) ?? null;
    else if (profile.email) ({ customer, created: customerCreated } = await linkOrCreateByEmail(trx, { ...profile, email: profile.email }));
    else if (profile.name) {
      customer = await insertCustomer(trx, { ...profile, name: profile.name });
      customerCreated = true;
    }
    const at = new Date(now);
    const d = deadlines(s.config, slaPolicy(null, ct), at, [], now);
    const str = (name: string | null) => (name && typeof fields[name] === 'string' ? (fields[name] as string) : null);
    let c = await trx
      .insertInto('cases')
      .values({
        id: newId(),
        case_type: ct.id,
        status: start ? 'open' : 'new',
        customer_id: customer?.id ?? null,
        title: (str(ct.titleField) ?? ct.name).slice(0, 500),
        description: str(ct.descriptionField),
        fields: json(fields),
        source: ctx.source,
        created_by: ctx.actor,
        current_step: start?.id ?? null,
        resolution: null,
        escalation_level: 0,
        sla_policy: json(null),
        sla_started_at: at,
        sla_paused: json([]),
        sla_due_at: d.due,
        sla_warn_at: d.warn,
        created_at: at,
        updated_at: at,
        version: 0,
      })
      .returningAll()
      .returning([sql<Date | null>`null`.as('sla_warned_at'), sql<Date | null>`null`.as('sla_breached_at')]) // a new case's SLA has fired nothing
      .executeTakeFirstOrThrow();
    const attachments = await attach(trx, ctx.filesDir, c.id, input.files ?? [], ctx.actor);
    const byField = new Map<string, { attachmentId: string; name: string }[]>();
    for (const a of attachments) if (a.field) byField.set(a.field, [...(byField.get(a.field) ?? []), { attachmentId: a.id, name: a.name }]);
    if (byField.size) c = await trx.updateTable('cases').set({ fields: json({ ...fields, ...Object.fromEntries(byField) }) }).where('id', '=', c.id).returningAll().returning(slaMarks).executeTakeFirstOrThrow();
    const events: EventInput[] = [
      ...(customerCreated && customer ? [{ type: 'customer.created', actor: ctx.actor, data: { customerId: customer.id, via: `case ${c.number}` } }] : []),
      { type: 'case.created', actor: ctx.actor, data: caseData(c, { source: ctx.source, title: c.title, customerId: c.customer_id, step: c.current_step, attachments: attachments.length }) },
    ];
    if (start) fx.tasks.push(await createStepTask(s, trx, c, ct, start, { kind: 'start', actor: ctx.actor, now }, events));
    await appendEvents(trx, events); // the case's, then its first task's: one statement
    fx.caseIds.push(c.id);
    return { case: c, attachments, customer };
  });
  applyEffects(s, fx);
  return created;
}
