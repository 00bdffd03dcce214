import { ResponseItem } from '../config/document.js';
import { checkResponse } from '../config/checks.js';
import { responseItem, writeResponse } from '../config/write.js';
import type { Collection } from './crud.js';

/** The standard-response library (chat/): text agents insert in a chat or an e-mail reply. */
export const responses: Collection<ResponseItem, ResponseItem> = {
  kind: 'response',
  path: '/api/v1/responses',
  key: 'id',
  schema: ResponseItem,
  list: async (db) => (await db.selectFrom('responses').selectAll().orderBy('id').execute()).map(responseItem),
  get: async (db, id) => {
    const r = await db.selectFrom('responses').selectAll().where('id', '=', id).executeTakeFirst();
    return r && responseItem(r);
  },
  check: (item, known) => checkResponse(item, known),
  save: async (trx, item) => (await writeResponse(trx, item), item.id),
  usedBy: async () => [],
  remove: async (trx, id) => void (await trx.deleteFrom('responses').where('id', '=', id).execute()),
};
