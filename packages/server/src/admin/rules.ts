import type { Kysely, Selectable } from 'kysely';
import type { DB, RulesTable } from '../db/schema.js';
import { RuleItem } from '../config/document.js';
import { checkRule } from '../config/checks.js';
import { writeRule } from '../config/write.js';
import type { Collection } from './crud.js';

const rows = (db: Kysely<DB>) => db.selectFrom('rules').selectAll().orderBy('position').orderBy('id');
export const ruleDto = (r: Selectable<RulesTable>) => ({ id: r.id, name: r.name, when: r.when_expr, set: r.actions as RuleItem['set'], position: r.position, enabled: r.enabled });
type Dto = ReturnType<typeof ruleDto>;

/** Classification rules, in evaluation order (`position`, then id); later matches override earlier ones. */
export const rules: Collection<RuleItem, Dto> = {
  kind: 'rule',
  path: '/api/v1/rules',
  key: 'id',
  schema: RuleItem,
  list: async (db) => (await rows(db).execute()).map(ruleDto),
  get: async (db, id) => {
    const r = await rows(db).where('id', '=', id).executeTakeFirst();
    return r && ruleDto(r);
  },
  check: (item, known) => checkRule(item, known),
  save: async (trx, item, _known, id) => {
    // A new rule without a position goes last.
    const last = id ? undefined : await trx.selectFrom('rules').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
    await writeRule(trx, item, Number(last?.p ?? 0) + 10);
    return item.id;
  },
  remove: async (trx, id) => void (await trx.deleteFrom('rules').where('id', '=', id).execute()),
};
