import { sql, type Kysely, type RawBuilder } from 'kysely';
import { percentilesOf, wholeDays, type DurationPercentiles, type Fact, type Filter, type Interval, type ReportDefinition } from '@worklane/core';
import type { DB } from '../db/schema.js';
import { factsCte, grainSelect } from './facts-sql.js';

export interface ReportQuery {
  def: ReportDefinition;
  from: Date;
  to: Date;
  interval: Interval;
  zone: string;
  filters: Partial<Record<Filter, string>>;
  /**
   * A team supervisor's reach (auth/supervision.ts): only rows of the queues and people they
   * supervise, plus rows of neither (case-level figures, which every supervisor sees).
   */
  scope?: { queues: readonly string[]; people: readonly string[] };
}

/** Bucket of an hour, as core's `bucketStart` cuts it (whole UTC hours; local days, ISO weeks, months). */
function bucketOf(col: RawBuilder<unknown>, q: ReportQuery): RawBuilder<Date> {
  if (q.interval === 'total') return sql<Date>`${q.from}::timestamptz`;
  if (q.interval === 'hour') return sql<Date>`${col}`;
  return sql<Date>`date_trunc('hour', date_trunc(${q.interval}, ${col}, ${q.zone}), 'UTC')`;
}

const COLUMN: Record<'queue' | 'agent' | 'caseType' | 'code', string> = { queue: 'queue', agent: 'agent', caseType: 'case_type', code: 'code' };

const anyOf = (col: string, values: readonly string[]) => (values.length ? sql`${sql.ref(col)} in (${sql.join(values.map((v) => sql`${v}`))})` : sql`false`);

function filterSql(q: ReportQuery, caseTypeCol = 'case_type', scoped = true): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`true`];
  const f = q.filters;
  if (q.scope && scoped)
    parts.push(sql`(${anyOf('queue', q.scope.queues)} or ${anyOf('agent', q.scope.people)} or (coalesce(queue, '') = '' and coalesce(agent, '') = ''))`);
  if (f.queue !== undefined) parts.push(sql`queue = ${f.queue}`);
  if (f.agent !== undefined) parts.push(sql`agent = ${f.agent}`);
  if (f.team !== undefined) parts.push(sql`agent in (select user_id from team_members where team_id = ${f.team})`);
  if (f.caseType !== undefined) parts.push(sql`${sql.ref(caseTypeCol)} = ${f.caseType}`);
  return sql.join(parts, sql` and `);
}

/** The zone the rollup cuts days in (the reports' default zone). */
export async function reportZone(db: Kysely<DB>): Promise<string> {
  return (await sql<{ day_zone: string }>`select day_zone from report_rollup where id = 1`.execute(db)).rows[0]?.day_zone ?? 'UTC';
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * The report's facts: aggregates of rolled-up hours plus the events past the watermark, grouped by bucket and the report's
 * groupings in SQL so only a few hundred rows come back.
 */
export async function readFacts(db: Kysely<DB>, q: ReportQuery): Promise<{ facts: Fact[]; durations: DurationPercentiles }> {
  // One snapshot for the watermark and both reads: an event is in the aggregates or in the tail,
  // never both. The watermark goes in as a value so the planner sees how small the tail is.
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    // JIT compiling costs seconds here and saves nothing; a month of case durations (~190,000)
    // sorted for the p90s spilled to disk at the default 4 MB of work memory.
    await sql`select set_config('jit', 'off', true), set_config('work_mem', '32MB', true)`.execute(trx);
    const r = (await sql<{ watermark: string; day_zone: string }>`select watermark, day_zone from report_rollup where id = 1`.execute(trx)).rows[0];
    return read(trx, q, Number(r?.watermark ?? 0), r?.day_zone ?? 'UTC');
  });
}

