import type { Kysely, Transaction } from 'kysely';
import { checkCategory, type TextCategory } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import type { FieldError } from '../http/problems.js';
import type { TextCategoryItem } from './items.js';

export function checkTextCategory(c: TextCategoryItem, k: { queues: ReadonlySet<string> }, at = ''): FieldError[] {
  const out: FieldError[] = checkCategory(c, at);
  c.queues?.forEach((q, j) => !k.queues.has(q) && out.push({ pointer: `${at}/queues/${j}`, message: `unknown queue "${q}"` }));
  return out;
}

export async function writeTextCategory(trx: Transaction<DB>, c: TextCategoryItem): Promise<void> {
  const { id, name, ...settings } = c;
  const values = { name, settings: json(settings) };
  await trx.insertInto('text_categories').values({ id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

export const listTextCategories = async (db: Kysely<DB>): Promise<TextCategory[]> =>
  (await db.selectFrom('text_categories').selectAll().orderBy('id').execute()).map((r) => ({ id: r.id, name: r.name, ...r.settings }));
