import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { IdParams } from '../http/schemas.js';
import { Problem, badRequest, notFound, unauthorized } from '../http/problems.js';
import { assertSameOrigin } from '../security/csrf.js';
import { attachmentsDir, contentDisposition, discard, openStored, typeAccepted, type StagedFile } from '../attachments/files.js';
import { enableMultipart, readParts } from '../attachments/multipart.js';
import { slaMarks, type CaseRow } from '../cases/store.js';
import { serverSecret, verifyToken } from './token.js';
import { closeSession, openSession, requireCustomer } from './session.js';
import { customerSees, portalAttachment, portalCase, portalTimeline } from './view.js';
import { customerReply } from './reply.js';

// Portal routes are public to the staff guard (it knows nothing of customers): each checks the
// portal cookie itself (requireCustomer), and every write checks that it comes from this site.
const PUBLIC = { public: true } as const;
const tags = ['portal'];
const strict = { additionalProperties: false } as const;

/** The customer portal: a signed link becomes a session; the customer's own cases, replies and files. */
export async function portalRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  await enableMultipart(app);
  const dir = attachmentsDir();
  const staged = new WeakMap<FastifyRequest, StagedFile[]>();

  /** The customer's case by id or number; anyone else's answers 404, like one that does not exist. */
  const ownCase = async (customerId: string, ref: string): Promise<CaseRow> => {
    const c = await s.db
      .selectFrom('cases')
      .selectAll('cases')
      .select(slaMarks)
      .where((eb) => eb.or([eb('id', '=', ref), eb('number', '=', ref)]))
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (!c) throw notFound(`Case ${ref}`);
    return c;
  };

  r.post('/api/v1/portal/session', {
    config: { auth: PUBLIC },
    schema: {
      tags,
      summary: 'Exchange the token of a portal link for a customer session (cookie wl_portal)',
      body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 2000 }) }, strict),
    },
  }, async (request, reply) => {
    assertSameOrigin(request); // another site must not sign a browser in as someone
    const v = verifyToken(await serverSecret(s.db), 'link', request.body.token);
    if (!v.ok) throw unauthorized(v.reason === 'expired' ? 'This link has expired. Use the link in your latest message, or contact us for a new one.' : 'This link is not valid. Check that you copied all of it.');
    const c = await s.db.selectFrom('customers').select(['id', 'name', 'first_name', 'email']).where('id', '=', v.customerId).executeTakeFirst();
    if (!c) throw unauthorized('This link is not valid any more.');
    const expiresAt = await openSession(s, request, reply, c.id);
    return { customer: { id: c.id, name: c.name, firstName: c.first_name, email: c.email }, expiresAt };
  });

  r.get('/api/v1/portal/session', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'The signed-in customer (401 without a portal session)' },
  }, async (request) => ({ customer: await requireCustomer(s, request) }));

  r.delete('/api/v1/portal/session', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'Sign out of the portal' },
  }, async (request, reply) => {
    assertSameOrigin(request);
    closeSession(reply);
    return reply.code(204).send();
  });

  r.get('/api/v1/portal/cases', {
    config: { auth: PUBLIC },
    schema: { tags, summary: "The signed-in customer's own cases, newest first, with the fields their case types show on the portal" },
  }, async (request) => {
    const who = await requireCustomer(s, request);
    const rows = await s.db.selectFrom('cases').selectAll('cases').select(slaMarks).where('customer_id', '=', who.id).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute();
    return { items: rows.map((c) => portalCase(s, c)) };
  });

  r.get('/api/v1/portal/cases/:id', {
    config: { auth: PUBLIC },
    schema: { tags, summary: "One of the customer's cases (by id or number) with its timeline and files; 404 for anyone else's", params: IdParams },
  }, async (request) => {
    const who = await requireCustomer(s, request);
    const c = await ownCase(who.id, request.params.id);
    const files = (await s.db.selectFrom('attachments').selectAll().where('case_id', '=', c.id).orderBy('created_at').execute()).filter(customerSees(who.id));
    return {
      ...portalCase(s, c),
      canReply: c.status !== 'closed',
      waitingForYou: c.status === 'waiting-for-customer',
      attachments: files.map((a) => portalAttachment(a, who.id)),
      timeline: await portalTimeline(s, c, who.id, files),
    };
  });

  r.post('/api/v1/portal/cases/:id/comments', {
    config: { auth: PUBLIC },
    // Who before what: an anonymous caller learns nothing from body validation.
    preValidation: async (request) => void (await requireCustomer(s, request)),
    schema: {
      tags,
      summary: 'A customer reply: a case waiting for the customer goes back to work and its clocks resume',
      params: IdParams,
      body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 20_000 }) }, strict),
    },
  }, async (request, reply) => {
    assertSameOrigin(request);
    const who = await requireCustomer(s, request);
    const c = await ownCase(who.id, request.params.id);
    const text = request.body.body.trim();
    if (!text) throw badRequest('/body: write a message', [{ pointer: '/body', message: 'write a message', in: 'body' }]);
    const out = await customerReply(s, who, c.id, { comment: text, filesDir: dir });
    return reply.code(201).send({ id: out.comment!.id, body: out.comment!.body, createdAt: out.comment!.created_at.toISOString(), status: out.case.status });
  });

  r.post('/api/v1/portal/cases/:id/attachments', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'Add files (multipart, parts named "attachments"); counts as a customer reply', consumes: ['multipart/form-data'], params: IdParams },
    onResponse: async (request) => {
      const files = staged.get(request);
      if (files) await discard(files); // kept files were moved away; the rest go
    },
  }, async (request, reply) => {
    assertSameOrigin(request);
    const who = await requireCustomer(s, request);
    const c = await ownCase(who.id, request.params.id);
    if (!request.isMultipart()) throw new Problem(415, 'Unsupported Media Type', 'send the files as multipart/form-data');
    const ct = s.config.snapshot.caseTypes.get(c.case_type);
    const maxSize = ct?.attachments.maxSize ?? 10 * 1024 * 1024;
    const accept = ct?.attachments.accept ?? [];
    const { files } = await readParts(request, dir, maxSize);
    staged.set(request, files);
    if (!files.length) throw badRequest('/attachments: choose a file', [{ pointer: '/attachments', message: 'choose a file', in: 'body' }]);
    const bad = files.flatMap((f, i) =>
      f.field !== null
        ? [{ pointer: `/attachments/${i}`, message: `name file parts "attachments" (not "${f.field}")` }]
        : !typeAccepted(accept, f.contentType)
          ? [{ pointer: `/attachments/${i}`, message: `"${f.name}" is ${f.contentType}; accepted: ${accept.join(', ')}` }]
          : [],
    );
    if (bad.length) throw new Problem(415, 'Unsupported Media Type', bad.map((e) => `${e.pointer}: ${e.message}`).join('; '), bad.map((e) => ({ ...e, in: 'body' as const })));
    const out = await customerReply(s, who, c.id, { files, filesDir: dir });
    return reply.code(201).send({ items: out.files.map((a) => portalAttachment(a, who.id)), status: out.case.status });
  });

  r.get('/api/v1/portal/attachments/:id', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'Download a file of one of your cases (always as an attachment)', params: IdParams },
  }, async (request, reply) => {
    const who = await requireCustomer(s, request);
    const a = await s.db
      .selectFrom('attachments')
      .innerJoin('cases', 'cases.id', 'attachments.case_id')
      .selectAll('attachments')
      .where('attachments.id', '=', request.params.id)
      .where('cases.customer_id', '=', who.id)
      .executeTakeFirst();
    // Someone else's file, or a staff file: as if it did not exist.
    if (!a || !customerSees(who.id)(a)) throw notFound(`Attachment ${request.params.id}`);
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
