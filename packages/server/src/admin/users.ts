import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { hashPassword } from '../auth/crypto.js';
import { Problem, conflict } from '../http/problems.js';
import { UserItem } from '../config/document.js';
import { checkUser } from '../config/checks.js';
import { writeUser } from '../config/write.js';
import type { Collection } from './crud.js';
import { PEOPLE_READ } from './auth.js';
import { userUses } from './usage.js';

/** Users as the API shows them: never a password or its hash. */
async function read(db: Kysely<DB>, id?: string) {
  let u = db.selectFrom('users').select(['id', 'email', 'name', 'roles', 'capacity', 'disabled', 'created_at', 'sso_subject']).orderBy('email');
  let k = db.selectFrom('user_skills').selectAll().orderBy('skill_id');
  let t = db.selectFrom('team_members').selectAll().orderBy('team_id');
  if (id !== undefined) {
    u = u.where('id', '=', id);
    k = k.where('user_id', '=', id);
    t = t.where('user_id', '=', id);
  }
  const [users, skills, teams] = await Promise.all([u.execute(), k.execute(), t.execute()]);
  return users.map((x) => ({
    id: x.id,
    email: x.email,
    name: x.name,
    roles: x.roles,
    skills: Object.fromEntries(skills.filter((s) => s.user_id === x.id).map((s) => [s.skill_id, s.level])),
    capacity: x.capacity,
    teams: teams.filter((m) => m.user_id === x.id).map((m) => m.team_id),
    disabled: x.disabled,
    /** Signed in through single sign-on at least once (linked to that identity). */
    ssoLinked: x.sso_subject !== null,
    createdAt: x.created_at.toISOString(),
  }));
}
type Dto = Awaited<ReturnType<typeof read>>[number];

/** Refuses to leave the system without an enabled administrator. */
async function keepAnAdmin(trx: Transaction<DB>, id: string, staysAdmin: boolean): Promise<void> {
  if (staysAdmin) return;
  const isAdmin = sql<boolean>`'admin' = any(roles)`;
  const self = await trx.selectFrom('users').select('id').where('id', '=', id).where('disabled', '=', false).where(isAdmin).executeTakeFirst();
  if (!self) return;
  const other = await trx.selectFrom('users').select('id').where('id', '!=', id).where('disabled', '=', false).where(isAdmin).limit(1).executeTakeFirst();
  if (!other) throw conflict('This is the last enabled administrator; make someone else an administrator first');
}

export const users: Collection<UserItem, Dto, { hash?: string }> = {
  kind: 'user',
  path: '/api/v1/users',
  schema: UserItem,
  readOnly: ['id', 'createdAt', 'ssoLinked'],
  read: PEOPLE_READ,
  list: (db) => read(db),
  get: async (db, id) => (await read(db, id))[0],
  check: (item, known) => checkUser(item, known),
  // argon2 is slow on purpose: hash before the transaction.
  prepare: async (body) => (typeof body.password === 'string' ? { hash: await hashPassword(body.password) } : {}),
  audit: (body) => (body.password ? { passwordChanged: true } : undefined),
  save: async (trx, item, _known, id, prep) => {
    const email = item.email.toLowerCase();
    const other = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (other && other.id !== id) throw new Problem(409, 'Conflict', `A user with the e-mail ${email} exists already`, [{ pointer: '/email', message: 'already used', in: 'body' }]);
    if (id) await keepAnAdmin(trx, id, item.roles.includes('admin') && !item.disabled);
    const saved = await writeUser(trx, { ...item, skills: item.skills ?? {}, teams: item.teams ?? [] }, id, prep?.hash);
    // A new password (a reset) ends the sessions signed in with the old one.
    if (id && prep?.hash) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    return saved;
  },
  usedBy: userUses,
  remove: async (trx, id) => {
    await keepAnAdmin(trx, id, false);
    await trx.deleteFrom('queue_members').where('member_type', '=', 'user').where('member_id', '=', id).execute();
    await trx.deleteFrom('users').where('id', '=', id).execute();
  },
};
