// What must hold in the database after a crash or an outage, read straight from PostgreSQL in one
// consistent snapshot (REPEATABLE READ), while the load goes on. Each check is a count of
// violations (0 = held) with a few examples for the report.
import type pg from 'pg';
import { withClient } from './rig.js';

export interface Violation {
  name: string;
  count: number;
  examples: string[];
}

async function count(c: pg.Client, name: string, text: string, values: unknown[] = []): Promise<Violation> {
  const r = await c.query(text, values);
  return { name, count: r.rowCount ?? r.rows.length, examples: r.rows.slice(0, 3).map((x) => JSON.stringify(x)) };
}

export interface Expectations {
  /** Task ids the API acknowledged (2xx) before the crash, by externalId. */
  captures: Map<string, { id: string }>;
  /** Case ids the API acknowledged (a copy: see `acknowledged` in crash.ts). */
  cases: readonly string[];
  /** Webhook ids and notification keys the receivers got. */
  webhooksReceived: ReadonlyMap<string, number>;
  messagesReceived: ReadonlyMap<string, number>;
  mailsReceived: ReadonlyMap<string, number>;
  /** Only events after this id are expected to have a webhook delivery (the subscription's creation). */
  webhookSince: number;
}

/** Invariants that hold at every instant (no grace needed). */
export async function stateChecks(url: string, x: Expectations): Promise<Violation[]> {
  return withClient(url, async (c) => {
    await c.query('begin isolation level repeatable read read only');
    try {
      const ext = [...x.captures.keys()];
      const ids = [...x.captures.values()].map((v) => v.id);
      const out: Violation[] = [];
      // Durability: every acknowledged capture and case is there, as answered.
      out.push(
        await count(
          c,
          'lost acknowledged captures',
          `select a.ext, a.id from unnest($1::text[], $2::text[]) as a(ext, id)
           left join tasks t on t.id = a.id where t.id is null or t.external_id is distinct from a.ext`,
          [ext, ids],
        ),
      );
      out.push(await count(c, 'lost acknowledged cases', `select a.id from unnest($1::text[]) as a(id) left join cases k on k.id = a.id where k.id is null`, [x.cases]));
      // Never two tasks for one externalId (idempotent capture across crashes and resends).
      out.push(await count(c, 'duplicate tasks per externalId', `select coalesce(source, ''), external_id, count(*) from tasks where external_id is not null group by 1, 2 having count(*) > 1`));
      // Never half-applied: a task with its creation event, a case with its event and first task.
      out.push(await count(c, 'tasks without task.created', `select t.id from tasks t where not exists (select 1 from events e where e.task_id = t.id and e.type = 'task.created')`));
      out.push(await count(c, 'cases without case.created', `select k.id from cases k where not exists (select 1 from events e where e.case_id = k.id and e.type = 'case.created')`));
      out.push(await count(c, 'cases without a procedure task', `select k.id from cases k where not exists (select 1 from case_tasks ct where ct.case_id = k.id)`));
      // One holder: at most one pending offer per task; offered ⇔ exactly one pending offer.
      out.push(await count(c, 'tasks with two pending offers', `select task_id, count(*) from offers where state = 'pending' group by task_id having count(*) > 1`));
      out.push(await count(c, 'offered tasks without their pending offer', `select t.id from tasks t where t.state = 'offered' and not exists (select 1 from offers o where o.task_id = t.id and o.state = 'pending')`));
      out.push(await count(c, 'pending offers of tasks not offered', `select o.id, t.state from offers o join tasks t on t.id = o.task_id where o.state = 'pending' and t.state <> 'offered'`));
      out.push(await count(c, 'held tasks without a holder', `select t.id, t.state from tasks t where t.state in ('assigned', 'wrap-up') and t.assignee_id is null`));
      // Capacity: what an agent holds (offered to them, assigned, wrap-up) per media type.
      out.push(
        await count(
          c,
          'agents over capacity',
          `with held as (
             select coalesce(t.assignee_id, o.agent_id) as agent, t.media_type as media, count(*) as n
             from tasks t left join offers o on o.task_id = t.id and o.state = 'pending'
             where t.state in ('offered', 'assigned', 'wrap-up') group by 1, 2)
           select h.agent, h.media, h.n, u.capacity from held h join users u on u.id = h.agent
           where h.n > coalesce((u.capacity ->> h.media)::int, 0)`,
        ),
      );
      // Timers never fire twice.
      out.push(await count(c, 'offers timed out twice (RONA events per offer > 1)', `select data ->> 'offerId', count(*) from events where type = 'task.rona' group by 1 having count(*) > 1`));
      out.push(
        await count(
          c,
          'RONA without a timed-out offer, or a timed-out offer without RONA',
          `select o.id, o.state, (select count(*) from events e where e.type = 'task.rona' and e.data ->> 'offerId' = o.id) as n from offers o
           where (o.state = 'timed-out') <> exists (select 1 from events e where e.type = 'task.rona' and e.data ->> 'offerId' = o.id)`,
        ),
      );
      out.push(await count(c, 'RONA before the offer expired', `select o.id, o.expires_at, e.at from offers o join events e on e.type = 'task.rona' and e.data ->> 'offerId' = o.id where e.at < o.expires_at - interval '50 milliseconds'`));
      out.push(
        await count(
          c,
          'wake-ups fired more often than rescheduled',
          `select task_id, count(*) filter (where type = 'task.woken') as woken, count(*) filter (where type = 'task.rescheduled') as rescheduled
           from events where type in ('task.woken', 'task.rescheduled') group by task_id
           having count(*) filter (where type = 'task.woken') > count(*) filter (where type = 'task.rescheduled')`,
        ),
      );
      for (const kind of ['sla.warning', 'sla.breached'])
        out.push(await count(c, `${kind} fired twice for a case`, `select case_id, count(*) from events where type = $1 group by case_id having count(*) > 1`, [kind]));
      for (const kind of ['ola.warning', 'ola.breached'])
        out.push(await count(c, `${kind} fired twice for a task`, `select task_id, count(*) from events where type = $1 group by task_id having count(*) > 1`, [kind]));
      out.push(await count(c, 'SLA warned without its event', `select a.case_id from sla_alarms a where a.kind = 'warning' and a.fired_at is not null and not exists (select 1 from events e where e.case_id = a.case_id and e.type = 'sla.warning')`));
      out.push(await count(c, 'SLA breached without its event', `select a.case_id from sla_alarms a where a.kind = 'breach' and a.fired_at is not null and not exists (select 1 from events e where e.case_id = a.case_id and e.type = 'sla.breached')`));
      // Outbox: a delivery per committed event; none dead; what is marked delivered was received.
      out.push(
        await count(
          c,
          'events without their webhook delivery',
          `select e.id, e.type from events e where e.id > $1 and split_part(e.type, '.', 1) in ('task', 'case', 'sla', 'ola')
           and not exists (select 1 from webhook_deliveries d where d.event_id = e.id)`,
          [x.webhookSince],
        ),
      );
      out.push(await count(c, 'webhook deliveries dead', `select id, last_error from webhook_deliveries where state = 'dead'`));
      const delivered = await c.query<{ message_id: string }>(`select message_id from webhook_deliveries where state = 'delivered'`);
      const notReceived = delivered.rows.filter((r) => !x.webhooksReceived.has(r.message_id));
      out.push({ name: 'webhooks marked delivered but never received', count: notReceived.length, examples: notReceived.slice(0, 3).map((r) => r.message_id) });
      out.push(await count(c, 'notification jobs failed for good', `select id, last_error from notification_jobs where state = 'failed'`));
      out.push(await count(c, 'notifications dead', `select id, channel, last_error from notifications where state = 'dead'`));
      const sent = await c.query<{ id: number; channel: string }>(`select id, channel from notifications where state = 'sent'`);
      const lostSent = sent.rows.filter((r) => (r.channel === 'email' ? !x.mailsReceived.has(`<wl-notification-${r.id}@worklane>`) : !x.messagesReceived.has(`wl-notification-${r.id}`)));
      out.push({ name: 'notifications marked sent but never received', count: lostSent.length, examples: lostSent.slice(0, 3).map((r) => `${r.channel} ${r.id}`) });
      return out;
    } finally {
      await c.query('rollback').catch(() => {});
    }
  });
}

