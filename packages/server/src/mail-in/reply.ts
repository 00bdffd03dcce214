import { sql } from 'kysely';
import type { Services } from '../services.js';
import type { Principal } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { appendEvents } from '../events/append.js';
import { directMessage } from '../notifications/direct.js';
import { unprocessable } from '../http/problems.js';
import { loadForWork } from '../tasks/lifecycle.js';
import { isFinal, type TaskState } from '@worklane/core';

export interface MailReply {
  id: number;
  to: string;
  subject: string | null;
  body: string;
  state: string;
  attempts: number;
  lastError: string | null;
  at: string;
  sentAt: string | null;
}

/** "Re: " once, whatever the subject already says. */
export const replySubject = (title: string): string => (/^re:/i.test(title.trim()) ? title.trim() : `Re: ${title.trim()}`);

/**
 * The agent answers a task that came by e-mail, from Worklane: the message goes out as the
 * notifications do (the same SMTP, retries, attempt log, dead letters), to the address the task came
 * from, and the task's history says so (`task.replied`).
 */
export async function replyByMail(s: Services, p: Principal, taskId: string, body: string): Promise<MailReply> {
  const t = await loadForWork(s, p, taskId, 'reply to');
  const from = (t.attributes as Record<string, unknown> | null)?.from;
  if (t.source !== 'email' || typeof from !== 'string' || !from.includes('@')) throw unprocessable('/', 'this task did not come by e-mail: there is nobody to reply to');
  if (isFinal(t.state as TaskState)) throw unprocessable('/', `this task is ${t.state}`);
  const subject = replySubject(t.title);
  const row = await s.db.transaction().execute(async (trx) => {
    const n = await trx
      .insertInto('notifications')
      .values(directMessage({ channel: 'email', to: from, subject, body, eventType: 'task.replied', caseId: t.case_id }))
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [{ type: 'task.replied', actor: actorOf(p), taskId: t.id, userId: p.kind === 'user' ? p.id : null, data: { to: from, notificationId: String(n.id), excerpt: body.slice(0, 200) } }]);
    return n;
  });
  s.notifications.kick();
  return { id: Number(row.id), to: from, subject, body, state: 'pending', attempts: 0, lastError: null, at: new Date(row.created_at).toISOString(), sentAt: null };
}

/** The replies sent from Worklane for a task, oldest first, each with where its delivery stands. */
export async function repliesOf(s: Services, taskId: string): Promise<MailReply[]> {
  const { rows } = await sql<{ id: string; recipient: string; subject: string | null; body: string; state: string; attempts: number; last_error: string | null; created_at: Date; sent_at: Date | null }>`
    select n.id, n.recipient, n.subject, n.body, n.state, n.attempts, n.last_error, n.created_at, n.sent_at
    from events e join notifications n on n.id = (e.data->>'notificationId')::bigint
    where e.task_id = ${taskId} and e.type = 'task.replied' order by e.id`.execute(s.db);
  return rows.map((r) => ({
    id: Number(r.id), to: r.recipient, subject: r.subject, body: r.body, state: r.state, attempts: r.attempts, lastError: r.last_error,
    at: new Date(r.created_at).toISOString(), sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
  }));
}
