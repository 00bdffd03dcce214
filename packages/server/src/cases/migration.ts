import { sql, type Kysely } from 'kysely';

// One statement per query: the embedded driver takes one at a time.
const STATEMENTS = [
  `create sequence case_numbers`,
  // Human case numbers: C-000123 (more digits once past a million).
  `create function worklane_case_number() returns text language sql as $$
     select 'C-' || case when n < 1000000 then lpad(n::text, 6, '0') else n::text end from (select nextval('case_numbers') as n) s
   $$`,
  `create table case_types (
     id text primary key, name text not null, settings jsonb not null,
     created_at timestamptz not null default now(), updated_at timestamptz not null default now())`,
  `create table customers (
     id text primary key, name text not null, first_name text, email text, phone text, segment text, external_id text,
     addresses jsonb not null default '[]', notes text, custom jsonb not null default '{}',
     created_at timestamptz not null default now(), updated_at timestamptz not null default now(), version int not null default 0)`,
  `create unique index customers_email on customers (lower(email)) where email is not null`,
  `create unique index customers_external_id on customers (external_id) where external_id is not null`,
  `create index customers_name on customers (lower(name), id)`,
  // sla_policy / ola_policy: a supervisor's override (null: the case type's). Due and warning times
  // are derived (null while paused) and recomputed when the policy, the calendar or the pauses change.
  `create table cases (
     id text primary key, number text not null unique default worklane_case_number(),
     case_type text not null references case_types(id), status text not null,
     customer_id text references customers(id), title text not null, description text,
     fields jsonb not null default '{}', source text not null, created_by text,
     current_step text, resolution text, escalation_level int not null default 0,
     sla_policy jsonb, sla_started_at timestamptz not null, sla_paused jsonb not null default '[]',
     sla_due_at timestamptz, sla_warn_at timestamptz, sla_warned_at timestamptz, sla_breached_at timestamptz,
     created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
     resolved_at timestamptz, closed_at timestamptz, version int not null default 0)`,
  `create index cases_created on cases (created_at, id)`,
  `create index cases_status on cases (status, created_at)`,
  `create index cases_type on cases (case_type, created_at)`,
  `create index cases_customer on cases (customer_id, created_at) where customer_id is not null`,
  `create index cases_sla_warn on cases (sla_warn_at) where sla_warned_at is null and sla_warn_at is not null`,
  `create index cases_sla_due on cases (sla_due_at) where sla_breached_at is null and sla_due_at is not null`,
  // One row per task a case's procedure created: the step, its OLA clock, who finished it and how.
  `create table case_tasks (
     task_id text primary key references tasks(id), case_id text not null references cases(id),
     step text not null, seq int not null, kind text not null,
     ola_policy jsonb, ola_started_at timestamptz not null, ola_paused jsonb not null default '[]',
     ola_due_at timestamptz, ola_warn_at timestamptz, ola_warned_at timestamptz, ola_breached_at timestamptz,
     ola_escalated_at timestamptz, agent_id text, outcome text, finished_at timestamptz,
     created_at timestamptz not null default now(), unique (case_id, seq))`,
  `create index case_tasks_live on case_tasks (case_id) where finished_at is null`,
  `create index case_tasks_ola_warn on case_tasks (ola_warn_at) where ola_warned_at is null and ola_warn_at is not null and finished_at is null`,
  `create index case_tasks_ola_due on case_tasks (ola_due_at) where ola_breached_at is null and ola_due_at is not null and finished_at is null`,
  `create index case_tasks_ola_overdue on case_tasks (task_id) where ola_breached_at is not null and ola_escalated_at is null and finished_at is null`,
  `create table case_comments (
     id text primary key, case_id text not null references cases(id), author text, author_name text,
     body text not null, visibility text not null default 'internal', created_at timestamptz not null default now())`,
  `create index case_comments_case on case_comments (case_id, created_at)`,
  `create table attachments (
     id text primary key, case_id text not null references cases(id), field text, name text not null,
     content_type text not null, size int not null, sha256 text not null, path text not null,
     uploaded_by text, created_at timestamptz not null default now())`,
  `create index attachments_case on attachments (case_id, created_at)`,
  `create index tasks_case on tasks (case_id) where case_id is not null`,
  // Case events carry data.caseId; the column is derived from it, so no writer can forget it and
  // a case's timeline is one indexed query.
  `alter table events add column case_id text generated always as (data->>'caseId') stored`,
  `create index events_case on events (case_id, id) where case_id is not null`,
  // Every path that gives a case's task to an agent (accept, auto-answer, claim, supervisor assign)
  // appends task.assigned in its transaction: the case follows there (in progress, case.assigned),
  // and goes back to open when the task returns to a queue.
  `create function worklane_case_follows_task() returns trigger language plpgsql as $$
   declare c record;
   begin
     select k.id, k.status into c from tasks t join cases k on k.id = t.case_id where t.id = new.task_id;
     if c.id is null or c.status in ('resolved', 'closed') then
       return null;
     end if;
     if new.type = 'task.assigned' then
       if c.status in ('open', 'reopened') then
         update cases set status = 'in-progress', updated_at = now(), version = version + 1 where id = c.id;
       end if;
       insert into events (type, at, actor, task_id, user_id, data)
       values ('case.assigned', new.at, new.actor, new.task_id, new.user_id,
               jsonb_build_object('caseId', c.id, 'taskId', new.task_id, 'agent', new.user_id, 'status', case when c.status in ('open', 'reopened') then 'in-progress' else c.status end));
     elsif c.status = 'in-progress' then
       update cases set status = 'open', updated_at = now(), version = version + 1 where id = c.id;
     end if;
     return null;
   end
   $$`,
  `create trigger events_case_follows_task after insert on events for each row
     when (new.task_id is not null and new.type in ('task.assigned', 'task.pulled-back', 'task.transferred', 'task.escalated', 'task.rescheduled', 'task.resumed'))
     execute function worklane_case_follows_task()`,
];

