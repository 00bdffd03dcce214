import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { REPORTS } from '@worklane/core';
import { DEMO_CONFIG_FILE } from '@worklane/server';
import { HttpClient, must } from '../lib/http.js';
import { freshPostgres, query } from '../lib/pg.js';
import type { Scenario, Sizes } from '../lib/scenario.js';
import { startWorklane, type ServerProcess } from '../lib/server.js';
import { BENCH_API_KEY, mergeConfigs, prepareDatabase, routingConfig, type ConfigDoc } from '../lib/setup.js';
import { percentile, prng, sleep } from '../lib/util.js';

const AUTH = { authorization: `Bearer ${BENCH_API_KEY}` };
const QUEUES = 8;
const AGENTS = 60;
const CASE_TYPES = ['technical', 'finance', 'replacement'];
const CODES = ['processed', 'up-sell', 'cross-sell', 'need-follow-up', 'terminated', 'transferred'];
// Events one generated task brings (see `historySql`): 5 for the flow, declines, cases, presence.
const EVENTS_PER_TASK = 5.27;

/** The demo's case types and queues plus 60 agents in 8 queues; one API key that may read reports. */
export function config(): ConfigDoc {
  const demo = parseYaml(readFileSync(DEMO_CONFIG_FILE, 'utf8')) as ConfigDoc;
  // Nobody signs in here: no passwords, no argon2 hashing at import.
  demo.users = (demo.users as Record<string, unknown>[]).map(({ password: _password, ...u }) => u);
  const doc = mergeConfigs(demo, routingConfig({ queues: QUEUES, skills: QUEUES, agents: AGENTS, capacity: 3, autoAnswer: false }));
  return { ...doc, apiKeys: [{ name: 'bench', key: BENCH_API_KEY, scopes: ['reports:read', 'admin'] }] };
}

/**
 * One slice of history [first, last) of `tasks` tasks spread evenly over `days` before `end`:
 * tasks and their events (created, queued, offered, assigned, completed with a wrap-up code; every
 * 10th declined once first, every 20th abandoned), one closed case per 8 tasks with case events
 * and SLA warnings/breaches. Straight SQL with generate_series; triggers off (it is history).
 */
export function historySql(first: number, last: number, tasks: number, days: number, end: string, queues = Array.from({ length: QUEUES }, (_, i) => `q${String(i).padStart(3, '0')}`)): string {
  const queue = `(array[${queues.map((q) => `'${q}'`).join(',')}])[1 + i % ${queues.length}]`;
  const step = (days * 86400) / tasks;
  const h = (salt: number) => `(abs(hashint8(i::bigint * 7919 + ${salt})) % 1000)`; // bigint: i * 7919 overflows int past 271,000 tasks (the 10M size)
  const t0 = `'${end}'::timestamptz - interval '${days} days' + (i * ${step}) * interval '1 second'`;
  const range = `generate_series(${first}, ${last - 1}) i`;
  const isCase = 'i % 8 = 0 and i % 20 <> 0';
  return `
    insert into cases (id, case_type, status, title, source, sla_started_at, created_at, closed_at, resolution)
    select 'bc' || i, (array[${CASE_TYPES.map((c) => `'${c}'`).join(',')}])[1 + (i / 8) % ${CASE_TYPES.length}], 'closed', 'Case ' || i, 'bench', ${t0}, ${t0}, ${t0} + interval '1 hour', 'resolved'
    from ${range} where ${isCase};
    insert into tasks (id, worktype, title, queue_id, media_type, state, assignee_id, case_id, entered_queue_at, created_at, completed_at)
    select 'bt' || i, 'item', 'History ' || i, ${queue}, 'workitem',
      case when i % 20 = 0 then 'canceled' else 'completed' end,
      case when i % 20 = 0 then null else a.ids[1 + (i * 31) % array_length(a.ids, 1)] end,
      case when ${isCase} then 'bc' || i end, ${t0}, ${t0}, ${t0} + interval '1 hour'
    from ${range} cross join (select array_agg(id order by id) as ids from users where 'agent' = any(roles)) a;
    insert into events (type, at, task_id, user_id, actor, data)
    -- Case closures are the advisor's (their actor: report case-advisors), the rest the system's.
    select type, at, task_id, case when type like 'case.%' then null else user_id end,
      case when type = 'case.closed' and user_id is not null then 'user:' || user_id else 'system:bench' end, data from (
      select e.type, e.at, e.task_id, e.user_id, e.data from ${range}
      cross join (select array_agg(id order by id) as ids from users where 'agent' = any(roles)) a
      cross join lateral (select 'bt' || i as id, ${t0} as created_at, case when i % 20 = 0 then null else a.ids[1 + (i * 31) % array_length(a.ids, 1)] end as agent,
        ${queue} as queue, case when ${isCase} then 'bc' || i end as case_id,
        (array[${CASE_TYPES.map((c) => `'${c}'`).join(',')}])[1 + (i / 8) % ${CASE_TYPES.length}] as case_type) t
      cross join lateral (select 5 + ${h(1)} % 240 as wait, 60 + ${h(2)} % 1200 as handle, 600 + ${h(3)} * 40 as resolve) d
      cross join lateral (values
        ('task.created', t.created_at, true, t.id, null::text, jsonb_build_object('worktype', 'item')),
        ('task.queued', t.created_at, true, t.id, null, jsonb_build_object('queue', t.queue)),
        ('task.offered', t.created_at + (d.wait - 2) * interval '1 second', t.agent is not null, t.id, t.agent, jsonb_build_object('agent', t.agent)),
        ('task.declined', t.created_at + (d.wait - 1) * interval '1 second', t.agent is not null and i % 10 = 5, t.id, t.agent, jsonb_build_object('agent', t.agent, 'reason', 'busy')),
        ('task.assigned', t.created_at + d.wait * interval '1 second', t.agent is not null, t.id, t.agent, jsonb_build_object('agent', t.agent)),
        ('task.completed', t.created_at + (d.wait + d.handle) * interval '1 second', t.agent is not null, t.id, t.agent,
          jsonb_build_object('agent', t.agent, 'queue', t.queue, 'wrapUpCode', (array[${CODES.map((c) => `'${c}'`).join(',')}])[1 + i % ${CODES.length}])),
        ('task.canceled', t.created_at + (d.wait * 2) * interval '1 second', t.agent is null, t.id, null, jsonb_build_object('reason', 'gave up')),
        ('case.created', t.created_at, t.case_id is not null, null, null, jsonb_build_object('caseId', t.case_id, 'caseType', t.case_type)),
        ('sla.warning', t.created_at + d.resolve * 0.75 * interval '1 second', t.case_id is not null and i % 5 = 0, null, null, jsonb_build_object('caseId', t.case_id, 'caseType', t.case_type)),
        ('sla.breached', t.created_at + d.resolve * 0.9 * interval '1 second', t.case_id is not null and i % 15 = 0, null, null, jsonb_build_object('caseId', t.case_id, 'caseType', t.case_type)),
        ('case.closed', t.created_at + d.resolve * interval '1 second', t.case_id is not null, null, t.agent, jsonb_build_object('caseId', t.case_id, 'caseType', t.case_type, 'status', 'closed'))
      ) e(type, at, keep, task_id, user_id, data)
      where e.keep
    ) x order by at`;
}

