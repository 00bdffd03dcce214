import { sql, type RawBuilder } from 'kysely';
import type { Grain } from '@worklane/core';

/** Event types the reports read; everything else is skipped by the rollup. */
export const REPORT_EVENT_TYPES = [
  'task.created', 'task.offered', 'task.assigned', 'task.completed', 'task.canceled', 'task.declined', 'task.rona',
  'presence.changed', 'case.created', 'case.resolved', 'case.closed', 'case.escalated', 'case.reopened',
  'sla.warning', 'sla.breached', 'ola.warning', 'ola.breached', 'chat.rated', 'scorecard.finished', 'scorecard.revoked',
];

/** Metrics kept per grain (see the migration). */
export const QUEUE_METRICS = ['created', 'offered', 'assigned', 'completed', 'canceled', 'declined', 'rona', 'rated', 'evaluated', 'case.created', 'case.closed', 'case.escalated', 'case.reopened', 'sla.warning', 'sla.breached', 'ola.warning', 'ola.breached'];
export const AGENT_METRICS = ['offered', 'completed', 'canceled', 'declined', 'rona', 'presence'];
/** Cases closed and escalated by a person (the event's actor), per case type: "closed per advisor". */
export const ADVISOR_METRICS = ['case.closed', 'case.escalated'];

export const DEFAULT_SERVICE_LEVEL_SECONDS = 60;
const types = sql.join(REPORT_EVENT_TYPES.map((t) => sql.lit(t)));
// A status held longer than this is counted only for its last 31 days (bounds the hours generated).
const MAX_STATUS_SECONDS = 31 * 86_400;

/**
 * The facts of events with lo < id <= hi, one row per event (per hour for time in a presence
 * status): hour, metric, queue, agent, case_type, code, n, secs, within, plus the event id.
 * The same text feeds the rollup and the reports' un-rolled tail, so both count alike.
 *
 * `only`: these event types alone (a backfill of one grain).
 *
 * Durations: wait = assignment (or abandon) − entry into the queue (kept across re-queues);
 * handle = completion − the last assignment before it; resolution = closure − case creation.
 */
