import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callingHours, checkDates, contactState, isOpen, normalizePhone } from '@worklane/core';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { requirePrincipal } from '../auth/guard.js';
import { newId } from '../db/ids.js';
import { appendEvents } from '../events/append.js';
import { IdParams } from '../http/schemas.js';
import { Problem, conflict, notFound, unprocessable } from '../http/problems.js';
import { loadForWork } from '../tasks/lifecycle.js';
import { CONTACTS_PER_UPLOAD, addContacts, calendarOfCampaign, checkCampaign, datesOf, loadCampaign, optOut, progressOf, startCampaign, stopCampaign, type CampaignRow } from './service.js';

const RUN = { roles: ['admin' as const, 'supervisor' as const], scopes: ['admin' as const, 'tasks:write' as const] };
const READ = { roles: ['admin' as const, 'supervisor' as const, 'analyst' as const], scopes: ['admin' as const, 'reports:read' as const, 'tasks:write' as const] };
const tags = ['campaigns'];
const strict = { additionalProperties: false } as const;
const fields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  worktype: Type.String({ minLength: 1, maxLength: 63, description: 'of media type callback: its queue, agents and wrap-up codes' }),
  calendar: Type.Union([Type.String({ minLength: 1, maxLength: 63 }), Type.Null()], { description: 'calls are placed while it is open (none: any time)' }),
  maxAttempts: Type.Integer({ minimum: 1, maximum: 20, description: 'calls placed before a contact not reached is given up' }),
  retryMinutes: Type.Integer({ minimum: 1, maximum: 10_080, description: 'minutes until a contact not reached is called again' }),
  script: Type.String({ maxLength: 10_000, description: 'what the agent says: {{name}}, {{phone}}, {{agent}} and the contacts\' own fields' }),
  startsAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'no call before (null: from the start)' }),
  endsAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'the campaign ends itself then: waiting calls withdrawn (null: runs until stopped)' }),
};

/** The dates as they will be (the body over the row): checked by field (core `checkDates`). */
function datesChecked(row: Pick<CampaignRow, 'starts_at' | 'ends_at'> | null, b: { startsAt?: string | null; endsAt?: string | null }): { starts_at: Date | null; ends_at: Date | null } {
  const starts = b.startsAt !== undefined ? (b.startsAt === null ? null : new Date(b.startsAt)) : (row?.starts_at ?? null);
  const ends = b.endsAt !== undefined ? (b.endsAt === null ? null : new Date(b.endsAt)) : (row?.ends_at ?? null);
  const bad = checkDates(datesOf({ starts_at: starts, ends_at: ends }), Date.now());
  if (bad.length) throw new Problem(422, 'Unprocessable request', bad.map((e) => `${e.pointer}: ${e.message}`).join('; '), bad.map((e) => ({ ...e, in: 'body' as const })));
  return { starts_at: starts, ends_at: ends };
}

/** Where the campaign's calling hours stand now: open until the close, or closed until the opening (null: any time). */
function hoursOf(s: Services, c: CampaignRow, now = Date.now()): { open: boolean; until: string | null } | null {
  const cal = calendarOfCampaign(s, c);
  if (!cal) return null;
  const { hold, watchUntil } = callingHours(cal, now);
  const until = hold ?? watchUntil;
  return { open: hold === null && isOpen(cal, now), until: until === null ? null : new Date(until).toISOString() };
}

function campaignDto(s: Services, c: CampaignRow, progress: Awaited<ReturnType<typeof progressOf>> extends Map<string, infer P> ? P : never) {
  return {
    id: c.id,
    name: c.name,
    worktype: c.worktype,
    calendar: c.calendar,
    maxAttempts: c.max_attempts,
    retryMinutes: c.retry_minutes,
    script: c.script,
    state: c.state,
    startsAt: c.starts_at?.toISOString() ?? null,
    endsAt: c.ends_at?.toISOString() ?? null,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    progress,
    hours: hoursOf(s, c),
  };
}

