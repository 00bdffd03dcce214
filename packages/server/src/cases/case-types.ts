import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Collection } from '../admin/crud.js';
import { refuse } from '../admin/change.js';
import { CaseTypeItem, caseTypeItem, checkCaseType, type CaseTypeKnown, type CaseTypeSettings } from './settings.js';
import { writeCaseType } from './write.js';

const rows = (db: Kysely<DB>) => db.selectFrom('case_types').select(['id', 'name', 'settings']).orderBy('id');
const dto = (c: { id: string; name: string; settings: CaseTypeSettings }) => caseTypeItem(c.id, c.name, c.settings);

/** Calendars, when their table exists (checked first: a failed query would abort the transaction). */
async function calendarIds(db: Kysely<DB>): Promise<Set<string> | undefined> {
  const t = await sql<{ t: string | null }>`select to_regclass('calendars')::text as t`.execute(db);
  if (!t.rows[0]?.t) return undefined;
  return new Set((await sql<{ id: string }>`select id from calendars`.execute(db)).rows.map((r) => r.id));
}

/** What a case type may refer to, read inside the change's transaction. */
export async function loadCaseTypeKnown(db: Kysely<DB>): Promise<CaseTypeKnown> {
  const [queues, worktypes, codes, calendars] = await Promise.all([
    db.selectFrom('queues').select('id').execute(),
    db.selectFrom('worktypes').select(['id', 'settings']).execute(),
    db.selectFrom('wrap_up_codes').select('code').execute(),
    calendarIds(db),
  ]);
  return {
    queues: new Set(queues.map((q) => q.id)),
    worktypes: new Map(worktypes.map((w) => [w.id, w.settings.wrapUpCodes])),
    wrapUpCodes: new Set(codes.map((c) => c.code)),
    ...(calendars ? { calendars } : {}),
  };
}

/** /case-types: forms, procedures, SLAs; validated on save with where and why; live without a restart. */
export const caseTypes: Collection<CaseTypeItem, CaseTypeItem> = {
  kind: 'case-type',
  path: '/api/v1/case-types',
  key: 'id',
  schema: CaseTypeItem,
  // Agents build the create-case form from it; source systems read it to post valid cases.
  read: { roles: 'any', scopes: ['cases:read', 'cases:write', 'config:read'] },
  list: async (db) => (await rows(db).execute()).map(dto),
  get: async (db, id) => {
    const c = await rows(db).where('id', '=', id).executeTakeFirst();
    return c && dto(c);
  },
  // The procedure needs worktypes' codes and calendars, which DbKnown lacks: checked in save, same transaction.
  check: () => [],
  save: async (trx, item) => {
    refuse(checkCaseType(item, await loadCaseTypeKnown(trx)));
    await writeCaseType(trx, item);
    return item.id;
  },
  usedBy: async (trx, id) => {
    const row = await trx.selectFrom('cases').select(sql<number>`count(*)`.as('n')).where('case_type', '=', id).executeTakeFirstOrThrow();
    return Number(row.n) ? [`${Number(row.n)} case(s)`] : [];
  },
  remove: async (trx, id) => void (await trx.deleteFrom('case_types').where('id', '=', id).execute()),
};
