import { sql, type Kysely } from 'kysely';

// Migration 0012_sla_alarms: a case's SLA warning and breach, when each rings and when it fired,
// in a narrow table of their own instead of columns of the case.
//
// Why: firing used to set cases.sla_warned_at / sla_breached_at. Those columns were in the
// predicates of the due-clock indexes, so every firing was a non-HOT update of a wide row with
// six indexes: a new entry in each (and, after a checkpoint, full-page images of their leaves).
// Measured on the full-size timers database, 1,000 breaches in one transaction: 36–39 ms and
// 11 MB of WAL marking the cases, against 11 ms and 0.7 MB deleting rows of a narrow table (the
// events insert included in both); a burst of 100,000 wrote more WAL than max_wal_size and so
// forced a checkpoint in the middle of itself. A fired alarm is one narrow row and its key.
//
// The deadlines stay on the case (every case change that moves them already writes the case
// row); triggers keep the alarms' due times in step, so no writer can forget them.
const STATEMENTS = [
  `create table sla_alarms (
     case_id text not null references cases(id),
     kind text not null check (kind in ('warning', 'breach')),
     due_at timestamptz,
     fired_at timestamptz,
     primary key (case_id, kind))`,
  `insert into sla_alarms (case_id, kind, due_at, fired_at)
     select id, 'warning', sla_warn_at, sla_warned_at from cases
     union all
     select id, 'breach', sla_due_at, sla_breached_at from cases`,
  `create index sla_alarms_pending on sla_alarms (kind, due_at) where fired_at is null and due_at is not null`,
  `drop index cases_sla_warn`,
  `drop index cases_sla_due`,
  `alter table cases drop column sla_warned_at, drop column sla_breached_at`,
  // New cases: one statement-level insert for the whole statement (a bulk load stays one insert).
  `create function worklane_sla_alarms_insert() returns trigger language plpgsql as $$
   begin
     insert into sla_alarms (case_id, kind, due_at)
     select n.id, k.kind, case k.kind when 'warning' then n.sla_warn_at else n.sla_due_at end
     from new_cases n cross join (values ('warning'), ('breach')) as k(kind);
     return null;
   end
   $$`,
  `create trigger cases_sla_alarms_insert after insert on cases
     referencing new table as new_cases for each statement execute function worklane_sla_alarms_insert()`,
  // A moved deadline moves its alarm; whether it fired is kept (a new SLA policy resets it itself).
  `create function worklane_sla_alarms_update() returns trigger language plpgsql as $$
   begin
     update sla_alarms a set due_at = v.due
     from (values ('warning', new.sla_warn_at), ('breach', new.sla_due_at)) as v(kind, due)
     where a.case_id = new.id and a.kind = v.kind and a.due_at is distinct from v.due;
     return null;
   end
   $$`,
  `create trigger cases_sla_alarms_update after update of sla_warn_at, sla_due_at on cases for each row
     when (old.sla_warn_at is distinct from new.sla_warn_at or old.sla_due_at is distinct from new.sla_due_at)
     execute function worklane_sla_alarms_update()`,
];

export async function slaAlarmsMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of STATEMENTS) await sql.raw(stmt).execute(db);
}

// Migration 0013_ola_alarms: the same for a procedure task's OLA warning and breach, with what
// followed the breach (escalated_at: escalated, at the warning or the breach, or nothing to do) and
// whether the task's step is still live (a finished task's clocks ring no more).
const OLA_STATEMENTS = [
  `create table ola_alarms (
     task_id text not null references case_tasks(task_id),
     kind text not null check (kind in ('warning', 'breach')),
     due_at timestamptz,
     fired_at timestamptz,
     escalated_at timestamptz,
     live boolean not null,
     primary key (task_id, kind))`,
  `insert into ola_alarms (task_id, kind, due_at, fired_at, escalated_at, live)
     select task_id, 'warning', ola_warn_at, ola_warned_at, null, finished_at is null from case_tasks
     union all
     select task_id, 'breach', ola_due_at, ola_breached_at, ola_escalated_at, finished_at is null from case_tasks`,
  `create index ola_alarms_pending on ola_alarms (kind, due_at) where fired_at is null and due_at is not null and live`,
  `create index ola_alarms_overdue on ola_alarms (fired_at) where kind = 'breach' and fired_at is not null and escalated_at is null and live`,
  `drop index case_tasks_ola_warn`,
  `drop index case_tasks_ola_due`,
  `drop index case_tasks_ola_overdue`,
  `alter table case_tasks drop column ola_warned_at, drop column ola_breached_at, drop column ola_escalated_at`,
  `create function worklane_ola_alarms_insert() returns trigger language plpgsql as $$
   begin
     insert into ola_alarms (task_id, kind, due_at, live)
     select n.task_id, k.kind, case k.kind when 'warning' then n.ola_warn_at else n.ola_due_at end, n.finished_at is null
     from new_case_tasks n cross join (values ('warning'), ('breach')) as k(kind);
     return null;
   end
   $$`,
  `create trigger case_tasks_ola_alarms_insert after insert on case_tasks
     referencing new table as new_case_tasks for each statement execute function worklane_ola_alarms_insert()`,
  `create function worklane_ola_alarms_update() returns trigger language plpgsql as $$
   begin
     update ola_alarms a set due_at = v.due, live = new.finished_at is null
     from (values ('warning', new.ola_warn_at), ('breach', new.ola_due_at)) as v(kind, due)
     where a.task_id = new.task_id and a.kind = v.kind and (a.due_at is distinct from v.due or a.live is distinct from (new.finished_at is null));
     return null;
   end
   $$`,
  `create trigger case_tasks_ola_alarms_update after update of ola_warn_at, ola_due_at, finished_at on case_tasks for each row
     when (old.ola_warn_at is distinct from new.ola_warn_at or old.ola_due_at is distinct from new.ola_due_at or (old.finished_at is null) <> (new.finished_at is null))
     execute function worklane_ola_alarms_update()`,
];

export async function olaAlarmsMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of OLA_STATEMENTS) await sql.raw(stmt).execute(db);
}