/** Outbound campaigns in preview mode (seed CE11) and the do-not-call list. */
export async function campaignRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const withProgress = async (c: CampaignRow) => campaignDto(s, c, (await progressOf(s, [c.id])).get(c.id)!);

  r.get('/api/v1/campaigns', { config: { auth: READ }, schema: { tags, summary: 'Campaigns, newest first, each with its contacts by state and the reached ones by wrap-up code' } }, async () => {
    const rows = await s.db.selectFrom('campaigns').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(200).execute();
    const progress = await progressOf(s, rows.map((c) => c.id));
    return { items: rows.map((c) => campaignDto(s, c, progress.get(c.id)!)) };
  });

  r.post('/api/v1/campaigns', {
    config: { auth: RUN },
    schema: {
      tags,
      summary: 'A new campaign (draft until started)',
      body: Type.Object({ name: fields.name, worktype: fields.worktype, calendar: Type.Optional(fields.calendar), maxAttempts: Type.Optional(fields.maxAttempts), retryMinutes: Type.Optional(fields.retryMinutes), script: Type.Optional(fields.script), startsAt: Type.Optional(fields.startsAt), endsAt: Type.Optional(fields.endsAt) }, strict),
    },
  }, async (request, reply) => {
    const b = request.body;
    checkCampaign(s, b);
    const dates = datesChecked(null, b);
    const row = await s.db.transaction().execute(async (trx) => {
      const c = await trx.insertInto('campaigns').values({ id: newId(), name: b.name.trim(), worktype: b.worktype, calendar: b.calendar ?? null, ...dates, ...(b.maxAttempts ? { max_attempts: b.maxAttempts } : {}), ...(b.retryMinutes ? { retry_minutes: b.retryMinutes } : {}), script: b.script ?? '', updated_at: new Date() }).returningAll().executeTakeFirstOrThrow();
      await appendEvents(trx, [{ type: 'campaign.created', actor: actorOf(request.principal), data: { id: c.id, name: c.name } }]);
      return c;
    });
    return reply.code(201).send(await withProgress(row));
  });

  r.get('/api/v1/campaigns/:id', { config: { auth: READ }, schema: { tags, summary: 'One campaign with its progress', params: IdParams } }, async (request) => withProgress(await loadCampaign(s, request.params.id)));

  r.patch('/api/v1/campaigns/:id', {
    config: { auth: RUN },
    schema: { tags, summary: 'Change a campaign (the script and retry rules apply to the next calls)', params: IdParams, body: Type.Object({ name: Type.Optional(fields.name), worktype: Type.Optional(fields.worktype), calendar: Type.Optional(fields.calendar), maxAttempts: Type.Optional(fields.maxAttempts), retryMinutes: Type.Optional(fields.retryMinutes), script: Type.Optional(fields.script), startsAt: Type.Optional(fields.startsAt), endsAt: Type.Optional(fields.endsAt) }, { ...strict, minProperties: 1 }) },
  }, async (request) => {
    const b = request.body;
    checkCampaign(s, b);
    const dates = b.startsAt !== undefined || b.endsAt !== undefined ? datesChecked(await loadCampaign(s, request.params.id), b) : {};
    const row = await s.db.transaction().execute(async (trx) => {
      const c = await trx.updateTable('campaigns').set({
        ...dates,
        ...(b.name !== undefined ? { name: b.name.trim() } : {}),
        ...(b.worktype !== undefined ? { worktype: b.worktype } : {}),
        ...(b.calendar !== undefined ? { calendar: b.calendar } : {}),
        ...(b.maxAttempts !== undefined ? { max_attempts: b.maxAttempts } : {}),
        ...(b.retryMinutes !== undefined ? { retry_minutes: b.retryMinutes } : {}),
        ...(b.script !== undefined ? { script: b.script } : {}),
        updated_at: new Date(),
      }).where('id', '=', request.params.id).returningAll().executeTakeFirst();
      if (!c) throw notFound(`Campaign ${request.params.id}`);
      await appendEvents(trx, [{ type: 'campaign.updated', actor: actorOf(request.principal), data: { id: c.id, changes: b } }]);
      return c;
    });
    if (row.state === 'running' && row.ends_at) s.campaignEnds.arm(row.ends_at);
    return withProgress(row);
  });

  r.post('/api/v1/campaigns/:id/contacts', {
    config: { auth: RUN },
    schema: {
      tags,
      summary: "Add contacts (numbers we can call, once per campaign, none on the do-not-call list; what is refused is said by line); a running campaign calls them at once",
      params: IdParams,
      body: Type.Object({
        contacts: Type.Array(Type.Object({
          phone: Type.String({ minLength: 1, maxLength: 40 }),
          name: Type.Optional(Type.String({ maxLength: 300 })),
          data: Type.Optional(Type.Record(Type.String({ maxLength: 60, pattern: '^[\\w.-]+$' }), Type.String({ maxLength: 1000 }), { maxProperties: 30 })),
        }, strict), { minItems: 1, maxItems: CONTACTS_PER_UPLOAD }),
      }, strict),
    },
  }, async (request) => addContacts(s, requirePrincipal(request), await loadCampaign(s, request.params.id), request.body.contacts));

  r.get('/api/v1/campaigns/:id/contacts', {
    config: { auth: READ },
    schema: { tags, summary: 'The contacts (first 1,000) with where each stands', params: IdParams },
  }, async (request) => {
    const c = await loadCampaign(s, request.params.id);
    const rows = await s.db.selectFrom('campaign_contacts as k').leftJoin('tasks as t', 't.id', 'k.task_id')
      .select(['k.id', 'k.phone', 'k.name', 'k.data', 'k.dnc', 'k.task_id', 't.state', 't.wrap_up_code'])
      .where('k.campaign_id', '=', c.id).orderBy('k.created_at').orderBy('k.id').limit(1000).execute();
    return { items: rows.map((k) => ({ id: k.id, phone: k.phone, name: k.name, data: k.data, taskId: k.task_id, state: contactState(k.dnc, k.state ?? null), result: k.wrap_up_code })) };
  });

  r.post('/api/v1/campaigns/:id/start', { config: { auth: RUN }, schema: { tags, summary: 'Start (or resume) calling: every contact not called yet becomes work', params: IdParams } }, async (request) => {
    const c = await loadCampaign(s, request.params.id);
    if (c.state === 'running') throw conflict('The campaign is running already');
    const { called } = await startCampaign(s, requirePrincipal(request), c);
    return { ...(await withProgress(await loadCampaign(s, c.id))), called };
  });

  r.post('/api/v1/campaigns/:id/stop', { config: { auth: RUN }, schema: { tags, summary: 'Stop calling: waiting work is withdrawn (called on the next start); calls under way finish', params: IdParams } }, async (request) => {
    const c = await loadCampaign(s, request.params.id);
    if (c.state !== 'running') throw conflict(`The campaign is not running (${c.state})`);
    const { withdrawn } = await stopCampaign(s, actorOf(requirePrincipal(request)) ?? 'system', c);
    return { ...(await withProgress(await loadCampaign(s, c.id))), withdrawn };
  });

  r.post('/api/v1/tasks/:id/campaign/opt-out', {
    config: { auth: { roles: ['agent', 'supervisor'], scopes: ['tasks:write'] } },
    schema: { tags, summary: 'The contact of a campaign call you hold asks not to be called: on the do-not-call list, the call canceled', params: IdParams },
  }, async (request, reply) => {
    const t = await loadForWork(s, requirePrincipal(request), request.params.id, 'call');
    await optOut(s, requirePrincipal(request), t);
    return reply.code(204).send();
  });

  // The do-not-call list: every campaign is scrubbed against it when contacts are added and when it starts.
  r.get('/api/v1/do-not-call', {
    config: { auth: READ },
    schema: { tags, summary: 'Numbers never to call, newest first (q: a number or part of one)', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 40 })) }, strict) },
  }, async (request) => {
    let q = s.db.selectFrom('do_not_call').selectAll().orderBy('added_at', 'desc').limit(500);
    const digits = request.query.q?.replace(/[^0-9+]/g, '');
    if (digits) q = q.where('phone', 'like', `%${digits}%`);
    return { items: (await q.execute()).map((d) => ({ phone: d.phone, reason: d.reason, addedBy: d.added_by, addedAt: d.added_at.toISOString() })) };
  });

  r.post('/api/v1/do-not-call', {
    config: { auth: RUN },
    schema: { tags, summary: 'Add a number to the do-not-call list', body: Type.Object({ phone: Type.String({ minLength: 1, maxLength: 40 }), reason: Type.Optional(Type.String({ maxLength: 300 })) }, strict) },
  }, async (request, reply) => {
    const phone = normalizePhone(request.body.phone);
    if (!phone) throw unprocessable('/phone', 'is not a phone number (6 to 15 digits, optionally after +)');
    await s.db.transaction().execute(async (trx) => {
      await trx.insertInto('do_not_call').values({ phone, reason: request.body.reason?.trim() || null, added_by: actorOf(request.principal) }).onConflict((oc) => oc.column('phone').doNothing()).execute();
      await appendEvents(trx, [{ type: 'dnc.added', actor: actorOf(request.principal), data: { phone } }]);
    });
    return reply.code(201).send({ phone });
  });

  r.delete('/api/v1/do-not-call/:phone', {
    config: { auth: RUN },
    schema: { tags, summary: 'Take a number off the list (contacts refused before stay refused)', params: Type.Object({ phone: Type.String({ minLength: 1, maxLength: 40 }) }) },
  }, async (request, reply) => {
    const phone = normalizePhone(request.params.phone) ?? request.params.phone;
    await s.db.transaction().execute(async (trx) => {
      const d = await trx.deleteFrom('do_not_call').where('phone', '=', phone).returning('phone').executeTakeFirst();
      if (!d) throw notFound(`${phone} on the do-not-call list`);
      await appendEvents(trx, [{ type: 'dnc.removed', actor: actorOf(request.principal), data: { phone } }]);
    });
    return reply.code(204).send();
  });
}
