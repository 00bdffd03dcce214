import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { QueueItem } from '../config/document.js';
import { checkQueue } from '../config/checks.js';
import { writeQueue } from '../config/write.js';
import type { Collection } from './crud.js';
import { queueUses } from './usage.js';

/** Queues with their members (users by id, teams) and `allMembers`: everyone who is a member, directly or through a team. */
async function read(db: Kysely<DB>, id?: string) {
  let q = db.selectFrom('queues').selectAll().orderBy('id');
  let m = db.selectFrom('queue_members').selectAll().orderBy('member_id');
  if (id !== undefined) {
    q = q.where('id', '=', id);
    m = m.where('queue_id', '=', id);
  }
  const [queues, members, teamMembers] = await Promise.all([q.execute(), m.execute(), db.selectFrom('team_members').selectAll().execute()]);
  return queues.map((row) => {
    const mine = members.filter((x) => x.queue_id === row.id);
    const users = mine.filter((x) => x.member_type === 'user').map((x) => x.member_id);
    const teams = mine.filter((x) => x.member_type === 'team').map((x) => x.member_id);
    const all = new Set([...users, ...teamMembers.filter((t) => teams.includes(t.team_id)).map((t) => t.user_id)]);
    return { id: row.id, name: row.name, members: { users, teams }, allMembers: [...all].sort(), ...row.settings };
  });
}
type Dto = Awaited<ReturnType<typeof read>>[number];

export const queues: Collection<QueueItem, Dto> = {
  kind: 'queue',
  path: '/api/v1/queues',
  key: 'id',
  schema: QueueItem,
  readOnly: ['allMembers'],
  list: (db) => read(db),
  get: async (db, id) => (await read(db, id))[0],
  check: (item, known) => checkQueue(item, known),
  // No `members` (PATCH members: null) means none.
  save: async (trx, item, known) => (await writeQueue(trx, { ...item, members: item.members ?? {} }, (ref) => known.userId(ref)!), item.id),
  usedBy: queueUses,
  remove: async (trx, id) => void (await trx.deleteFrom('queues').where('id', '=', id).execute()),
};
