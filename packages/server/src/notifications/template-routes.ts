import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SAMPLE_CASE, buildVariables, renderTemplate, templateVariables, type CaseView } from '@worklane/core';
import type { Services } from '../services.js';
import type { Principal, RouteAuth } from '../auth/principal.js';
import { requirePrincipal } from '../auth/guard.js';
import { viewerOf, visibleTo } from '../cases/visibility.js';
import { FreeForm, IdParams } from '../http/schemas.js';
import { Problem, badRequest, conflict, notFound } from '../http/problems.js';
import { validateAgainst } from '../config/ajv.js';
import { change, refuse } from '../admin/change.js';
import { ListQuery, page, patchSchema } from '../admin/crud.js';
import { checkTemplate, templateItem, writeTemplate } from './config.js';
import { templateDto } from './dto.js';
import { NotificationTemplateItem } from './items.js';

/** The source: "administrators and/or supervisors can alter the content of the notification messages". */
export const TEMPLATE_EDIT = { roles: ['admin', 'supervisor'], scopes: ['admin', 'config:write'] } satisfies RouteAuth;
export const TEMPLATE_READ = { roles: ['admin', 'supervisor'], scopes: ['admin', 'config:read', 'config:write'] } satisfies RouteAuth;

const tags = ['notifications'];
const KIND = 'notification-template';
const PATH = '/api/v1/notification-templates';

const PREVIEW_PORTAL_LINK = (s: Services) => `${s.notifications.options.publicUrl}/portal?token=preview`;

const Target = {
  caseId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'render with this case' })),
  sample: Type.Optional(FreeForm(200, 256 * 1024, { nameLength: 200, description: 'fields of a made-up case, over the built-in sample (e.g. {"status":"closed","fields":{...}})' })),
};
const PreviewBody = Type.Object(Target, { additionalProperties: false });
const DraftBody = Type.Object(
  { ...Target, template: Type.Object({ channel: NotificationTemplateItem.properties.channel, subject: Type.Optional(Type.String({ maxLength: 2000 })), body: Type.String({ maxLength: 20_000 }), locale: Type.Optional(Type.String({ maxLength: 35 })) }, { additionalProperties: false }) },
  { additionalProperties: false },
);

