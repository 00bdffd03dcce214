import { sql, type Kysely } from 'kysely';
import type { DB, QueueSettings, WorktypeSettings } from '../db/schema.js';
import type { RuleActions } from '@worklane/core';

// "What still uses it": the answers a refused delete (409) lists, one phrase per user.

const FINISHED = ['completed', 'canceled'];

async function worktypes(db: Kysely<DB>) {
  return (await db.selectFrom('worktypes').select(['id', 'settings']).orderBy('id').execute()) as { id: string; settings: WorktypeSettings }[];
}
async function rules(db: Kysely<DB>) {
  return (await db.selectFrom('rules').select(['id', 'actions']).orderBy('position').execute()) as { id: string; actions: RuleActions }[];
}
/** Case types' procedures name queues, worktypes and wrap-up codes (none before the cases migration). */
async function procedures(db: Kysely<DB>): Promise<{ id: string; steps: { id: string; queue: string; worktype: string; transitions: Record<string, unknown> }[] }[]> {
  const rows = await db.selectFrom('case_types').select(['id', 'settings']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, steps: (r.settings as { procedure?: { steps?: [] } | null }).procedure?.steps ?? [] }));
}

async function queues(db: Kysely<DB>) {
  return (await db.selectFrom('queues').select(['id', 'settings']).orderBy('id').execute()) as { id: string; settings: QueueSettings }[];
}

/** Tasks whose `column` is `id`: live ones, and (when `history`) finished ones that keep a reference. */
async function tasksWith(db: Kysely<DB>, column: 'queue_id' | 'worktype' | 'team_bin' | 'assignee_id' | 'target_agent_id', id: string, history: boolean): Promise<string[]> {
  const row = await db
    .selectFrom('tasks')
    .select([sql<number>`count(*) filter (where state not in ('completed', 'canceled'))`.as('live'), sql<number>`count(*)`.as('all')])
    .where(column, '=', id)
    .executeTakeFirstOrThrow();
  const live = Number(row.live);
  const done = Number(row.all) - live;
  return [...(live ? [`${live} live task(s)`] : []), ...(history && done ? [`${done} finished task(s) keep it in their history`] : [])];
}

export async function queueUses(db: Kysely<DB>, id: string): Promise<string[]> {
  const [wts, rs, qs, tasks, ps] = await Promise.all([worktypes(db), rules(db), queues(db), tasksWith(db, 'queue_id', id, true), procedures(db)]);
  return [
    ...tasks,
    ...ps.flatMap((p) => p.steps.filter((st) => st.queue === id).map((st) => `case type ${p.id} (step ${st.id})`)),
    ...wts.filter((w) => w.settings.defaultQueue === id).map((w) => `worktype ${w.id} (default queue)`),
    ...wts.filter((w) => w.settings.escalation?.queue === id).map((w) => `worktype ${w.id} (escalation)`),
    ...rs.filter((r) => r.actions.queue === id).map((r) => `rule ${r.id}`),
    ...qs.flatMap((q) => (q.settings.exceptions ?? []).filter((e) => e.moveToQueue === id).map((e) => `queue ${q.id} (exception ${e.id})`)),
  ];
}

export async function skillUses(db: Kysely<DB>, id: string): Promise<string[]> {
  const [wts, rs, live] = await Promise.all([
    worktypes(db),
    rules(db),
    db
      .selectFrom('tasks')
      .select(sql<number>`count(*)`.as('n'))
      .where('state', 'not in', FINISHED)
      .where(sql<boolean>`skills @> ${JSON.stringify([{ skill: id }])}::jsonb`)
      .executeTakeFirstOrThrow(),
  ]);
  return [
    ...(Number(live.n) ? [`${Number(live.n)} live task(s) require it`] : []),
    ...wts.filter((w) => w.settings.skills.some((s) => s.skill === id)).map((w) => `worktype ${w.id}`),
    ...rs.filter((r) => r.actions.skills?.some((s) => s.skill === id)).map((r) => `rule ${r.id}`),
  ];
}

export async function teamUses(db: Kysely<DB>, id: string): Promise<string[]> {
  const [members, qs, bin] = await Promise.all([
    db.selectFrom('queue_members').select('queue_id').where('member_type', '=', 'team').where('member_id', '=', id).orderBy('queue_id').execute(),
    queues(db),
    tasksWith(db, 'team_bin', id, false),
  ]);
  return [
    ...bin.map((t) => `${t} in its workbin`),
    ...members.map((m) => `queue ${m.queue_id} (member)`),
    ...qs.flatMap((q) => (q.settings.exceptions ?? []).filter((e) => e.moveToTeamBin === id).map((e) => `queue ${q.id} (exception ${e.id})`)),
  ];
}

export async function wrapUpCodeUses(db: Kysely<DB>, code: string): Promise<string[]> {
  const [wts, ps] = await Promise.all([worktypes(db), procedures(db)]);
  return [
    ...wts.filter((w) => w.settings.wrapUpCodes.includes(code)).map((w) => `worktype ${w.id}`),
    ...ps.flatMap((p) => p.steps.filter((st) => code in st.transitions).map((st) => `case type ${p.id} (step ${st.id})`)),
  ];
}

export async function worktypeUses(db: Kysely<DB>, id: string): Promise<string[]> {
  const [tasks, ps] = await Promise.all([tasksWith(db, 'worktype', id, true), procedures(db)]);
  return [...tasks, ...ps.flatMap((p) => p.steps.filter((st) => st.worktype === id).map((st) => `case type ${p.id} (step ${st.id})`))];
}

/** People are referred to by their work and offers; such a user is disabled rather than deleted. */
export async function userUses(db: Kysely<DB>, id: string): Promise<string[]> {
  const [assigned, targeted, offers] = await Promise.all([
    tasksWith(db, 'assignee_id', id, true),
    tasksWith(db, 'target_agent_id', id, true),
    db.selectFrom('offers').select(sql<number>`count(*)`.as('n')).where('agent_id', '=', id).executeTakeFirstOrThrow(),
  ]);
  const uses = [...assigned, ...targeted.map((t) => `${t} routed to them personally`), ...(Number(offers.n) ? [`${Number(offers.n)} offer(s) in history`] : [])];
  return uses.length ? [...uses, 'disable the user instead (PATCH disabled: true)'] : [];
}
