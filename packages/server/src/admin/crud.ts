import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely, Transaction } from 'kysely';
import { Type, type TObject, type TSchema } from 'typebox';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import type { RouteAuth } from '../auth/principal.js';
import { IdParams } from '../http/schemas.js';
import { Problem, badRequest, conflict, notFound, type FieldError } from '../http/problems.js';
import { validateAgainst } from '../config/ajv.js';
import { ADMIN, CONFIG_READ } from './auth.js';
import { change, refuse } from './change.js';
import type { DbKnown } from './known.js';

type Trx = Transaction<DB>;

/** One configuration collection: GET list, POST, GET/PATCH/DELETE {id}, all alike. */
export interface Collection<Item, Dto, Prep = undefined> {
  /** Audit kind (`config.<kind>.*`) and the noun in messages. */
  kind: string;
  path: string;
  /** The item field that is its path id; none when the server makes the id (users). */
  key?: 'id' | 'code';
  /** The item: the POST body, and what an item must still be after a PATCH. */
  schema: TObject;
  /** Answer fields that are not item fields (dropped before a PATCH is applied). */
  readOnly?: readonly string[];
  read?: RouteAuth;
  list(db: Kysely<DB>): Promise<Dto[]>;
  get(db: Kysely<DB>, id: string): Promise<Dto | undefined>;
  /** Cross-reference checks (422), pointers relative to the item. */
  check(item: Item, known: DbKnown): FieldError[];
  /** Slow work (password hashing) done before the transaction, from the request body. */
  prepare?(body: Record<string, unknown>): Promise<Prep>;
  /** More for the audit event, from the request body (e.g. that a password was changed). */
  audit?(body: Record<string, unknown>): Record<string, unknown> | undefined;
  /** Writes the item (`id` undefined: create); returns its id. */
  save(trx: Trx, item: Item, known: DbKnown, id: string | undefined, prep: Prep | undefined): Promise<string>;
  /** What still uses the item: a non-empty answer refuses the delete with 409. */
  usedBy?(trx: Trx, id: string): Promise<string[]>;
  remove(trx: Trx, id: string): Promise<void>;
}

export const ListQuery = Type.Object(
  { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: '1..1000, default 500' })), cursor: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);

/** Configuration lists are small and read whole; the cursor is an opaque offset. */
export function page<T>(items: T[], q: { limit?: string; cursor?: string }): { items: T[]; nextCursor: string | null } {
  const limit = Math.min(Math.max(Number(q.limit ?? 500), 1), 1000);
  let start = 0;
  if (q.cursor) {
    const m = /^o(\d{1,9})$/.exec(Buffer.from(q.cursor, 'base64url').toString('utf8'));
    if (!m) throw badRequest('cursor is not valid', [{ pointer: '/cursor', message: 'not a cursor from this API', in: 'querystring' }]);
    start = Number(m[1]);
  }
  const end = start + limit;
  return { items: items.slice(start, end), nextCursor: end < items.length ? Buffer.from(`o${end}`).toString('base64url') : null };
}

/** PATCH body: any item field but the key; `null` clears an optional field; nested values are replaced whole. */
export function patchSchema(item: TObject, key?: string): TObject {
  const required = new Set((item as { required?: string[] }).required ?? []);
  const props: Record<string, TSchema> = {};
  for (const [k, v] of Object.entries(item.properties as Record<string, TSchema>)) {
    if (k !== key) props[k] = Type.Optional(required.has(k) ? v : nullable(v));
  }
  return Type.Object(props, { additionalProperties: false });
}

/** `v` or null, as one type list where possible (one error for a bad value, not one per alternative). */
function nullable(v: TSchema): TSchema {
  const s = v as { type?: unknown; enum?: unknown[] };
  if (typeof s.type !== 'string') return Type.Union([v, Type.Null()]);
  return Type.Unsafe({ ...v, type: [s.type, 'null'], ...(s.enum ? { enum: [...s.enum, null] } : {}) });
}

