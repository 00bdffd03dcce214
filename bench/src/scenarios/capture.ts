import autocannon from 'autocannon';
import { CPU_ROWS, cpuNow, cpuPer, cpuValues, type CpuSample } from '../lib/cpu.js';
import { freshPostgres, type BenchDatabase } from '../lib/pg.js';
import { graphileAddJob, pgBossSend } from '../lib/peers.js';
import type { Scenario } from '../lib/scenario.js';
import { startBare, startWorklane } from '../lib/server.js';
import { BENCH_API_KEY, captureConfig, countOf, prepareDatabase, sampleTask } from '../lib/setup.js';
import { HttpClient, must } from '../lib/http.js';

export const AUTH = { authorization: `Bearer ${BENCH_API_KEY}` };

/** Checks one capture end to end: 201, and all three rules matched (so every capture runs them). */
export async function checkOneCapture(base: string, id: string): Promise<void> {
  const c = new HttpClient(base, 1);
  try {
    const r = must(await c.request('POST', '/api/v1/tasks', sampleTask(id), AUTH), 'capture check', [201]);
    const matched = (r.json.classification?.matchedRules ?? []) as string[];
    if (matched.length !== 3) throw new Error(`the bench task should match 3 rules, matched ${JSON.stringify(matched)}`);
  } finally {
    c.close();
  }
}

/** autocannon against POST /api/v1/tasks: every 2xx is a committed task (the server answers after commit). */
export async function hammerCapture(base: string, seconds: number, connections: number) {
  const r = await autocannon({
    url: `${base}/api/v1/tasks`, method: 'POST', connections, duration: seconds, timeout: 30,
    headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(sampleTask()), idReplacement: true,
  });
  return { acked: r['2xx'], perSecond: r['2xx'] / r.duration, p50: r.latency.p50, p99: r.latency.p99, failed: r.non2xx + r.errors + r.timeouts };
}

/** The bare server under the capture load: without a database, then with a durable one-row insert. */
async function bareFloor(db: BenchDatabase, seconds: number, warmup: number, connections: number) {
  const run = async (mode: 'http' | 'insert') => {
    const bare = await startBare(mode, db.url);
    try {
      if (warmup) await hammerCapture(bare.base, warmup, connections);
      const r = await hammerCapture(bare.base, seconds, connections);
      if (r.failed) throw new Error(`bare server (${mode}): ${r.failed} requests failed`);
      return r;
    } finally {
      await bare.stop();
    }
  };
  const http = await run('http');
  const insert = await run('insert');
  const rows = await countOf(db, 'select count(*) as n from bare_captures');
  if (rows < insert.acked) throw new Error(`bare server: ${insert.acked} inserts acknowledged, ${rows} rows committed`);
  return { http: http.perSecond, insert: insert.perSecond, insertP99: insert.p99 };
}

export const capture: Scenario = {
  name: 'capture',
  title: 'POST /api/v1/tasks one by one, durable, side by side with pg-boss send and graphile-worker addJob',
  needsPostgres: true,
  setup: (s) =>
    `${s.captureConnections} keep-alive connections (autocannon, own process), ${s.captureSeconds} s per system after a ${s.warmupSeconds} s warm-up; ` +
    'task with 5 attributes validated by a JSON schema and 3 CEL rules that all match; API-key auth; a 2xx is counted only after commit. ' +
    `Peers: same PostgreSQL server and database, ${s.captureConnections} calls in flight, pool of 10 connections like Worklane's. ` +
    'Floor (what this machine allows any Node server under the same load): a bare node:http server in its own process that parses the body and answers 201, ' +
    'without a database and with one row per request written by a group-commit INSERT (pool of 10) before the answer.',
  rows: [
    { key: 'tps', label: 'Worklane capture', unit: 'tasks/s', target: { op: '>=', value: 10_000 } },
    { key: 'p99', label: 'Worklane capture p99 latency', unit: 'ms', target: { op: '<=', value: 25 } },
    { key: 'p50', label: 'Worklane capture p50 latency', unit: 'ms' },
    { key: 'failed', label: 'Worklane non-2xx + errors', unit: 'requests' },
    ...CPU_ROWS('task'),
    { key: 'pgboss', label: 'pg-boss 10 send (one by one)', unit: 'jobs/s' },
    { key: 'graphile', label: 'graphile-worker 0.17 addJob (one by one)', unit: 'jobs/s' },
    { key: 'vsPgboss', label: 'Worklane ÷ pg-boss send (same run)', unit: '×', target: { op: '>=', value: 5 } },
    { key: 'vsGraphile', label: 'Worklane ÷ graphile-worker addJob (same run)', unit: '×', target: { op: '>=', value: 5 } },
    { key: 'bareHttp', label: 'floor: bare node:http, JSON.parse + 201, no database', unit: 'req/s' },
    { key: 'bareInsert', label: 'floor: bare node:http + one row per request, group commit', unit: 'req/s' },
    { key: 'bareInsertP99', label: 'floor: the same, p99 latency', unit: 'ms' },
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshPostgres();
    try {
      await prepareDatabase(db, captureConfig());
      const server = await startWorklane({ db, cpuProfDir: ctx.cpuProfDir });
      let wl;
      let cpu!: CpuSample;
      let warmAcked = 0;
      try {
        await checkOneCapture(server.base, `check-${ctx.run}`);
        if (s.warmupSeconds) warmAcked = (await hammerCapture(server.base, s.warmupSeconds, s.captureConnections)).acked;
        const c0 = cpuNow(server.pid);
        wl = await hammerCapture(server.base, s.captureSeconds, s.captureConnections);
        cpu = cpuPer(c0, cpuNow(server.pid), wl.acked);
      } finally {
        await server.stop();
      }
      const n = await countOf(db, 'select count(*) as n from tasks');
      const e = await countOf(db, "select count(*) as n from events where type = 'task.created'");
      const acked = 1 + warmAcked + wl.acked;
      if (n < acked || e < acked) throw new Error(`durability check failed: ${acked} captures acknowledged, ${n} tasks and ${e} task.created events committed`);
      ctx.log(`worklane ${Math.round(wl.perSecond)} tasks/s p99 ${wl.p99} ms (${acked} acknowledged, ${n} committed)`);
      const boss = await pgBossSend(db.url!, s.captureSeconds, s.captureConnections, sampleTask(`boss-${ctx.run}`));
      ctx.log(`pg-boss send ${Math.round(boss.perSecond)} jobs/s`);
      const gw = await graphileAddJob(db.url!, s.captureSeconds, s.captureConnections, sampleTask(`gw-${ctx.run}`));
      ctx.log(`graphile-worker addJob ${Math.round(gw.perSecond)} jobs/s`);
      const floor = await bareFloor(db, s.captureSeconds, s.warmupSeconds, s.captureConnections);
      ctx.log(`floor: bare http ${Math.round(floor.http)} req/s, bare insert ${Math.round(floor.insert)} req/s p99 ${floor.insertP99} ms`);
      return {
        values: {
          tps: wl.perSecond, p99: wl.p99, p50: wl.p50, failed: wl.failed, ...cpuValues(cpu),
          pgboss: boss.perSecond, graphile: gw.perSecond, vsPgboss: wl.perSecond / boss.perSecond, vsGraphile: wl.perSecond / gw.perSecond,
          bareHttp: floor.http, bareInsert: floor.insert, bareInsertP99: floor.insertP99,
        },
      };
    } finally {
      await db.drop();
    }
  },
};