async function read(db: Kysely<DB>, q: ReportQuery, watermark: number, dayZone: string): Promise<{ facts: Fact[]; durations: DurationPercentiles }> {
  const { def } = q;
  // Whole local days come from the daily aggregates when the report is in their zone; hours cover the rest.
  const days = q.interval !== 'hour' && q.zone === dayZone ? wholeDays(q.from.getTime(), q.to.getTime(), q.zone) : null;
  const hourRanges = days ? [[q.from.getTime(), days.from], [days.to, q.to.getTime()]].filter(([a, b]) => a! < b!) : [[q.from.getTime(), q.to.getTime()]];
  const hourCond = hourRanges.length ? sql.join(hourRanges.map(([a, b]) => sql`(hour >= ${new Date(a!)} and hour < ${new Date(b!)})`), sql` or `) : sql`false`;
  const dayRows = days
    ? sql`union all
      select day as hour, metric, queue, agent, case_type, code, n::float8 as n, total, max, within::float8 as within from report_daily
      where grain = ${def.grain} and day >= ${new Date(days.from)} and day < ${new Date(days.to)} and metric in (${sql.join(def.metrics.map((m) => sql.lit(m)))})`
    : sql``;
  const metrics = sql.join(def.metrics.map((m) => sql.lit(m)));
  const dims = def.groupBy.filter((d) => d !== 'code').map((d) => sql.ref(COLUMN[d]));
  const keep = [...dims, sql.ref('metric'), sql.ref('code')];
  const wm = sql`${watermark}`;
  const rows = await sql<{ bucket: Date; queue?: string; agent?: string; case_type?: string; metric: string; code: string; n: number; total: number; max: number | null; within: number }>`
    with ${factsCte(wm, null)}, tail as (${grainSelect(def.grain)}),
    x as (
      select hour, metric, queue, agent, case_type, code, n::float8 as n, total, max, within::float8 as within from report_hourly
      where grain = ${def.grain} and (${hourCond}) and metric in (${metrics})
      ${dayRows}
      union all
      select hour, metric, queue, agent, case_type, code, n::float8, coalesce(secs, 0), secs, within::float8 from tail
      where hour >= ${q.from} and hour < ${q.to} and metric in (${metrics}))
    select ${bucketOf(sql.ref('hour'), q)} as bucket, ${sql.join(keep)},
      sum(n)::float8 as n, sum(total)::float8 as total, max(max)::float8 as max, sum(within)::float8 as within
    from x where ${filterSql(q)}
    group by 1, ${sql.join(keep)}`.execute(db);
  const facts: Fact[] = rows.rows.map((r) => ({
    bucket: new Date(r.bucket).getTime(),
    metric: r.metric,
    queue: r.queue ?? '',
    agent: r.agent ?? '',
    caseType: r.case_type ?? '',
    code: r.code,
    n: Number(r.n),
    total: Number(r.total),
    max: num(r.max),
    within: Number(r.within),
  }));
  if (!def.durations) return { facts, durations: NO_DURATIONS };
  // The p90s (nearest rank: percentile_disc) by bucket and case type, by bucket, and over all,
  // computed where the durations are instead of shipping every case's to compute them here. The
  // total (of typed cases) on its own: in the grouping sets each percentile sorts every level's
  // groups, so the typed p90 sorted the whole month twice more for rows that never read it.
  const d = await sql<{ bucket: Date | null; case_type: string | null; by_type: number; by_bucket: number; p90: number | null; p90_typed: number | null }>`
    with ${factsCte(wm, null)}, ${labelsCte(q)},
    d as (
      select ${durationBucket(q)} as bucket, case_type, seconds from report_case_durations, labels
      where at >= ${q.from} and at < ${q.to} and ${filterSql(q, 'case_type', false)}
      union all
      select ${bucketOf(sql.ref('hour'), q)}, case_type, secs from facts
      where metric = 'case.closed' and secs is not null and hour >= ${q.from} and hour < ${q.to} and ${filterSql(q, 'case_type', false)})
    select bucket, case_type, grouping(case_type) as by_type, grouping(bucket) as by_bucket,
      percentile_disc(0.9) within group (order by seconds) as p90, null::float8 as p90_typed
    from d group by grouping sets ((bucket, case_type), (bucket))
    union all
    select null, null, 1, 1, null, percentile_disc(0.9) within group (order by seconds) filter (where case_type <> '') from d`.execute(db);
  const byBucketAndType = new Map<string, number>();
  const byBucket = new Map<number, number>();
  let total: number | null = null;
  for (const r of d.rows) {
    if (Number(r.by_bucket)) total = r.p90_typed === null ? null : Number(r.p90_typed);
    else if (Number(r.by_type)) byBucket.set(new Date(r.bucket!).getTime(), Number(r.p90));
    else byBucketAndType.set(`${new Date(r.bucket!).getTime()}\u0000${r.case_type}`, Number(r.p90));
  }
  return { facts, durations: { byBucketAndType, byBucket, total } };
}

const NO_DURATIONS = percentilesOf([]);

/**
 * The buckets' starts in the range, as `bucketOf` gives them for each of its hours, and whether
 * each is exactly where its local day, week or month starts (a zone whose offset is whole hours).
 * Then a duration's bucket is the last start at or before it, found by a binary search
 * (`width_bucket`), instead of `date_trunc` in the report's zone twice per duration: ~100 ms of a
 * month's ~190,000 at the full size. In a zone with a half-hour offset a bucket's label is the hour
 * before it starts, so each duration keeps the per-row expression (its instant's bucket).
 */
function labelsCte(q: ReportQuery): RawBuilder<unknown> {
  if (q.interval === 'hour' || q.interval === 'total') return sql`labels as (select null::timestamptz[] as starts, false as exact)`;
  const h = sql.ref('h');
  return sql`series as (
      select distinct ${bucketOf(h, q)} as b from generate_series(${q.from}::timestamptz, ${q.to}::timestamptz - interval '1 hour', interval '1 hour') as s(h)),
    labels as (
      select array(select b from series order by b) as starts,
        coalesce((select bool_and(date_trunc(${q.interval}, b, ${q.zone}) = b) from series), true) as exact)`;
}

/**
 * A duration's bucket: by `labels` where they are exact, else as `bucketOf` cuts its instant. By
 * hour, its UTC hour (`bucketOf` takes a column of whole hours as its own bucket: a duration's
 * instant was a bucket of its own, so hourly reports had no p90).
 */
function durationBucket(q: ReportQuery): RawBuilder<Date> {
  if (q.interval === 'hour') return sql<Date>`date_trunc('hour', at, 'UTC')`;
  const perRow = bucketOf(sql.ref('at'), q);
  if (q.interval === 'total') return perRow;
  return sql<Date>`case when labels.exact then labels.starts[width_bucket(at, labels.starts)] else ${perRow} end`;
}
