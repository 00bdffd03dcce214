import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { badRequest } from '../http/problems.js';
import { exportConfig } from '../config/export.js';
import { importConfig } from '../config/import.js';
import { ADMIN } from './auth.js';

/** The whole configuration as one YAML/JSON document: export, and import (dry run unless apply=true). */
export async function configIoRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  app.addContentTypeParser(['application/yaml', 'text/yaml', 'application/x-yaml'], { parseAs: 'string', bodyLimit: 5_000_000 }, (_req, body, done) => {
    try {
      done(null, parseYaml(body as string));
    } catch (err) {
      done(Object.assign(new Error(`YAML is not valid: ${(err as Error).message}`), { statusCode: 400 }), undefined);
    }
  });

  r.get('/api/v1/config/export', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('yaml'), Type.Literal('json')])) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const doc = await exportConfig(s.db);
    return request.query.format === 'json' ? doc : reply.type('application/yaml').send(toYaml(doc));
  });
  r.post('/api/v1/config/import', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], summary: 'Import configuration (dry run unless apply=true)', querystring: Type.Object({ apply: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) }, { additionalProperties: false }) },
  }, async (request) => {
    const result = await importConfig(s.db, request.body, { apply: request.query.apply === 'true', actor: actorOf(request.principal) });
    if (result.errors.length) throw badRequest(`The configuration has ${result.errors.length} problem(s)`, result.errors.map((e) => ({ ...e, in: 'body' })));
    if (result.applied) await s.config.reload();
    return result;
  });
}