export const captureBulk: Scenario = {
  name: 'capture-bulk',
  title: 'POST /api/v1/tasks/bulk of 500, durable',
  needsPostgres: true,
  setup: (s) =>
    `${s.bulkConnections} keep-alive connections (autocannon), each request 500 tasks like the capture scenario's (unique externalIds), ${s.bulkSeconds} s after a ${s.warmupSeconds} s warm-up; one transaction per request. ` +
    `A loader asks for ids only (\`Prefer: return=minimal\`, RFC 7240); then ${s.bulkSeconds} s more where every created task is echoed back in full.`,
  rows: [
    { key: 'tps', label: 'Worklane bulk capture (Prefer: return=minimal)', unit: 'tasks/s', target: { op: '>=', value: 50_000 } },
    { key: 'p99', label: 'p99 latency of one 500-task request', unit: 'ms' },
    { key: 'tpsFull', label: 'Worklane bulk capture, every task echoed in full', unit: 'tasks/s' },
    { key: 'failed', label: 'non-2xx + errors', unit: 'requests' },
    ...CPU_ROWS('task, ids only'),
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshPostgres();
    try {
      await prepareDatabase(db, captureConfig());
      const server = await startWorklane({ db, cpuProfDir: ctx.cpuProfDir });
      const body = JSON.stringify({ tasks: Array.from({ length: s.bulkSize }, (_, k) => sampleTask(`[<id>]-${k}`)) });
      const hammer = (seconds: number, minimal: boolean) =>
        autocannon({
          url: `${server.base}/api/v1/tasks/bulk`, method: 'POST', connections: s.bulkConnections, duration: seconds, timeout: 60,
          headers: { ...AUTH, 'content-type': 'application/json', ...(minimal ? { prefer: 'return=minimal' } : {}) }, body, idReplacement: true,
        });
      let r;
      let full;
      let cpu!: CpuSample;
      let warm = 0;
      try {
        if (s.warmupSeconds) warm = (await hammer(s.warmupSeconds, true))['2xx'];
        const c0 = cpuNow(server.pid);
        r = await hammer(s.bulkSeconds, true);
        cpu = cpuPer(c0, cpuNow(server.pid), r['2xx'] * s.bulkSize);
        full = await hammer(s.bulkSeconds, false);
      } finally {
        await server.stop();
      }
      const n = await countOf(db, 'select count(*) as n from tasks');
      const acked = (warm + r['2xx'] + full['2xx']) * s.bulkSize;
      if (n < acked) throw new Error(`durability check failed: ${acked} bulk items acknowledged, ${n} committed`);
      const tps = (r['2xx'] * s.bulkSize) / r.duration;
      const tpsFull = (full['2xx'] * s.bulkSize) / full.duration;
      ctx.log(`bulk ${Math.round(tps)} tasks/s (ids only), p99 ${r.latency.p99} ms per request; ${Math.round(tpsFull)} tasks/s echoed in full`);
      return { values: { tps, p99: r.latency.p99, tpsFull, ...cpuValues(cpu), failed: r.non2xx + r.errors + r.timeouts + full.non2xx + full.errors + full.timeouts } };
    } finally {
      await db.drop();
    }
  },
};
