import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { requirePrincipal } from '../auth/guard.js';
import { IdParams } from '../http/schemas.js';
import { badRequest } from '../http/problems.js';
import { attachmentsDir, discard, type StagedFile } from '../attachments/files.js';
import { readParts } from '../attachments/multipart.js';
import { CASE_READ, CASE_WRITE } from './auth.js';
import { CreateCaseBody, ListCasesQuery, PatchCaseBody, Reason } from './schemas.js';
import { createCase, type CustomerRef } from './create.js';
import { closeCase, commentCase, escalateCase, patchCase, reopenCase } from './actions.js';
import { loadCase, slaMarks } from './store.js';
import { caseDto } from './dto.js';
import { caseView, isStatus, slaView } from './view.js';
import { assertCaseVisible, viewerOf, visibleTo } from './visibility.js';

const strict = { additionalProperties: false } as const;
const tags = ['cases'];

/** The largest upload per file before the case type's own limits apply. */
export const maxUploadBytes = (env: NodeJS.ProcessEnv = process.env) => Number(env.WORKLANE_MAX_UPLOAD_BYTES ?? 25 * 1024 * 1024);

/** `{ id }` alone, or a profile; an empty reference is a mistake worth naming. */
export function customerRef(c: Record<string, unknown> | undefined): CustomerRef | undefined {
  if (!c) return undefined;
  const { id, ...profile } = c as { id?: string } & Record<string, unknown>;
  if (id !== undefined) {
    if (Object.keys(profile).length) throw badRequest('customer: give { id } alone, or a profile without id', [{ pointer: '/customer', message: 'id and profile fields together', in: 'body' }]);
    return { id };
  }
  if (!profile.email && !profile.name) throw badRequest('customer: a new customer needs at least a name or an e-mail', [{ pointer: '/customer', message: 'needs name or email', in: 'body' }]);
  return profile as CustomerRef;
}

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}
export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const d = new Date(at ?? '');
  if (!id || Number.isNaN(d.getTime())) throw badRequest('cursor is not valid', [{ pointer: '/cursor', message: 'not a cursor from this API', in: 'querystring' }]);
  return { at: d, id };
}

/** `%` and `_` in a search are literal. */
export const likeEscape = (q: string) => q.replace(/[\\%_]/g, (m) => `\\${m}`);

