import type { Kysely, Selectable } from 'kysely';
import type { DB, WorktypesTable } from '../db/schema.js';
import { WorktypeItem } from '../config/document.js';
import { checkWorktype } from '../config/checks.js';
import { writeWorktype } from '../config/write.js';
import type { Collection } from './crud.js';
import { worktypeUses } from './usage.js';

const rows = (db: Kysely<DB>) => db.selectFrom('worktypes').selectAll().orderBy('id');
const dto = (w: Selectable<WorktypesTable>) => ({ id: w.id, name: w.name, ...w.settings });
type Dto = ReturnType<typeof dto>;

export const worktypes: Collection<WorktypeItem, Dto> = {
  kind: 'worktype',
  path: '/api/v1/worktypes',
  key: 'id',
  schema: WorktypeItem,
  list: async (db) => (await rows(db).execute()).map(dto),
  get: async (db, id) => {
    const w = await rows(db).where('id', '=', id).executeTakeFirst();
    return w && dto(w);
  },
  check: (item, known) => checkWorktype(item, known),
  save: async (trx, item) => (await writeWorktype(trx, item), item.id),
  // Tasks keep their worktype for good (history, reports): one with tasks stays.
  usedBy: worktypeUses,
  remove: async (trx, id) => void (await trx.deleteFrom('worktypes').where('id', '=', id).execute()),
};