/**
 * Migration 0014_case_follows_tasks: the case follows its task from one trigger per statement
 * instead of one per event. The row trigger ran a PL/pgSQL call and a task lookup for every
 * `task.assigned`, case or not: 7-8 µs an event, as much again as the insert of the event itself
 * (1,000 assignments of tasks without a case: 16-21 ms against 8.5-9.7 ms without it). Now one
 * query per statement finds the events of tasks that have a case, over the transition table the
 * outbox triggers already keep; each is handled as before, in event order.
 */
const FOLLOWS_PER_STATEMENT = [
  `drop trigger events_case_follows_task on events`,
  `drop function worklane_case_follows_task()`,
  `create function worklane_case_follows_tasks() returns trigger language plpgsql as $$
   declare e record; c record;
   begin
     for e in select n.type, n.at, n.actor, n.task_id, n.user_id, t.case_id
              from new_events n join tasks t on t.id = n.task_id
              where t.case_id is not null
                and n.type in ('task.assigned', 'task.pulled-back', 'task.transferred', 'task.escalated', 'task.rescheduled', 'task.resumed')
              order by n.id loop
       -- The case's status read per event: an earlier event of the statement may have moved it.
       select k.id, k.status into c from cases k where k.id = e.case_id;
       continue when c.id is null or c.status in ('resolved', 'closed');
       if e.type = 'task.assigned' then
         if c.status in ('open', 'reopened') then
           update cases set status = 'in-progress', updated_at = now(), version = version + 1 where id = c.id;
         end if;
         insert into events (type, at, actor, task_id, user_id, data)
         values ('case.assigned', e.at, e.actor, e.task_id, e.user_id,
                 jsonb_build_object('caseId', c.id, 'taskId', e.task_id, 'agent', e.user_id, 'status', case when c.status in ('open', 'reopened') then 'in-progress' else c.status end));
       elsif c.status = 'in-progress' then
         update cases set status = 'open', updated_at = now(), version = version + 1 where id = c.id;
       end if;
     end loop;
     return null;
   end
   $$`,
  // Named to fire before the outbox triggers (alphabetical), as the row trigger did: the events it
  // appends reach the outboxes first.
  `create trigger events_case_follows_tasks after insert on events
     referencing new table as new_events for each statement execute function worklane_case_follows_tasks()`,
];

export async function caseFollowsTasksMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of FOLLOWS_PER_STATEMENT) await sql.raw(stmt).execute(db);
}

/** Migration 0004_cases: case types, cases, their tasks and clocks, comments, customers, attachments. */
export async function casesMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of STATEMENTS) await sql.raw(stmt).execute(db);
}
