import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { requirePrincipal } from '../auth/guard.js';
import { appendEvents } from '../events/append.js';
import { IdParams } from '../http/schemas.js';
import { Problem, badRequest, notFound } from '../http/problems.js';
import { CASE_READ, CASE_WRITE } from '../cases/auth.js';
import { caseData, loadCase, lockCase } from '../cases/store.js';
import { assertCaseVisible, viewerOf } from '../cases/visibility.js';
import { applyEffects, noEffects } from '../cases/effects.js';
import { attachmentsDir, contentDisposition, discard, openStored, typeAccepted, type StagedFile } from './files.js';
import { readParts } from './multipart.js';
import { attach, attachmentDto } from './store.js';

const tags = ['cases'];

/** Attachments: uploaded to a case (multipart, size and type limits, type by content), streamed back to those who may see the case. */
export async function attachmentRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const dir = attachmentsDir();
  const staged = new WeakMap<FastifyRequest, StagedFile[]>();

  r.post('/api/v1/cases/:id/attachments', {
    config: { auth: CASE_WRITE },
    schema: { tags, summary: 'Add files (multipart; parts named "attachments" or after a file field of the form)', consumes: ['multipart/form-data'], params: IdParams },
    onResponse: async (request) => {
      const files = staged.get(request);
      if (files) await discard(files);
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const c = await loadCase(s.db, request.params.id);
    await assertCaseVisible(s, viewerOf(s, p), c);
    const ct = s.config.snapshot.caseTypes.get(c.case_type);
    if (!request.isMultipart()) throw new Problem(415, 'Unsupported Media Type', 'send the files as multipart/form-data');
    const maxSize = ct?.attachments.maxSize ?? 10 * 1024 * 1024;
    const { files } = await readParts(request, dir, maxSize);
    staged.set(request, files);
    if (!files.length) throw badRequest('no file in the request', [{ pointer: '/attachments', message: 'missing', in: 'body' }]);
    const accept = (field: string | null) => (field && ct?.form.fields.find((f) => f.name === field && f.type === 'file')?.accept) || ct?.attachments.accept || [];
    const bad = files.flatMap((f, i) => {
      const fieldDef = f.field ? ct?.form.fields.find((x) => x.name === f.field && x.type === 'file') : undefined;
      if (f.field && !fieldDef) return [{ pointer: `/${f.field}`, message: 'is not a file field of this case type (name plain files "attachments")' }];
      if (!typeAccepted(accept(f.field), f.contentType)) return [{ pointer: `/attachments/${i}`, message: `"${f.name}" is ${f.contentType} by its content; accepted: ${accept(f.field).join(', ')}` }];
      if (fieldDef?.maxSize !== undefined && f.size > fieldDef.maxSize) return [{ pointer: `/attachments/${i}`, message: `"${f.name}" is larger than ${fieldDef.maxSize} bytes` }];
      return [];
    });
    if (bad.length) throw new Problem(415, 'Unsupported Media Type', bad.map((e) => `${e.pointer}: ${e.message}`).join('; '), bad.map((e) => ({ ...e, in: 'body' as const })));
    const fx = noEffects();
    const rows = await s.db.transaction().execute(async (trx) => {
      const locked = await lockCase(trx, c.id);
      const out = await attach(trx, dir, c.id, files, actorOf(p));
      await appendEvents(trx, out.map((a) => ({ type: 'case.attachment-added', actor: actorOf(p), data: caseData(locked, { attachmentId: a.id, name: a.name, contentType: a.content_type, size: a.size, field: a.field }) })));
      fx.caseIds.push(c.id);
      return out;
    });
    applyEffects(s, fx);
    return reply.code(201).send({ items: rows.map(attachmentDto) });
  });

  r.get('/api/v1/cases/:id/attachments', {
    config: { auth: CASE_READ },
    schema: { tags, params: IdParams },
  }, async (request) => {
    const c = await loadCase(s.db, request.params.id);
    await assertCaseVisible(s, viewerOf(s, requirePrincipal(request)), c);
    const rows = await s.db.selectFrom('attachments').selectAll().where('case_id', '=', c.id).orderBy('created_at').execute();
    return { items: rows.map(attachmentDto) };
  });

  r.get('/api/v1/attachments/:id', {
    config: { auth: CASE_READ },
    schema: { tags, summary: 'Download a file (always as an attachment, never rendered inline)', params: IdParams },
  }, async (request, reply) => {
    const a = await s.db.selectFrom('attachments').selectAll().where('id', '=', request.params.id).executeTakeFirst();
    if (!a) throw notFound(`Attachment ${request.params.id}`);
    // Someone who may not see the case does not learn the file exists.
    await assertCaseVisible(s, viewerOf(s, requirePrincipal(request)), await loadCase(s.db, a.case_id)).catch(() => {
      throw notFound(`Attachment ${request.params.id}`);
    });
    return reply
      .header('content-type', a.content_type)
      .header('content-length', String(a.size))
      .header('content-disposition', contentDisposition(a.name))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(openStored(dir, a.path));
  });
}
