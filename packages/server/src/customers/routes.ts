import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { requirePrincipal } from '../auth/guard.js';
import { appendEvents } from '../events/append.js';
import { IdParams } from '../http/schemas.js';
import { badRequest, conflict } from '../http/problems.js';
import { CASE_READ, CASE_WRITE } from '../cases/auth.js';
import { CustomerProfile } from '../cases/schemas.js';
import { likeEscape, listCases } from '../cases/routes.js';
import { checkCustom, customerFieldRoutes } from './fields.js';
import { customerColumns, customerDto, insertCustomer, loadCustomer, type CustomerInput } from './store.js';

const tags = ['customers'];
const strict = { additionalProperties: false } as const;
const { name: _name, ...rest } = CustomerProfile;
const CreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...rest }, strict);
const PatchBody = Type.Object(CustomerProfile, { ...strict, minProperties: 1 });

/** Unique e-mail or external id taken: a 409 that says which. */
function duplicate(err: unknown): never {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e.code === '23505') {
    const which = (e.constraint ?? e.message ?? '').includes('external') ? 'externalId' : 'email';
    throw conflict(`Another customer has this ${which === 'email' ? 'e-mail' : 'external id'}`, { errors: [{ pointer: `/${which}`, message: 'already used', in: 'body' }] });
  }
  throw err;
}

/** CRM-light: customers with the default profile and custom fields; search; their cases. */
export async function customerRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  await customerFieldRoutes(app, s);

  r.get('/api/v1/customers', {
    config: { auth: CASE_READ },
    schema: {
      tags,
      summary: 'Search customers by name, first name, e-mail, phone or external id',
      querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })), cursor: Type.Optional(Type.String({ maxLength: 500 })) }, strict),
    },
  }, async (request) => {
    const limit = Math.min(Math.max(Number(request.query.limit ?? 50), 1), 200);
    let q = s.db.selectFrom('customers').selectAll().orderBy(sql`lower(name)`).orderBy('id').limit(limit + 1);
    const text = request.query.q?.trim().toLowerCase();
    if (text) {
      const like = `%${likeEscape(text)}%`;
      const cols = ['name', 'first_name', 'email', 'phone', 'external_id'] as const;
      q = q.where((eb) => eb.or(cols.map((c) => eb(eb.fn('lower', [c]), 'like', like))));
    }
    if (request.query.cursor) {
      const [name, id] = Buffer.from(request.query.cursor, 'base64url').toString('utf8').split('\n');
      if (name === undefined || !id) throw badRequest('cursor is not valid', [{ pointer: '/cursor', message: 'not a cursor from this API', in: 'querystring' }]);
      q = q.where(sql<boolean>`(lower(name), id) > (${name}, ${id})`);
    }
    const rows = await q.execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(customerDto), nextCursor: rows.length > limit && last ? Buffer.from(`${last.name.toLowerCase()}\n${last.id}`).toString('base64url') : null };
  });

  r.post('/api/v1/customers', {
    config: { auth: CASE_WRITE },
    schema: { tags, body: CreateBody },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    await checkCustom(s.db, request.body.custom);
    const c = await s.db
      .transaction()
      .execute(async (trx) => {
        const row = await insertCustomer(trx, request.body as CustomerInput & { name: string });
        await appendEvents(trx, [{ type: 'customer.created', actor: actorOf(p), data: { customerId: row.id } }]);
        return row;
      })
      .catch(duplicate);
    return reply.code(201).send(customerDto(c));
  });

  r.get('/api/v1/customers/:id', {
    config: { auth: CASE_READ },
    schema: { tags, params: IdParams },
  }, async (request) => customerDto(await loadCustomer(s.db, request.params.id)));

  r.patch('/api/v1/customers/:id', {
    config: { auth: CASE_WRITE },
    schema: { tags, summary: 'Change profile fields (null clears; custom is replaced whole)', params: IdParams, body: PatchBody },
  }, async (request) => {
    const p = requirePrincipal(request);
    const before = await loadCustomer(s.db, request.params.id);
    const body = request.body as CustomerInput;
    await checkCustom(s.db, body.custom);
    const c = await s.db
      .transaction()
      .execute(async (trx) => {
        const row = await trx
          .updateTable('customers')
          .set({ ...customerColumns(body), updated_at: new Date(), version: sql`version + 1` })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendEvents(trx, [{ type: 'customer.updated', actor: actorOf(p), data: { customerId: row.id, changed: Object.keys(body) } }]);
        return row;
      })
      .catch(duplicate);
    return customerDto(c);
  });

  r.get('/api/v1/customers/:id/cases', {
    config: { auth: CASE_READ },
    schema: {
      tags,
      summary: "A customer's cases the caller may see, newest first",
      params: IdParams,
      querystring: Type.Object({ status: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), cursor: Type.Optional(Type.String({ maxLength: 500 })) }, strict),
    },
  }, async (request) => {
    const c = await loadCustomer(s.db, request.params.id);
    return listCases(s, request, { ...request.query, customerId: c.id });
  });
}
