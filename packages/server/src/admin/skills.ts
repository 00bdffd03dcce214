import type { Static } from 'typebox';
import { SkillItem } from '../config/document.js';
import { writeNamed } from '../config/write.js';
import type { Collection } from './crud.js';
import { skillUses } from './usage.js';

type Skill = Static<typeof SkillItem>;

export const skills: Collection<Skill, Skill> = {
  kind: 'skill',
  path: '/api/v1/skills',
  key: 'id',
  schema: SkillItem,
  list: (db) => db.selectFrom('skills').selectAll().orderBy('id').execute(),
  get: (db, id) => db.selectFrom('skills').selectAll().where('id', '=', id).executeTakeFirst(),
  check: () => [],
  save: async (trx, item) => (await writeNamed(trx, 'skills', item), item.id),
  // Agents' levels in it go with it (cascade); what requires it refuses the delete.
  usedBy: skillUses,
  remove: async (trx, id) => void (await trx.deleteFrom('skills').where('id', '=', id).execute()),
};
