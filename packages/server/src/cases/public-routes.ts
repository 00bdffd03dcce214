import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { coerceFormValues } from '@worklane/core';
import type { Services } from '../services.js';
import { notFound } from '../http/problems.js';
import { attachmentsDir, discard, type StagedFile } from '../attachments/files.js';
import { readParts } from '../attachments/multipart.js';
import { createCase } from './create.js';
import { Fields } from './schemas.js';
import { maxUploadBytes } from './routes.js';
import { TokenBuckets, rateLimited } from './rate-limit.js';
import type { CaseType } from './settings.js';

const PUBLIC = { public: true } as const;
const tags = ['public'];
const Params = Type.Object({ caseType: Type.String({ minLength: 1, maxLength: 100 }) });

/** The public web form: a case type's form definition, and submissions from anyone (rate limited per IP). */
export async function publicFormRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const filesDir = attachmentsDir();
  const staged = new WeakMap<FastifyRequest, StagedFile[]>();
  const limiter = new TokenBuckets(Number(process.env.WORKLANE_FORM_BURST ?? 10), Number(process.env.WORKLANE_FORM_PER_MINUTE ?? 10));
  const publicType = (id: string): CaseType => {
    const ct = s.config.snapshot.caseTypes.get(id);
    // Not public and unknown answer alike: nobody probes for internal case types.
    if (!ct || !ct.publicForm) throw notFound(`Form ${id}`);
    return ct;
  };

  r.get('/api/v1/public/forms/:caseType', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'The form of a case type open to the public', params: Params },
  }, async (request) => {
    const ct = publicType(request.params.caseType);
    return { caseType: ct.id, name: ct.name, description: ct.description, form: ct.form, attachments: ct.attachments };
  });

  r.post('/api/v1/public/forms/:caseType', {
    config: { auth: PUBLIC },
    schema: {
      tags,
      summary: 'Submit the public form (JSON { fields }, or an HTML multipart form post); answers the case number',
      consumes: ['application/json', 'multipart/form-data'],
      params: Params,
      body: Type.Object({ fields: Fields }, { additionalProperties: false }),
    },
    onRequest: rateLimited(limiter, 'submissions from your address'),
    preValidation: async (request) => {
      const ct = publicType((request.params as { caseType: string }).caseType);
      if (!request.isMultipart()) return;
      const { values, files } = await readParts(request, filesDir, Math.min(maxUploadBytes(), Math.max(ct.attachments.maxSize, ...ct.form.fields.map((f) => f.maxSize ?? 0))));
      staged.set(request, files);
      request.body = { fields: coerceFormValues(ct.form, values) };
    },
    onResponse: async (request) => {
      const files = staged.get(request);
      if (files) await discard(files);
    },
  }, async (request, reply) => {
    const ct = publicType(request.params.caseType);
    const { case: c } = await createCase(s, { caseType: ct.id, fields: request.body.fields, files: staged.get(request) ?? [] }, { source: 'form', actor: 'public-form', filesDir });
    return reply.code(201).send({ number: c.number, status: c.status, caseType: ct.id, message: `Thank you. Your case number is ${c.number}.` });
  });
}
