import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB } from '../db/schema.js';
import { TeamItem, extend } from '../config/document.js';
import { checkTeamMembers } from '../config/checks.js';
import { writeNamed, writeTeamMembers } from '../config/write.js';
import type { Collection } from './crud.js';
import { teamUses } from './usage.js';

// In files membership is on users (`users[].teams`); here a team also lists its members.
const TeamWithMembers = extend(TeamItem, {
  members: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: 'user ids or e-mails' })),
});
type Team = Static<typeof TeamWithMembers>;

async function read(db: Kysely<DB>, id?: string) {
  let t = db.selectFrom('teams').selectAll().orderBy('id');
  let m = db.selectFrom('team_members').selectAll().orderBy('user_id');
  if (id !== undefined) {
    t = t.where('id', '=', id);
    m = m.where('team_id', '=', id);
  }
  const [teams, members] = await Promise.all([t.execute(), m.execute()]);
  return teams.map((x) => ({ id: x.id, name: x.name, members: members.filter((y) => y.team_id === x.id).map((y) => y.user_id) }));
}
type Dto = Awaited<ReturnType<typeof read>>[number];

export const teams: Collection<Team, Dto> = {
  kind: 'team',
  path: '/api/v1/teams',
  key: 'id',
  schema: TeamWithMembers,
  list: (db) => read(db),
  get: async (db, id) => (await read(db, id))[0],
  check: (item, known) => checkTeamMembers(item.members, known),
  save: async (trx, item, known) => {
    await writeNamed(trx, 'teams', { id: item.id, name: item.name });
    await writeTeamMembers(trx, item.id, [...new Set((item.members ?? []).map((ref) => known.userId(ref)!))]);
    return item.id;
  },
  usedBy: teamUses,
  remove: async (trx, id) => void (await trx.deleteFrom('teams').where('id', '=', id).execute()),
};
