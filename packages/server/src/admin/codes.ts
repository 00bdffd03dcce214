import type { Static } from 'typebox';
import { CodeItem } from '../config/document.js';
import { writeCode } from '../config/write.js';
import type { Collection } from './crud.js';
import { wrapUpCodeUses } from './usage.js';

type Code = Static<typeof CodeItem>;

function codes(table: 'wrap_up_codes' | 'presence_reasons', kind: string, path: string, usedBy: Collection<Code, Code>['usedBy']): Collection<Code, Code> {
  return {
    kind,
    path,
    key: 'code',
    schema: CodeItem,
    list: (db) => db.selectFrom(table).selectAll().orderBy('code').execute(),
    get: (db, code) => db.selectFrom(table).selectAll().where('code', '=', code).executeTakeFirst(),
    check: () => [],
    save: async (trx, item) => (await writeCode(trx, table, item), item.code),
    usedBy,
    remove: async (trx, code) => void (await trx.deleteFrom(table).where('code', '=', code).execute()),
  };
}

export const wrapUpCodes = codes('wrap_up_codes', 'wrap-up-code', '/api/v1/wrap-up-codes', wrapUpCodeUses);

/** The dispatcher sets "rona" when an offer times out: it must stay. */
export const presenceReasons = codes('presence_reasons', 'presence-reason', '/api/v1/presence-reasons', async (_trx, code) =>
  code === 'rona' ? ['the router sets it when an offer times out (RONA)'] : [],
);