/** The stored item as the base of a PATCH: no read-only fields, no nulls. */
function itemOf(dto: object, readOnly: readonly string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(dto).filter(([k, v]) => v !== null && v !== undefined && !readOnly.includes(k)));
}

function applyPatch(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

export function registerCollection<Item, Dto extends object, Prep = undefined>(app: FastifyInstance, s: Services, c: Collection<Item, Dto, Prep>): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['config'];
  const one = `${c.path}/:id`;
  const missing = (id: string) => notFound(`${c.kind} "${id}"`);

  // Some lists predate this API elsewhere (GET /presence-reasons, for every signed-in user): keep theirs.
  if (!app.hasRoute({ method: 'GET', url: c.path }))
    r.get(c.path, { config: { auth: c.read ?? CONFIG_READ }, schema: { tags, summary: `List ${c.kind}s`, querystring: ListQuery } }, async (request) =>
      page(await c.list(s.db), request.query),
    );

  r.get(one, { config: { auth: c.read ?? CONFIG_READ }, schema: { tags, summary: `One ${c.kind}`, params: IdParams } }, async (request) => {
    const dto = await c.get(s.db, request.params.id);
    if (!dto) throw missing(request.params.id);
    return dto;
  });

  r.post(c.path, { config: { auth: ADMIN }, schema: { tags, summary: `Create a ${c.kind}`, body: c.schema } }, async (request, reply) => {
    const item = request.body as Item & Record<string, unknown>;
    const prep = await c.prepare?.(item);
    const done = await change<Dto>(s, request, c.kind, async (trx, known) => {
      const key = c.key && String(item[c.key]);
      if (c.key && key && (await c.get(trx, key)))
        throw new Problem(409, 'Conflict', `A ${c.kind} "${key}" exists already`, [{ pointer: `/${c.key}`, message: 'already used', in: 'body' }]);
      refuse(c.check(item, known));
      const id = await c.save(trx, item, known, undefined, prep);
      return { id, before: null, after: (await c.get(trx, id))!, extra: c.audit?.(item) };
    });
    return reply.code(201).send(done.after);
  });

  r.patch(one, { config: { auth: ADMIN }, schema: { tags, summary: `Change a ${c.kind} (fields given replace the stored ones; null clears)`, params: IdParams, body: patchSchema(c.schema, c.key) } }, async (request) => {
    const patch = request.body as Record<string, unknown>;
    const prep = await c.prepare?.(patch);
    const done = await change<Dto>(s, request, c.kind, async (trx, known) => {
      const id = request.params.id;
      const before = await c.get(trx, id);
      if (!before) throw missing(id);
      const item = applyPatch(itemOf(before, c.readOnly), patch);
      const shape = validateAgainst(c.schema, item);
      if (shape.length) throw badRequest(shape.map((e) => `${e.pointer}: ${e.message}`).join('; '), shape.map((e) => ({ ...e, in: 'body' })));
      refuse(c.check(item as Item, known));
      await c.save(trx, item as Item, known, id, prep);
      return { id, before, after: (await c.get(trx, id))!, extra: c.audit?.(patch) };
    });
    return done.after;
  });

  r.delete(one, { config: { auth: ADMIN }, schema: { tags, summary: `Delete a ${c.kind} (409 while something uses it)`, params: IdParams } }, async (request, reply) => {
    await change<Dto>(s, request, c.kind, async (trx) => {
      const id = request.params.id;
      const before = await c.get(trx, id);
      if (!before) throw missing(id);
      const uses = (await c.usedBy?.(trx, id)) ?? [];
      if (uses.length) throw conflict(`The ${c.kind} "${id}" is in use: ${uses.join('; ')}`, { usedBy: uses });
      await c.remove(trx, id);
      return { id, before, after: null };
    });
    return reply.code(204).send();
  });
}
