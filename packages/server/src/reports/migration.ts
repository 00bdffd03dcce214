import { sql, type Kysely } from 'kysely';
import { factsCte, grainSelect } from './facts-sql.js';

// Migration 0007_reports: the rollup behind the historical reports. Nothing here touches the write
// path of events: a background worker reads events past a watermark and adds them up per hour.
const STATEMENTS = [
  // One row per hour and what is counted. grain `queue`: per queue and case type (code only where a
  // report splits by it); grain `agent`: per agent, queue and code (wrap-up code, presence status).
  `create table report_hourly (
     grain text not null, hour timestamptz not null, metric text not null, queue text not null, agent text not null,
     case_type text not null, code text not null, n bigint not null, total double precision not null,
     max double precision, within bigint not null,
     primary key (grain, hour, metric, queue, agent, case_type, code))`,
  // Case resolution times one by one: a p90 needs them, and cases are few next to events.
  `create table report_case_durations (
     event_id bigint primary key, at timestamptz not null, case_type text not null, seconds double precision not null)`,
  `create index report_case_durations_at on report_case_durations (at, case_type)`,
  // Events with id <= watermark are in the aggregates; reports add the rest from events directly.
  `create table report_rollup (id int primary key, watermark bigint not null, updated_at timestamptz not null default now())`,
  `insert into report_rollup (id, watermark) values (1, 0)`,
];

export async function reportsMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of STATEMENTS) await sql.raw(stmt).execute(db);
}

// Migration 0008_report_daily: the same aggregates per local day of one time zone, so a month by
// day reads ~30 rows per key instead of ~720 (hours stay for hourly reports, other zones, edges).
const DAILY = [
  `create table report_daily (
     grain text not null, day timestamptz not null, metric text not null, queue text not null, agent text not null,
     case_type text not null, code text not null, n bigint not null, total double precision not null,
     max double precision, within bigint not null,
     primary key (grain, day, metric, queue, agent, case_type, code))`,
  `alter table report_rollup add column day_zone text not null default 'UTC'`,
  // Whatever was rolled up before is added up into days now.
  `insert into report_daily (grain, day, metric, queue, agent, case_type, code, n, total, max, within)
   select grain, date_trunc('day', hour, 'UTC'), metric, queue, agent, case_type, code, sum(n), sum(total), max(max), sum(within)
   from report_hourly group by 1, 2, 3, 4, 5, 6, 7`,
];

export async function reportDailyMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of DAILY) await sql.raw(stmt).execute(db);
}

// Migration 0009_report_grains: agent aggregates lose the queue (a month of one agent is a few
// hundred rows, not thousands); completions per queue, agent and code move to grain `wrapup`.
const GRAINS_SPLIT = ['report_hourly', 'report_daily'].flatMap((t) => {
  const at = t === 'report_hourly' ? 'hour' : 'day';
  return [
    `insert into ${t} (grain, ${at}, metric, queue, agent, case_type, code, n, total, max, within)
     select 'wrapup', ${at}, metric, queue, agent, case_type, code, n, total, max, within from ${t} where grain = 'agent' and metric = 'completed'`,
    `with old as (delete from ${t} where grain = 'agent' returning *)
     insert into ${t} (grain, ${at}, metric, queue, agent, case_type, code, n, total, max, within)
     select 'agent', ${at}, metric, '', agent, case_type, code, sum(n), sum(total), max(max), sum(within) from old group by 2, 3, 5, 6, 7`,
  ];
});

export async function reportGrainsMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of GRAINS_SPLIT) await sql.raw(stmt).execute(db);
}

// Migration 0017_report_advisors: grain `advisor` for the events the rollup already covered (the
// case events only: a few per case, against every task and presence event).
export async function reportAdvisorsMigration(db: Kysely<unknown>): Promise<void> {
  const r = (await sql<{ watermark: string; day_zone: string }>`select watermark, day_zone from report_rollup where id = 1`.execute(db)).rows[0];
  const wm = Number(r?.watermark ?? 0);
  if (wm === 0) return;
  await sql`
    with ${factsCte(sql`0`, sql`${wm}`, ['case.closed', 'case.resolved', 'case.escalated'])},
    g as (
      select 'advisor' as grain, hour, metric, queue, agent, case_type, code, sum(n) as n, coalesce(sum(secs), 0) as total, max(secs) as max, sum(within) as within
      from (${grainSelect('advisor')}) f group by hour, metric, queue, agent, case_type, code),
    hourly as (
      insert into report_hourly (grain, hour, metric, queue, agent, case_type, code, n, total, max, within)
      select grain, hour, metric, queue, agent, case_type, code, n, total, max, within from g returning 1)
    insert into report_daily (grain, day, metric, queue, agent, case_type, code, n, total, max, within)
    select grain, date_trunc('day', hour, ${r!.day_zone}), metric, queue, agent, case_type, code, sum(n), sum(total), max(max), sum(within)
    from g group by 1, 2, 3, 4, 5, 6, 7`.execute(db);
}