export function factsCte(lo: RawBuilder<unknown>, hi: RawBuilder<unknown> | null, only?: readonly string[]): RawBuilder<unknown> {
  return sql`
ev as (
  select e.id, e.type, e.at, e.task_id, e.user_id, e.data, e.case_id, e.actor from events e
  where e.id > ${lo} ${hi ? sql`and e.id <= ${hi}` : sql``} and e.type in (${only ? sql.join(only.map((t) => sql.lit(t))) : types})
    -- A calibration's scorecards align the evaluators; they are not the agent's quality.
    and not (e.type = 'scorecard.finished' and e.data->>'calibration' is not null)),
tev as (
  select ev.*, t.queue_id, t.case_id as task_case, coalesce(t.entered_queue_at, t.created_at) as entered,
    coalesce((q.settings->>'serviceLevelSeconds')::float8, ${sql.lit(DEFAULT_SERVICE_LEVEL_SECONDS)}) as threshold,
    kt.case_type as task_case_type
  from ev
  left join tasks t on t.id = ev.task_id and ev.type like 'task.%'
  left join queues q on q.id = t.queue_id
  left join cases kt on kt.id = t.case_id),
one as (
  select tev.id, date_trunc('hour', tev.at) as hour,
    case tev.type when 'task.created' then 'created' when 'task.offered' then 'offered' when 'task.assigned' then 'assigned'
      when 'task.completed' then 'completed' when 'task.canceled' then 'canceled' when 'task.declined' then 'declined'
      when 'task.rona' then 'rona' when 'case.resolved' then 'case.closed' when 'chat.rated' then 'rated' when 'scorecard.finished' then 'evaluated' when 'scorecard.revoked' then 'evaluated' else tev.type end as metric,
    coalesce(case when tev.type in ('task.completed', 'ola.warning', 'ola.breached', 'chat.rated', 'scorecard.finished', 'scorecard.revoked') then tev.data->>'queue' end, tev.queue_id, '') as queue,
    coalesce(case when tev.type like 'task.%' or tev.type in ('chat.rated', 'scorecard.finished', 'scorecard.revoked') then coalesce(tev.data->>'agent', tev.user_id)
      when tev.type in ('case.resolved', 'case.closed', 'case.escalated') and tev.actor like 'user:%' then substr(tev.actor, 6) end, '') as agent,
    coalesce(tev.data->>'caseType', tev.task_case_type, '') as case_type,
    case tev.type
      when 'task.completed' then coalesce(tev.data->>'wrapUpCode', '')
      when 'task.canceled' then case when tev.data->>'agent' is null then 'abandoned' else 'canceled' end
      when 'case.resolved' then 'resolved' when 'case.closed' then 'closed'
      when 'case.escalated' then case when (tev.data->>'automatic')::boolean then 'automatic' else 'manual' end
      when 'chat.rated' then tev.data->>'score' when 'scorecard.finished' then coalesce(tev.data->>'band', '') when 'scorecard.revoked' then coalesce(tev.data->>'band', '') else '' end as code,
    case tev.type
      when 'task.assigned' then extract(epoch from tev.at - tev.entered)::float8
      when 'task.canceled' then case when tev.data->>'agent' is null then extract(epoch from tev.at - tev.entered)::float8 end
      when 'task.completed' then extract(epoch from tev.at - (select max(a.at) from events a where a.task_id = tev.task_id and a.type = 'task.assigned' and a.id < tev.id))::float8
      when 'case.resolved' then extract(epoch from tev.at - (select k.created_at from cases k where k.id = tev.case_id))::float8
      when 'case.closed' then extract(epoch from tev.at - (select k.created_at from cases k where k.id = tev.case_id))::float8
      when 'chat.rated' then (tev.data->>'score')::float8
      when 'scorecard.finished' then (tev.data->>'percent')::float8
      -- A dispute's revision takes the old score out (then finishes with the new one).
      when 'scorecard.revoked' then -(tev.data->>'percent')::float8
    end as secs,
    tev.type, tev.threshold, tev.task_id, tev.task_case, tev.case_id
  from tev where tev.type <> 'presence.changed'),
facts as (
  select id, hour, metric, queue, agent, case_type, code, case when type = 'scorecard.revoked' then -1 else 1 end as n, secs,
    case
      when type = 'task.assigned' then (secs <= threshold)::int
      when type = 'task.canceled' then (coalesce(secs, 0) > threshold)::int
      when type = 'task.completed' then case when task_case is null then 0
        else (not exists (select 1 from events b where b.task_id = one.task_id and b.type = 'ola.breached' and b.id < one.id))::int end
      when type in ('case.resolved', 'case.closed') then
        (not exists (select 1 from events b where b.case_id = one.case_id and b.type = 'sla.breached' and b.id < one.id))::int
      when type = 'chat.rated' then (secs >= 4)::int
      when type = 'scorecard.finished' then (code <> 'fail')::int
      when type = 'scorecard.revoked' then -((code <> 'fail')::int)
      else 0 end as within
  from one
  union all
  select ev.id, h.hour, 'presence', '', ev.user_id, '', (ev.data->>'from') || coalesce(':' || (ev.data->>'fromReason'), ''),
    case when h.hour = date_trunc('hour', ev.at) then 1 else 0 end,
    extract(epoch from least(ev.at, h.hour + interval '1 hour') - greatest(p.started, h.hour))::float8, 0
  from ev
  cross join lateral (select ev.at - least((ev.data->>'secondsInPrevious')::float8, ${sql.lit(MAX_STATUS_SECONDS)}) * interval '1 second' as started) p
  cross join lateral generate_series(date_trunc('hour', p.started), ev.at, interval '1 hour') h(hour)
  where ev.type = 'presence.changed' and ev.user_id is not null and jsonb_typeof(ev.data->'secondsInPrevious') = 'number'
    and coalesce(ev.data->>'from', 'offline') <> 'offline')`;
}

/**
 * Facts projected onto a grain: what the rollup stores and what a report adds from the tail.
 * `agent` has no queue (one agent's day is a few rows); `wrapup` keeps queue, agent and code of completions
 * (and of chat ratings, the score as the code; of finished scorecards, the band);
 * `advisor` keeps the person who closed or escalated a case (its actor), with the case type.
 */
export function grainSelect(grain: Grain): RawBuilder<unknown> {
  if (grain === 'queue')
    return sql`select hour, metric, queue, '' as agent, case_type, case when metric in ('canceled', 'case.closed') then code else '' end as code, n, secs, within
          from facts where metric in (${sql.join(QUEUE_METRICS.map((m) => sql.lit(m)))})`;
  if (grain === 'agent')
    return sql`select hour, metric, '' as queue, agent, '' as case_type, code, n, secs, within
          from facts where agent <> '' and metric in (${sql.join(AGENT_METRICS.map((m) => sql.lit(m)))})`;
  if (grain === 'advisor')
    return sql`select hour, metric, '' as queue, agent, case_type, code, n, secs, within
          from facts where agent <> '' and metric in (${sql.join(ADVISOR_METRICS.map((m) => sql.lit(m)))})`;
  return sql`select hour, metric, queue, agent, '' as case_type, code, n, secs, within from facts where agent <> '' and metric in ('completed', 'rated', 'evaluated')`;
}

export const GRAINS: readonly Grain[] = ['queue', 'agent', 'wrapup', 'advisor'];
