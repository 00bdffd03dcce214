import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { validateFormDefinition, validateSubmission, type FormDefinition } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { ADMIN } from '../admin/auth.js';
import { change, refuse } from '../admin/change.js';
import { badRequest } from '../http/problems.js';
import { CASE_READ } from '../cases/auth.js';
import { FormFieldT } from '../cases/settings.js';

// Admin-defined custom fields of the customer profile: the same field definitions as case forms,
// kept in the settings table; customers' `custom` values are validated against them.
const KEY = 'customer-fields';
const EMPTY: FormDefinition = { fields: [] };
const FieldsT = Type.Object({ fields: Type.Array(FormFieldT, { maxItems: 50 }) }, { additionalProperties: false });

export async function readCustomerFields(db: Kysely<DB>): Promise<FormDefinition> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return (row?.value as FormDefinition | undefined) ?? EMPTY;
}

/** 400 naming every bad custom value (pointers under /custom); file fields are not used on profiles. */
export async function checkCustom(db: Kysely<DB>, custom: Record<string, unknown> | undefined): Promise<void> {
  if (custom === undefined) return;
  const def = await readCustomerFields(db);
  const errors = validateSubmission(def, custom).map((e) => ({ pointer: e.pointer.replace(/^\/fields\//, '/custom/'), message: e.message, in: 'body' as const }));
  if (errors.length) throw badRequest(errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
}

export async function customerFieldRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/v1/customer-fields', { config: { auth: CASE_READ }, schema: { tags: ['customers'], summary: 'Custom fields of the customer profile' } }, async () => readCustomerFields(s.db));
  r.put('/api/v1/customer-fields', {
    config: { auth: ADMIN },
    schema: { tags: ['customers'], summary: 'Replace the custom fields of the customer profile', body: FieldsT },
  }, async (request) => {
    const def = request.body as unknown as FormDefinition;
    const done = await change(s, request, 'customer-fields', async (trx) => {
      refuse(validateFormDefinition(def).concat(def.fields.filter((f) => f.type === 'file').map((f) => ({ pointer: `/fields/${def.fields.indexOf(f)}/type`, message: 'a profile has no files' }))));
      const before = await readCustomerFields(trx);
      await trx.insertInto('settings').values({ key: KEY, value: json(def) }).onConflict((oc) => oc.column('key').doUpdateSet({ value: json(def) })).execute();
      return { id: KEY, before, after: def };
    });
    return done.after;
  });
}