/**
 * Timers that should have fired by now: due more than `graceMs` ago (and the server has been up
 * at least that long). Each must have fired (exactly once is checked by `stateChecks`).
 */
export async function timerChecks(url: string, graceMs: number): Promise<Violation[]> {
  return withClient(url, async (c) => {
    const g = `${graceMs} milliseconds`;
    return [
      await count(c, 'offers past their timeout still pending', `select id, expires_at from offers where state = 'pending' and expires_at < now() - $1::interval`, [g]),
      await count(c, 'scheduled tasks past their wake-up still asleep', `select id, wake_at from tasks where state = 'scheduled' and wake_at < now() - $1::interval`, [g]),
      await count(c, 'after-work past its end', `select user_id, after_work_until from presence where status = 'after-work' and after_work_until < now() - $1::interval`, [g]),
      await count(c, 'SLA warnings past due not fired', `select c.id, c.sla_warn_at, c.status from cases c join sla_alarms a on a.case_id = c.id and a.kind = 'warning' where c.status not in ('resolved', 'closed') and a.fired_at is null and c.sla_warn_at < now() - $1::interval`, [g]),
      await count(c, 'SLA breaches past due not fired', `select c.id, c.sla_due_at, c.status from cases c join sla_alarms a on a.case_id = c.id and a.kind = 'breach' where c.status not in ('resolved', 'closed') and a.fired_at is null and c.sla_due_at < now() - $1::interval`, [g]),
      await count(c, 'OLA warnings past due not fired', `select k.task_id, k.ola_warn_at, t.state from case_tasks k join tasks t on t.id = k.task_id join ola_alarms a on a.task_id = k.task_id and a.kind = 'warning' where k.finished_at is null and a.fired_at is null and k.ola_warn_at < now() - $1::interval`, [g]),
      await count(c, 'OLA breaches past due not fired', `select k.task_id, k.ola_due_at, t.state from case_tasks k join tasks t on t.id = k.task_id join ola_alarms a on a.task_id = k.task_id and a.kind = 'breach' where k.finished_at is null and a.fired_at is null and k.ola_due_at < now() - $1::interval`, [g]),
    ];
  });
}

