import type { TextCategory } from '@worklane/core';
import type { Collection } from '../admin/crud.js';
import { checkTextCategory, listTextCategories, writeTextCategory } from './config.js';
import { TextCategoryItem } from './items.js';

/** GET/POST /text-categories, GET/PATCH/DELETE /text-categories/{id} (audit `config.text-category.*`). */
export const textCategories: Collection<TextCategoryItem, TextCategory> = {
  kind: 'text-category',
  path: '/api/v1/text-categories',
  key: 'id',
  schema: TextCategoryItem,
  // What conversations are read for is for those who analyse them, not for the agents read.
  read: { roles: ['supervisor', 'analyst'], scopes: ['config:read'] },
  list: listTextCategories,
  get: async (db, id) => (await listTextCategories(db)).find((c) => c.id === id),
  check: (item, known) => checkTextCategory(item, known),
  save: async (trx, item) => (await writeTextCategory(trx, item), item.id),
  remove: async (trx, id) => void (await trx.deleteFrom('text_categories').where('id', '=', id).execute()),
};
