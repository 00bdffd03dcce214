import type { Kysely, Selectable, Transaction } from 'kysely';
import { json, type CustomersTable, type DB } from '../db/schema.js';
import { notFound } from '../http/problems.js';
import { newId } from '../db/ids.js';

export type CustomerRow = Selectable<CustomersTable>;

/** The default profile (CRM-light) plus admin-defined custom fields. */
export interface CustomerInput {
  name?: string;
  firstName?: string | null;
  email?: string | null;
  phone?: string | null;
  segment?: string | null;
  externalId?: string | null;
  addresses?: Record<string, unknown>[];
  notes?: string | null;
  custom?: Record<string, unknown>;
}

export function customerDto(c: CustomerRow) {
  return {
    id: c.id,
    name: c.name,
    firstName: c.first_name,
    email: c.email,
    phone: c.phone,
    segment: c.segment,
    externalId: c.external_id,
    addresses: c.addresses,
    notes: c.notes,
    custom: c.custom,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    version: c.version,
  };
}

export async function loadCustomer(db: Kysely<DB>, id: string): Promise<CustomerRow> {
  const c = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound(`Customer ${id}`);
  return c;
}

export const findByEmail = (db: Kysely<DB>, email: string) =>
  db.selectFrom('customers').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase())).executeTakeFirst();

/** Column values of a profile (only the fields given). */
export function customerColumns(c: CustomerInput) {
  return {
    ...(c.name !== undefined ? { name: c.name.trim() } : {}),
    ...(c.firstName !== undefined ? { first_name: c.firstName?.trim() || null } : {}),
    ...(c.email !== undefined ? { email: c.email?.trim().toLowerCase() || null } : {}),
    ...(c.phone !== undefined ? { phone: c.phone?.trim() || null } : {}),
    ...(c.segment !== undefined ? { segment: c.segment || null } : {}),
    ...(c.externalId !== undefined ? { external_id: c.externalId || null } : {}),
    ...(c.addresses !== undefined ? { addresses: json(c.addresses) } : {}),
    ...(c.notes !== undefined ? { notes: c.notes } : {}),
    ...(c.custom !== undefined ? { custom: json(c.custom) } : {}),
  };
}

export async function insertCustomer(trx: Transaction<DB> | Kysely<DB>, c: CustomerInput & { name: string }): Promise<CustomerRow> {
  return trx
    .insertInto('customers')
    .values({ id: newId(), addresses: json([]), custom: json({}), version: 0, updated_at: new Date(), ...customerColumns(c), name: c.name.trim() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The customer with this e-mail, or a new one (a form can create or link the customer). An
 * existing profile is linked, never changed: a public form must not rewrite someone's details.
 * Two submissions racing on one new e-mail: the unique index decides, the loser links.
 */
export async function linkOrCreateByEmail(trx: Transaction<DB>, c: CustomerInput & { email: string }): Promise<{ customer: CustomerRow; created: boolean }> {
  const found = await findByEmail(trx, c.email);
  if (found) return { customer: found, created: false };
  const name = c.name?.trim() || c.email.split('@')[0]!;
  const inserted = await trx
    .insertInto('customers')
    .values({ id: newId(), addresses: json([]), custom: json({}), version: 0, updated_at: new Date(), ...customerColumns(c), name })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { customer: inserted, created: true };
  return { customer: (await findByEmail(trx, c.email))!, created: false };
}
