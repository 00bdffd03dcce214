import { sql, type Transaction } from 'kysely';
import { json, type DB } from '../db/schema.js';
import { caseTypeSettings, type CaseTypeItem } from './settings.js';

/** Upserts a case type (import and the configuration API store the same thing). */
export async function writeCaseType(trx: Transaction<DB>, c: CaseTypeItem): Promise<void> {
  const settings = json(caseTypeSettings(c));
  await trx
    .insertInto('case_types')
    .values({ id: c.id, name: c.name, settings, updated_at: new Date() })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: c.name, settings, updated_at: sql`now()` }))
    .execute();
}