export async function templateRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const load = async (id: string) => {
    const t = await s.db.selectFrom('notification_templates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!t) throw notFound(`Notification template "${id}"`);
    return t;
  };

  r.get(PATH, { config: { auth: TEMPLATE_READ }, schema: { tags, summary: 'Notification templates', querystring: ListQuery } }, async (request) => {
    const rows = await s.db.selectFrom('notification_templates').selectAll().orderBy('id').execute();
    return page(rows.map(templateDto), request.query);
  });

  r.get(`${PATH}/:id`, { config: { auth: TEMPLATE_READ }, schema: { tags, summary: 'One notification template', params: IdParams } }, async (request) =>
    templateDto(await load(request.params.id)),
  );

  r.post(PATH, {
    config: { auth: TEMPLATE_EDIT },
    schema: { tags, summary: 'Create a template (Liquid); refused with line and column when it does not parse', body: NotificationTemplateItem },
  }, async (request, reply) => {
    const item = request.body;
    await change(s, request, KIND, async (trx) => {
      if (await trx.selectFrom('notification_templates').select('id').where('id', '=', item.id).executeTakeFirst())
        throw new Problem(409, 'Conflict', `A notification template "${item.id}" exists already`, [{ pointer: '/id', message: 'already used', in: 'body' }]);
      refuse(checkTemplate(item));
      await writeTemplate(trx, item);
      return { id: item.id, before: null, after: item };
    });
    return reply.code(201).send(templateDto(await load(item.id)));
  });

  r.patch(`${PATH}/:id`, {
    config: { auth: TEMPLATE_EDIT },
    schema: { tags, summary: 'Change a template (fields given replace the stored ones; null clears)', params: IdParams, body: patchSchema(NotificationTemplateItem, 'id') },
  }, async (request) => {
    const id = request.params.id;
    await change(s, request, KIND, async (trx) => {
      const row = await trx.selectFrom('notification_templates').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`Notification template "${id}"`);
      const before = templateItem(row);
      const merged: Record<string, unknown> = { ...before };
      for (const [k, v] of Object.entries(request.body as Record<string, unknown>)) if (v === null) delete merged[k];
      else merged[k] = v;
      const shape = validateAgainst(NotificationTemplateItem, merged);
      if (shape.length) throw badRequest(shape.map((e) => `${e.pointer}: ${e.message}`).join('; '), shape.map((e) => ({ ...e, in: 'body' as const })));
      const item = merged as NotificationTemplateItem;
      // A channel change must keep every rule that uses the template consistent.
      if (item.channel !== before.channel) {
        const users = await trx.selectFrom('notification_rules').select(['case_type_id', 'event']).where('template_id', '=', id).where('channel', '!=', item.channel).execute();
        if (users.length) throw conflict(`Rules of another channel use this template: ${users.map((u) => `${u.case_type_id}/${u.event}`).join(', ')}`);
      }
      refuse(checkTemplate(item));
      await writeTemplate(trx, item);
      return { id, before, after: item };
    });
    return templateDto(await load(id));
  });

  r.delete(`${PATH}/:id`, { config: { auth: TEMPLATE_EDIT }, schema: { tags, summary: 'Delete a template (409 while a rule uses it)', params: IdParams } }, async (request, reply) => {
    const id = request.params.id;
    await change(s, request, KIND, async (trx) => {
      const row = await trx.selectFrom('notification_templates').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`Notification template "${id}"`);
      const uses = await trx.selectFrom('notification_rules').select(['case_type_id', 'event', 'channel']).where('template_id', '=', id).execute();
      if (uses.length) {
        const usedBy = uses.map((u) => `case type ${u.case_type_id}: ${u.event} by ${u.channel}`);
        throw conflict(`The notification template "${id}" is in use: ${usedBy.join('; ')}`, { usedBy });
      }
      await trx.deleteFrom('notification_templates').where('id', '=', id).execute();
      return { id, before: templateItem(row), after: null };
    });
    return reply.code(204).send();
  });

  /** The case to preview with: a stored case, or the sample with the caller's changes. */
  const previewCase = async (p: Principal, body: { caseId?: string; sample?: Record<string, unknown> }) => {
    if (body.caseId && body.sample) throw badRequest('give caseId or sample, not both', [{ pointer: '/sample', message: 'not with caseId', in: 'body' }]);
    if (body.caseId) {
      const c = await s.notifications.sources.loadCase(s.db, body.caseId);
      // Only a case the caller may see (the cases module's rule), and 404 either way, as for the case itself.
      const visible = c && (await s.db.selectFrom('cases').select('id').where('id', '=', c.view.id).where(visibleTo(viewerOf(s, p))).executeTakeFirst());
      if (!c || !visible) throw notFound(`Case ${body.caseId}`);
      // Never a real signed link: a preview must not hand out the customer's access to the portal.
      return { view: c.view, timeZone: c.timeZone ?? s.notifications.options.timeZone, portalLink: PREVIEW_PORTAL_LINK(s) };
    }
    const view = { ...SAMPLE_CASE, ...body.sample } as CaseView;
    if (typeof view.caseType !== 'object' || view.caseType === null || typeof view.fields !== 'object' || view.fields === null)
      throw badRequest('sample.caseType and sample.fields must be objects', [{ pointer: '/sample', message: 'caseType {id, name} and fields {} are objects', in: 'body' }]);
    return { view, timeZone: s.notifications.options.timeZone, portalLink: PREVIEW_PORTAL_LINK(s) };
  };

  const preview = async (p: Principal, t: { subject?: string; body: string; locale?: string }, target: { caseId?: string; sample?: Record<string, unknown> }) => {
    const c = await previewCase(p, target);
    const vars = buildVariables(c.view, { timeZone: c.timeZone, portalLink: c.portalLink, caseLink: `${s.notifications.options.publicUrl}/cases/${encodeURIComponent(c.view.id)}` });
    const errors = [];
    const out: Record<string, string | null> = { subject: null, body: null };
    for (const part of ['subject', 'body'] as const) {
      const text = t[part];
      if (text === undefined) continue;
      const res = renderTemplate(text, vars, { timeZone: c.timeZone, locale: t.locale });
      if (res.ok) out[part] = part === 'subject' ? res.text.replace(/\s+/g, ' ').trim() : res.text;
      else errors.push({ pointer: `/${part}`, message: res.error.line ? `line ${res.error.line}, col ${res.error.col}: ${res.error.message}` : res.error.message });
    }
    if (errors.length) throw new Problem(422, 'Unprocessable request', `The template does not render: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`, errors);
    const used = [...new Set([...(t.subject ? templateVariables(t.subject) : []), ...templateVariables(t.body)])];
    return { ...out, variables: Object.keys(vars).sort(), unknownVariables: used.filter((v) => !(v in vars)) };
  };

  r.post(`${PATH}/:id/preview`, {
    config: { auth: TEMPLATE_READ },
    schema: { tags, summary: 'Render a stored template with a case or a sample case', params: IdParams, body: PreviewBody },
  }, async (request) => {
    const t = templateItem(await load(request.params.id));
    return preview(requirePrincipal(request), t, request.body);
  });

  r.post(`${PATH}/preview`, {
    config: { auth: TEMPLATE_READ },
    schema: { tags, summary: 'Render a draft template (not saved) with a case or a sample case', body: DraftBody },
  }, async (request) => {
    const { template, ...target } = request.body;
    return preview(requirePrincipal(request), template, target);
  });
}