export async function listCases(s: Services, request: FastifyRequest, q: { status?: string; caseType?: string; customerId?: string; q?: string; limit?: string; cursor?: string }) {
  const v = viewerOf(s, requirePrincipal(request));
  const limit = Math.min(Math.max(Number(q.limit ?? 50), 1), 500);
  const cursor = decodeCursor(q.cursor);
  let query = s.db.selectFrom('cases').selectAll('cases').select(slaMarks).where(visibleTo(v)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1);
  if (q.status) {
    const statuses = q.status.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = statuses.find((x) => !isStatus(x));
    if (bad) throw badRequest(`unknown status "${bad}"`, [{ pointer: '/status', message: `unknown status "${bad}"`, in: 'querystring' }]);
    // Only separators (`status=,`) name no status at all: a 400, not an empty `in ()` (a 500 the fuzzer found).
    if (!statuses.length) throw badRequest('status names no status', [{ pointer: '/status', message: 'names no status', in: 'querystring' }]);
    query = query.where('status', 'in', statuses);
  }
  if (q.caseType) query = query.where('case_type', '=', q.caseType);
  if (q.customerId) query = query.where('customer_id', '=', q.customerId);
  if (q.q?.trim()) {
    const like = `%${likeEscape(q.q.trim().toLowerCase())}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['number']), 'like', like),
        eb(eb.fn('lower', ['title']), 'like', like),
        eb(eb.fn('lower', ['description']), 'like', like),
        eb.exists(
          eb.selectFrom('customers').select('customers.id').whereRef('customers.id', '=', 'cases.customer_id')
            .where((c) => c.or([c(c.fn('lower', ['customers.name']), 'like', like), c(c.fn('lower', ['customers.email']), 'like', like)])),
        ),
      ]),
    );
  }
  if (cursor) query = query.where((eb) => eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(caseDto), nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null };
}

export async function caseRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const filesDir = attachmentsDir();
  const staged = new WeakMap<FastifyRequest, StagedFile[]>();
  const visible = async (request: FastifyRequest, ref: string) => {
    const c = await loadCase(s.db, ref);
    await assertCaseVisible(s, viewerOf(s, requirePrincipal(request)), c);
    return c;
  };

  r.post('/api/v1/cases', {
    config: { auth: CASE_WRITE },
    schema: {
      tags,
      summary: 'Create a case (JSON, or multipart: a "data" part with this body plus file parts named after form fields or "attachments")',
      consumes: ['application/json', 'multipart/form-data'],
      body: CreateCaseBody,
    },
    // Multipart: the JSON part becomes the body (validated like JSON), files are staged on disk.
    preValidation: async (request) => {
      if (!request.isMultipart()) return;
      const { values, files } = await readParts(request, filesDir, maxUploadBytes());
      staged.set(request, files);
      const data = values.data;
      if (typeof data !== 'string') throw badRequest('a multipart case needs one "data" part with the JSON body', [{ pointer: '/data', message: 'missing', in: 'body' }]);
      try {
        request.body = JSON.parse(data);
      } catch {
        throw badRequest('the "data" part is not JSON', [{ pointer: '/data', message: 'not JSON', in: 'body' }]);
      }
    },
    onResponse: async (request) => {
      const files = staged.get(request);
      if (files) await discard(files); // kept files were moved away; the rest go
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const b = request.body;
    const created = await createCase(
      s,
      { caseType: b.caseType, fields: b.fields, ...(b.customer ? { customer: customerRef(b.customer)! } : {}), files: staged.get(request) ?? [] },
      { source: p.kind === 'user' ? 'agent' : 'api', actor: actorOf(p), filesDir },
    );
    return reply.code(201).send(await caseView(s, created.case, created));
  });

  r.get('/api/v1/cases', {
    config: { auth: CASE_READ },
    schema: { tags, summary: 'Cases the caller may see, newest first (cursor-paginated)', querystring: ListCasesQuery },
  }, async (request) => listCases(s, request, request.query));

  r.get('/api/v1/cases/:id', {
    config: { auth: CASE_READ },
    schema: { tags, summary: 'A case (by id or number) with its customer, tasks and attachments', params: IdParams },
  }, async (request) => caseView(s, await visible(request, request.params.id)));

  r.patch('/api/v1/cases/:id', {
    config: { auth: CASE_WRITE },
    schema: { tags, summary: 'Change fields (merge patch, validated), title, customer, waiting-for-customer; supervisors: SLA, OLA', params: IdParams, body: PatchCaseBody },
  }, async (request) => {
    const b = request.body;
    const c = await patchCase(s, requirePrincipal(request), request.params.id, {
      ...(b.title !== undefined ? { title: b.title } : {}),
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.fields !== undefined ? { fields: b.fields } : {}),
      ...(b.status !== undefined ? { status: b.status } : {}),
      ...(b.customerId !== undefined ? { customerId: b.customerId } : {}),
      ...(b.sla !== undefined ? { sla: b.sla } : {}),
      ...(b.ola !== undefined ? { ola: b.ola } : {}),
    });
    return caseView(s, c);
  });

  r.get('/api/v1/cases/:id/timeline', {
    config: { auth: CASE_READ },
    schema: {
      tags,
      summary: "Every event of the case and of its tasks, oldest first",
      params: IdParams,
      querystring: Type.Object({ after: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'event id to continue after' })), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) }, strict),
    },
  }, async (request) => {
    const c = await visible(request, request.params.id);
    const limit = Math.min(Math.max(Number(request.query.limit ?? 500), 1), 2000);
    // Task ids first: `case_id = … or task_id in (list)` is two index scans, where a sub-select in an OR is not.
    const taskIds = (await s.db.selectFrom('tasks').select('id').where('case_id', '=', c.id).execute()).map((t) => t.id);
    let q = s.db
      .selectFrom('events')
      .selectAll()
      .where((eb) => eb.or([eb('case_id', '=', c.id), ...(taskIds.length ? [eb('task_id', 'in', taskIds)] : [])]))
      .orderBy('id')
      .limit(limit + 1);
    if (request.query.after) q = q.where('id', '>', Number(request.query.after));
    const rows = await q.execute();
    const page = rows.slice(0, limit);
    return {
      items: page.map((e) => ({ id: String(e.id), type: e.type, at: e.at.toISOString(), actor: e.actor, taskId: e.task_id, userId: e.user_id, data: e.data })),
      next: rows.length > limit ? String(page[page.length - 1]!.id) : null,
    };
  });

  r.get('/api/v1/cases/:id/comments', {
    config: { auth: CASE_READ },
    schema: { tags, params: IdParams },
  }, async (request) => {
    const c = await visible(request, request.params.id);
    const rows = await s.db.selectFrom('case_comments').selectAll().where('case_id', '=', c.id).orderBy('created_at').orderBy('id').execute();
    return { items: rows.map(commentDto) };
  });

  r.post('/api/v1/cases/:id/comments', {
    config: { auth: CASE_WRITE },
    schema: {
      tags,
      params: IdParams,
      body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 20_000 }), visibility: Type.Optional(Type.Unsafe<'internal' | 'customer'>({ type: 'string', enum: ['internal', 'customer'] })) }, strict),
    },
  }, async (request, reply) => reply.code(201).send(commentDto(await commentCase(s, requirePrincipal(request), request.params.id, request.body))));

  r.post('/api/v1/cases/:id/escalate', {
    config: { auth: CASE_WRITE },
    schema: { tags, summary: 'Up one level of the escalation ladder: the escalation step gets a task, live work is canceled', params: IdParams, body: Type.Object({ reason: Reason }, strict) },
  }, async (request) => caseView(s, await escalateCase(s, requirePrincipal(request), request.params.id, request.body.reason)));

  r.post('/api/v1/cases/:id/close', {
    config: { auth: CASE_WRITE },
    schema: {
      tags,
      summary: 'Close (or resolve) the case with a resolution; live work is canceled and the SLA stops',
      params: IdParams,
      body: Type.Object({ resolution: Reason, status: Type.Optional(Type.Unsafe<'resolved' | 'closed'>({ type: 'string', enum: ['resolved', 'closed'] })) }, strict),
    },
  }, async (request) => caseView(s, await closeCase(s, requirePrincipal(request), request.params.id, request.body)));

  r.post('/api/v1/cases/:id/reopen', {
    config: { auth: CASE_WRITE },
    schema: { tags, summary: 'Reopen: the SLA resumes where it stopped; work goes back to the last advisor', params: IdParams, body: Type.Optional(Type.Object({ reason: Type.Optional(Reason) }, strict)) },
  }, async (request) => caseView(s, await reopenCase(s, requirePrincipal(request), request.params.id, request.body?.reason)));

  r.get('/api/v1/cases/:id/sla', {
    config: { auth: CASE_READ },
    schema: { tags, summary: 'The SLA clock of the case and the OLA clocks of its tasks, now', params: IdParams },
  }, async (request) => slaView(s, await visible(request, request.params.id)));

}

export const commentDto = (c: { id: string; case_id: string; author: string | null; author_name: string | null; body: string; visibility: string; created_at: Date }) => ({
  id: c.id,
  caseId: c.case_id,
  author: c.author,
  authorName: c.author_name,
  body: c.body,
  visibility: c.visibility,
  createdAt: c.created_at.toISOString(),
});
