import { sql, type Kysely } from 'kysely';
import { isFinal, notificationOf, type TaskState } from '@worklane/core';
import type { DB, TaskRow } from '../db/schema.js';
import type { Services } from '../services.js';
import { appendEvents } from '../events/append.js';

/**
 * The mail task a message continues, from the Message-IDs it answers: one of our replies (sent as
 * `<wl-notification-N@worklane>`, recorded by `task.replied`), or the mail a task was made from (its
 * externalId). An open one first, else the newest; none when it continues nothing of ours.
 */
export async function threadTask(db: Kysely<DB>, ids: readonly string[]): Promise<TaskRow | undefined> {
  if (!ids.length) return undefined;
  const ours = ids.map(notificationOf).filter((n): n is number => n !== null).map(String);
  const theirs = ids.filter((id) => notificationOf(id) === null);
  const found: TaskRow[] = [];
  if (ours.length) {
    const { rows } = await sql<TaskRow>`
      select t.* from events e join tasks t on t.id = e.task_id
      where e.type = 'task.replied' and (e.data->>'notificationId') in (${sql.join(ours)})`.execute(db);
    found.push(...rows);
  }
  if (theirs.length) found.push(...(await db.selectFrom('tasks').selectAll().where(sql<string>`coalesce(source, '')`, '=', 'email').where('external_id', 'in', theirs).execute()));
  const newest = (a: TaskRow, b: TaskRow) => +new Date(b.created_at) - +new Date(a.created_at);
  return found.filter((t) => !isFinal(t.state as TaskState)).sort(newest)[0] ?? found.sort(newest)[0];
}

export interface FollowUp {
  from: string | null;
  fromName: string | null;
  subject: string;
  text: string;
  inboundMailId: string;
}

/**
 * A message continuing an open mail task: kept in the task's history with its text
 * (`task.mail-received`), and whoever holds the task is told at once.
 */
export async function followUp(s: Services, t: TaskRow, m: FollowUp): Promise<void> {
  await appendEvents(s.db, [{ type: 'task.mail-received', actor: 'system:mail', taskId: t.id, userId: t.assignee_id, data: { from: m.from, fromName: m.fromName, subject: m.subject, text: m.text.slice(0, 20_000), inboundMailId: m.inboundMailId } }]);
  if (t.assignee_id) {
    s.hub.toUser(t.assignee_id, { type: 'task.mail', taskId: t.id });
    s.hub.toUser(t.assignee_id, { type: 'alert', level: 'info', message: `${m.fromName ?? m.from ?? 'The customer'} wrote again about "${t.title}"`, taskId: t.id });
  }
}

export interface ThreadMessage {
  direction: 'in' | 'out';
  at: string;
  from: string | null;
  to: string | null;
  subject: string | null;
  text: string;
  /** Out: where its delivery stands (the notification's state). */
  state: string | null;
}

/** A mail task's conversation after its first message: the customer's follow-ups and the replies sent, oldest first. */
export async function mailThread(db: Kysely<DB>, taskId: string): Promise<ThreadMessage[]> {
  const { rows } = await sql<{ type: string; at: Date; data: Record<string, unknown>; state: string | null; recipient: string | null; subject: string | null; body: string | null }>`
    select e.type, e.at, e.data, n.state, n.recipient, n.subject, n.body
    from events e left join notifications n on e.type = 'task.replied' and n.id = (e.data->>'notificationId')::bigint
    where e.task_id = ${taskId} and e.type in ('task.replied', 'task.mail-received') order by e.id`.execute(db);
  return rows.map((r) =>
    r.type === 'task.replied'
      ? { direction: 'out', at: new Date(r.at).toISOString(), from: null, to: r.recipient, subject: r.subject, text: r.body ?? '', state: r.state }
      : { direction: 'in', at: new Date(r.at).toISOString(), from: String(r.data.fromName ?? r.data.from ?? ''), to: null, subject: String(r.data.subject ?? ''), text: String(r.data.text ?? ''), state: null },
  );
}