/** Presence: every agent changes status every 30 minutes over the month (available, after-work, available, not-ready:lunch). */
export function presenceSql(days: number, end: string): string {
  return `
    insert into events (type, at, user_id, actor, data)
    select 'presence.changed', '${end}'::timestamptz - interval '${days} days' + k * interval '30 minutes' + (u.n % 30) * interval '1 minute', u.id, 'system:bench',
      jsonb_build_object('from', (array['available', 'after-work', 'available', 'not-ready'])[1 + k % 4], 'fromReason', case when k % 4 = 3 then 'lunch' end,
        'to', (array['available', 'after-work', 'available', 'not-ready'])[1 + (k + 1) % 4], 'secondsInPrevious', 1800)
    from (select id, row_number() over (order by id) as n from users where 'agent' = any(roles)) u
    cross join generate_series(1, ${days * 48 - 1}) k`;
}

export const reports: Scenario = {
  name: 'reports',
  title: 'a month of history, 10,000,000 events: each historical report',
  needsPostgres: true,
  setup: (s) =>
    `${s.reportEvents.toLocaleString('en-US')} events of ${s.reportDays} days (tasks in ${QUEUES} queues handled by ${AGENTS} agents with wrap-up codes, declines, abandons; closed cases of 3 types with SLA warnings and breaches; presence every 30 min), written straight into PostgreSQL. ` +
    `The server starts and its background rollup catches up (timed; without rests between batches, WORKLANE_REPORT_REST=0, as nothing else runs). Then each report ${s.reportRequests} times over HTTP, one at a time, with varied intervals (hour over the last day; day, week, month and total over the month) and filters (queue, agent, team, case type).`,
  rows: [
    { key: 'events', label: 'events in the database', unit: '' },
    { key: 'loadS', label: 'writing the history (SQL)', unit: 's' },
    { key: 'rollupS', label: 'rollup catching up on all of it', unit: 's' },
    ...REPORTS.flatMap((r) => [
      { key: `${r.name}P95`, label: `${r.name} p95`, unit: 'ms', target: { op: '<=' as const, value: 500 } },
      { key: `${r.name}P50`, label: `${r.name} p50`, unit: 'ms' },
    ]),
    { key: 'auditP95', label: 'audit log p95', unit: 'ms', target: { op: '<=' as const, value: 500 } },
    { key: 'auditP50', label: 'audit log p50', unit: 'ms' },
  ],
  async run(ctx) {
    const s: Sizes = ctx.sizes;
    const db = await freshPostgres();
    let server: ServerProcess | undefined;
    try {
      const agents = await prepareDatabase(db, config());
      const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
      const t0 = performance.now();
      const tasks = Math.max(1, Math.round(s.reportEvents / EVENTS_PER_TASK) - Math.round((AGENTS * s.reportDays * 48) / EVENTS_PER_TASK));
      const chunk = 100_000;
      for (let first = 0; first < tasks; first += chunk) {
        await query(db.url!, `set session_replication_role = replica; ${historySql(first, Math.min(tasks, first + chunk), tasks, s.reportDays, end)}`);
        if (first % 500_000 === 0 && first > 0) ctx.log(`  history: ${first.toLocaleString('en-US')} of ${tasks.toLocaleString('en-US')} tasks`);
      }
      await query(db.url!, `set session_replication_role = replica; ${presenceSql(s.reportDays, end)}`);
      await query(db.url!, 'analyze');
      const loadS = (performance.now() - t0) / 1000;
      const top = Number((await query<{ m: string }>(db.url!, 'select max(id) as m from events'))[0]!.m);
      const events = Number((await query<{ n: string }>(db.url!, 'select count(*) as n from events'))[0]!.n);
      ctx.log(`  history: ${events.toLocaleString('en-US')} events in ${loadS.toFixed(1)} s; rollup…`);

      const r0 = performance.now();
      // Settle 0: all of the history committed before the server started.
      server = await startWorklane({ db, readyTimeoutMs: s.maxWaitSeconds * 1000, env: { WORKLANE_REPORT_POLL_MS: '200', WORKLANE_REPORT_SETTLE_MS: '0', WORKLANE_REPORT_REST: '0' } });
      const until = Date.now() + s.maxWaitSeconds * 1000 * 10;
      let wm = 0;
      while (Date.now() < until) {
        wm = Number((await query<{ watermark: string }>(db.url!, 'select watermark from report_rollup where id = 1'))[0]!.watermark);
        if (wm >= top) break;
        await sleep(200);
      }
      if (wm < top) throw new Error(`the rollup reached event ${wm} of ${top} within the time bound`);
      const rollupS = (performance.now() - r0) / 1000;

      const http = new HttpClient(server.base, 4);
      const rnd = prng(11 + ctx.run);
      const endMs = Date.parse(end);
      const monthFrom = new Date(endMs - s.reportDays * 86_400_000).toISOString();
      const dayFrom = new Date(endMs - 86_400_000).toISOString();
      const values: Record<string, number> = { events, loadS, rollupS };
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
      for (const def of REPORTS) {
        const times: number[] = [];
        for (let i = 0; i < s.reportRequests; i++) {
          const interval = (['hour', 'day', 'week', 'month', 'total'] as const)[i % 5]!;
          const params = new URLSearchParams({ from: interval === 'hour' ? dayFrom : monthFrom, to: end, interval });
          // Every other request filters by one of the report's filters.
          const f = i % 2 === 1 && def.filters.length ? pick(def.filters) : undefined;
          if (f === 'queue') params.set('queue', `q00${Math.floor(rnd() * QUEUES)}`);
          if (f === 'agent') params.set('agent', pick(agents).id);
          if (f === 'team') params.set('team', `t-s00${Math.floor(rnd() * QUEUES)}`);
          if (f === 'caseType') params.set('caseType', pick(CASE_TYPES));
          const t = performance.now();
          must(await http.request('GET', `/api/v1/reports/${def.name}?${params}`, undefined, AUTH), `${def.name} ${params}`);
          times.push(performance.now() - t);
        }
        values[`${def.name}P95`] = percentile(times, 95);
        values[`${def.name}P50`] = percentile(times, 50);
      }
      // The audit log over the same history: its events are the configuration's, older than all of it.
      const audit: number[] = [];
      const auditFilters = ['', 'kind=config', 'kind=webhook', 'actor=cli', `from=${encodeURIComponent(monthFrom)}&to=${encodeURIComponent(end)}`];
      for (let i = 0; i < s.reportRequests; i++) {
        const t = performance.now();
        must(await http.request('GET', `/api/v1/audit?${auditFilters[i % auditFilters.length]}`, undefined, AUTH), 'audit');
        audit.push(performance.now() - t);
      }
      values.auditP95 = percentile(audit, 95);
      values.auditP50 = percentile(audit, 50);
      http.close();
      return { values, notes: [`rollup: ${(events / rollupS).toFixed(0)} events/s (from server start, including start-up)`] };
    } finally {
      await server?.stop();
      await db.drop();
    }
  },
};