/** Offers pending at a moment (e.g. the kill), with their deadlines. */
export async function pendingOffers(url: string): Promise<{ id: string; expires_at: Date }[]> {
  return withClient(url, async (c) => (await c.query<{ id: string; expires_at: Date }>(`select id, expires_at from offers where state = 'pending'`)).rows);
}

/** How each offer ended, and how many RONA events it got. */
export async function offerOutcomes(url: string, ids: string[]): Promise<{ id: string; state: string; rona: number }[]> {
  return withClient(url, async (c) =>
    (
      await c.query<{ id: string; state: string; rona: string }>(
        `select o.id, o.state, (select count(*) from events e where e.type = 'task.rona' and e.data ->> 'offerId' = o.id) as rona from offers o where o.id = any($1::text[])`,
        [ids],
      )
    ).rows.map((r) => ({ id: r.id, state: r.state, rona: Number(r.rona) })),
  );
}

/** Tasks this run rescheduled: how many woke (events), and which still sleep. */
export async function wakeOutcomes(url: string, ids: string[]): Promise<{ id: string; woken: number; state: string }[]> {
  return withClient(url, async (c) =>
    (
      await c.query<{ id: string; woken: string; state: string }>(
        `select t.id, t.state, (select count(*) from events e where e.task_id = t.id and e.type = 'task.woken') as woken from tasks t where t.id = any($1::text[])`,
        [ids],
      )
    ).rows.map((r) => ({ id: r.id, state: r.state, woken: Number(r.woken) })),
  );
}

/** Figures for the report: what the timers and outboxes did in this database. */
export async function figures(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const r = await c.query(`select
      (select count(*) from tasks) as tasks,
      (select count(*) from cases) as cases,
      (select count(*) from offers) as offers,
      (select count(*) from offers where state = 'accepted') as "offers accepted",
      (select count(*) from offers where state = 'timed-out') as "offers timed out (RONA)",
      (select count(*) from events where type = 'task.woken') as "scheduled tasks woken",
      (select count(*) from events where type = 'sla.warning') as "SLA warnings",
      (select count(*) from events where type = 'sla.breached') as "SLA breaches",
      (select count(*) from events where type = 'ola.warning') as "OLA warnings",
      (select count(*) from events where type = 'ola.breached') as "OLA breaches",
      (select coalesce(max(extract(epoch from e.at - o.expires_at) * 1000), 0)::int from offers o join events e on e.type = 'task.rona' and e.data ->> 'offerId' = o.id) as "latest RONA past its deadline (ms, down time incl.)",
      (select coalesce(max(extract(epoch from at - (data ->> 'dueAt')::timestamptz) * 1000), 0)::int from events where type in ('sla.breached', 'ola.breached') and data ->> 'dueAt' is not null) as "latest SLA/OLA breach past its deadline (ms, down time incl.)",
      (select count(*) from events) as events,
      (select count(*) from webhook_deliveries) as "webhook deliveries",
      (select count(*) from webhook_deliveries where state = 'delivered') as "webhooks delivered",
      (select count(*) from webhook_deliveries where state = 'pending') as "webhooks pending",
      (select count(*) from notifications) as notifications,
      (select count(*) from notifications where state = 'sent') as "notifications sent",
      (select count(*) from notifications where state in ('pending', 'failed')) as "notifications pending"`);
    return Object.fromEntries(Object.entries(r.rows[0] as Record<string, unknown>).map(([k, v]) => [k, Number(v)]));
  });
}

/** Outbox rows due now and not yet sent (what a drain waits for). */
export async function outboxDue(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const r = await c.query(`select
      (select count(*) from webhook_deliveries where state = 'pending' and next_attempt_at <= now()) +
      (select count(*) from notification_jobs where state = 'pending' and next_attempt_at <= now()) +
      (select count(*) from notifications where state in ('pending', 'failed') and next_attempt_at <= now()) as n`);
    return Number(r.rows[0].n);
  });
}

export async function webhooksPending(url: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query(`select count(*) as n from webhook_deliveries where state = 'pending'`)).rows[0].n));
}

export async function lastEventId(url: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query(`select coalesce(max(id), 0) as n from events`)).rows[0].n));
}
