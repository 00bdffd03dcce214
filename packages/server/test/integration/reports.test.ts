import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { bucketStart, percentilesOf, reportNamed } from '@worklane/core';
import { readFacts } from '../../src/reports/query.js';
import { ReportRollup } from '../../src/reports/rollup.js';
import { BACKENDS, Client, DEMO_KEY, startHarness, type Harness } from './harness.js';

// The background rollup runs once at start, then only when a test asks: the tail is then ours to see.
process.env.WORKLANE_REPORT_POLL_MS = '3600000';

const DAY = '2026-06-01';
const T = (hhmmss: string) => new Date(`${DAY}T${hhmmss}Z`);
const RANGE = `from=${DAY}&to=2026-06-02`;

describe.each(BACKENDS)('historical reports on $backend', ({ backend, skip }) => {
  let h: Harness;
  let analyst: Client;
  let aliceId: string;
  const db = () => h.db.store.db;
  const idle = () => h.app.services.dispatcher.idle();
  const report = async (name: string, query = '') => analyst.req('GET', `/api/v1/reports/${name}?${RANGE}${query ? `&${query}` : ''}`);
  /** Moves every event of a task of type `type` (and the task's own times) to `at`. */
  const move = async (taskId: string, type: string, at: Date) => {
    await db().updateTable('events').set({ at }).where('task_id', '=', taskId).where('type', '=', type).execute();
  };
  const presence = (at: Date, from: string, fromReason: string | null, to: string, secondsInPrevious: number | null) => ({
    type: 'presence.changed', user_id: aliceId, actor: 'system', at,
    data: JSON.stringify({ from, fromReason, to, reason: null, secondsInPrevious }),
  });

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    analyst = await Client.login(h.base, 'ann@worklane.local', 'ann123');
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    aliceId = (await alice.req('GET', '/api/v1/me')).json.user.id;
    const crm = new Client(h.base, DEMO_KEY);
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const cases = new Client(h.base, (await admin.req('POST', '/api/v1/api-keys', { name: 'report-cases', scopes: ['cases:write'] })).json.key);

    // T1: offered to Alice, accepted, completed "processed".
    const stream = await alice.stream();
    await alice.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t1 = (await crm.req('POST', '/api/v1/tasks', { worktype: 'invoice-dispute', source: 'crm', externalId: 'REP-1', title: 'Rep 1', attributes: { orderId: 'REP-1', department: 'Finance', segment: 'Gold' } })).json.id;
    const { offer } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t1);
    expect((await alice.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await alice.req('POST', `/api/v1/tasks/${t1}/complete`, { wrapUpCode: 'processed' })).status).toBe(200);

    // T2: nobody available; canceled while waiting (abandoned).
    await alice.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
    await idle();
    const t2 = (await crm.req('POST', '/api/v1/tasks', { worktype: 'invoice-dispute', source: 'crm', externalId: 'REP-2', title: 'Rep 2', attributes: { orderId: 'REP-2', department: 'Finance', segment: 'Gold' } })).json.id;
    await idle();
    expect((await admin.req('POST', `/api/v1/tasks/${t2}/cancel`, { reason: 'customer gave up' })).status).toBe(200);

    // A technical case: Alice takes the advisor task and resolves it; the case closes.
    const c = (await cases.req('POST', '/api/v1/cases', { caseType: 'technical', fields: { email: 'rep@example.com', name: 'Rep', product: 'router', subject: 'Report case', description: 'For the reports test.', consent: true } })).json;
    await alice.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await idle();
    const caseTask = (await db().selectFrom('tasks').select('id').where('case_id', '=', c.id).executeTakeFirstOrThrow()).id;
    const { offer: o3 } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === caseTask);
    expect((await alice.req('POST', `/api/v1/offers/${o3.id}/accept`)).status).toBe(200);
    expect((await alice.req('POST', `/api/v1/tasks/${caseTask}/complete`, { wrapUpCode: 'resolved' })).status).toBe(200);
    await alice.req('PUT', '/api/v1/me/presence', { status: 'offline' });
    stream.close();
    await idle();

    // Exact times on one past day: waits, handle and resolution times become known numbers.
    await db().updateTable('tasks').set({ created_at: T('10:00:00') as never, entered_queue_at: T('10:00:00') }).where('id', '=', t1).execute();
    await move(t1, 'task.created', T('10:00:00'));
    await move(t1, 'task.queued', T('10:00:00'));
    await move(t1, 'task.offered', T('10:00:10'));
    await move(t1, 'task.assigned', T('10:00:30'));
    await move(t1, 'task.completed', T('10:05:30'));
    await db().updateTable('tasks').set({ created_at: T('11:00:00') as never, entered_queue_at: T('11:00:00') }).where('id', '=', t2).execute();
    await move(t2, 'task.created', T('11:00:00'));
    await move(t2, 'task.queued', T('11:00:00'));
    await move(t2, 'task.canceled', T('11:02:00'));
    await db().updateTable('cases').set({ created_at: T('12:00:00') as never }).where('id', '=', c.id).execute();
    await db().updateTable('tasks').set({ created_at: T('12:00:00') as never, entered_queue_at: T('12:00:00') }).where('id', '=', caseTask).execute();
    await db().updateTable('events').set({ at: T('12:00:00') }).where('case_id', '=', c.id).where('type', '=', 'case.created').execute();
    for (const [type, at] of [['task.created', '12:00:00'], ['task.queued', '12:00:00'], ['task.offered', '12:00:05'], ['task.assigned', '12:01:00'], ['task.completed', '13:59:00']] as const) await move(caseTask, type, T(at));
    await db().updateTable('events').set({ at: T('14:00:00') }).where('case_id', '=', c.id).where('type', 'in', ['case.closed', 'case.resolved']).execute();
    await db().updateTable('events').set({ at: T('12:01:00') }).where('case_id', '=', c.id).where('type', '=', 'case.assigned').execute();
    await db().insertInto('events').values([
      { type: 'sla.warning', actor: 'system', at: T('13:00:00'), data: JSON.stringify({ caseId: c.id, caseType: 'technical', percent: 80 }) },
      // Alice: available 09:30–10:45 (4500 s), lunch 10:45–11:15 (1800 s), then available again.
      presence(T('09:30:00'), 'offline', null, 'available', null),
      presence(T('10:45:00'), 'available', null, 'not-ready', 4500),
      presence(T('11:15:00'), 'not-ready', 'lunch', 'available', 1800),
    ]).execute();
  });
  afterAll(async () => {
    await h?.close();
  });

  const expectDay = async () => {
    const q = await report('queue-activity', 'queue=finance');
    expect(q.status).toBe(200);
    expect(q.json.rows).toEqual([
      expect.objectContaining({ bucket: `${DAY}T00:00:00.000Z`, queue: 'finance', queueName: 'Finance', created: 2, offered: 1, assigned: 1, completed: 1, canceled: 1, abandoned: 1, averageWaitSeconds: 30, maxWaitSeconds: 30, serviceLevelPercent: 50 }),
    ]);
    const hourly = (await report('queue-activity', 'queue=finance&interval=hour')).json;
    expect(hourly.buckets).toHaveLength(24);
    expect(hourly.rows.map((r: { bucket: string; created: number; completed: number }) => [r.bucket.slice(11, 13), r.created, r.completed])).toEqual([['10', 1, 1], ['11', 1, 0]]);

    const a = (await report('agent-performance', `agent=${aliceId}`)).json.rows;
    expect(a).toEqual([expect.objectContaining({ agent: aliceId, agentName: expect.stringContaining('Alice'), offered: 2, handled: 2, totalHandleSeconds: 300 + 7080, averageHandleSeconds: 3690, availableSeconds: 4500, notReadySeconds: 1800, notReadyReasons: 'lunch: 30 min', declined: 0, rona: 0, wrapUps: 'processed: 1; resolved: 1' })]);
    const aHours = (await report('agent-performance', `agent=${aliceId}&interval=hour`)).json.rows;
    expect(aHours.map((r: { bucket: string; availableSeconds: number; notReadySeconds: number }) => [r.bucket.slice(11, 13), r.availableSeconds, r.notReadySeconds])).toEqual([['09', 1800, 0], ['10', 2700, 900], ['11', 0, 900], ['12', 0, 0], ['13', 0, 0]]);

    const w = (await report('wrap-ups', 'interval=total')).json.rows;
    expect(w.map((r: { queue: string; code: string; completed: number; percentOfQueue: number }) => [r.queue, r.code, r.completed, r.percentOfQueue])).toEqual([['case-advisors', 'resolved', 1, 100], ['finance', 'processed', 1, 100]]);

    const aq = (await report('agent-queues', 'interval=total')).json.rows;
    expect(aq.map((r: { agentName: string; queue: string; handled: number; totalHandleSeconds: number; averageHandleSeconds: number; wrapUps: string }) => [r.agentName, r.queue, r.handled, r.totalHandleSeconds, r.averageHandleSeconds, r.wrapUps])).toEqual([
      [expect.stringContaining('Alice'), 'case-advisors', 1, 7080, 7080, 'resolved: 1'],
      [expect.stringContaining('Alice'), 'finance', 1, 300, 300, 'processed: 1'],
    ]);
    expect((await report('agent-queues', `interval=total&queue=finance&agent=${aliceId}`)).json.rows.map((r: { queue: string }) => r.queue)).toEqual(['finance']);

    expect((await report('case-volumes', 'caseType=technical')).json.rows).toEqual([expect.objectContaining({ caseType: 'technical', created: 1, closed: 1, resolved: 0, escalated: 0 })]);
    expect((await report('case-resolution')).json.rows).toEqual([expect.objectContaining({ caseType: 'technical', closed: 1, averageSeconds: 7200, p90Seconds: 7200, maxSeconds: 7200 })]);
    expect((await report('sla-compliance')).json.rows).toEqual([expect.objectContaining({ caseType: 'technical', closed: 1, slaWarned: 1, slaBreached: 0, slaMetPercent: 100, tasksCompleted: 1, olaMetPercent: 100 })]);
  };

  it.skipIf(skip)('counts exactly from raw events before the rollup ran (the un-rolled tail)', async () => {
    await expectDay();
  });

  it.skipIf(skip)('counts the same from the hourly aggregates after the rollup, and adds events that came later', async () => {
    const rolled = await h.app.services.reports.catchUp(0);
    expect(rolled).toBeGreaterThan(0);
    const top = Number((await sql<{ m: string }>`select max(id) as m from events`.execute(db())).rows[0]!.m);
    expect(await h.app.services.reports.watermark()).toBe(top);
    expect(Number((await sql<{ n: string }>`select count(*) as n from report_hourly where hour >= ${T('00:00:00')} and hour < ${T('23:59:59')}`.execute(db())).rows[0]!.n)).toBeGreaterThan(5);
    await expectDay();
    expect(await h.app.services.reports.catchUp(0)).toBe(0); // nothing counted twice

    // A task captured after the rollup: in the tail, on the same day.
    const crm = new Client(h.base, DEMO_KEY);
    const t4 = (await crm.req('POST', '/api/v1/tasks', { worktype: 'invoice-dispute', source: 'crm', externalId: 'REP-4', title: 'Rep 4', attributes: { orderId: 'REP-4', department: 'Finance', segment: 'Gold' } })).json.id;
    await move(t4, 'task.created', T('15:00:00'));
    expect((await report('queue-activity', 'queue=finance&interval=total')).json.rows[0].created).toBe(3);
    expect(await h.app.services.reports.watermark()).toBe(top);
    await h.app.services.reports.catchUp(0);
    expect((await report('queue-activity', 'queue=finance&interval=total')).json.rows[0].created).toBe(3);
  });

  it.skipIf(skip)('a supervisor sees the queues and people of their teams only; case-level figures stay visible', async () => {
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const made = await admin.req('POST', '/api/v1/users', { email: 'rep-otto@worklane.local', name: 'Otto No-team', roles: ['supervisor'], password: 'otto123' });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const otto = await Client.login(h.base, 'rep-otto@worklane.local', 'otto123');
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const as = async (c: Client, name: string, query: string) => {
      const r = await c.req('GET', `/api/v1/reports/${name}?${RANGE}&${query}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json.rows as { queue?: string; created?: number }[];
    };
    expect(await as(otto, 'queue-activity', 'queue=finance')).toEqual([]);
    expect(await as(otto, 'agent-performance', `agent=${aliceId}`)).toEqual([]);
    expect(await as(otto, 'wrap-ups', 'interval=total')).toEqual([]);
    expect(await as(otto, 'case-volumes', 'caseType=technical')).toEqual([expect.objectContaining({ caseType: 'technical', created: 1 })]);
    // Sam supervises the demo teams, who serve the finance queue: the same figures as the analyst's.
    expect(await as(sam, 'queue-activity', 'queue=finance&interval=total')).toEqual((await report('queue-activity', 'queue=finance&interval=total')).json.rows);
  });

  it.skipIf(skip)('case resolution p90s computed in the database are the nearest-rank p90s of every duration (by day and case type, by day, in all)', async () => {
    // Durations as the rollup keeps them, on days no other test uses: 3 days, 2 case types, uneven counts.
    const rows = Array.from({ length: 41 }, (_, i) => ({
      event_id: -1000 - i,
      at: new Date(Date.UTC(2026, 6, 1 + (i % 3), i % 24, (i * 7) % 60)), // one at 18:06 UTC: before midnight in Kolkata (18:30)
      case_type: i % 5 === 0 ? 'billing' : 'technical',
      seconds: ((i * 7919) % 997) + (i % 3) * 1000,
    }));
    for (const r of rows) await sql`insert into report_case_durations (event_id, at, case_type, seconds) values (${r.event_id}, ${r.at}, ${r.case_type}, ${r.seconds})`.execute(db());
    const def = reportNamed('case-resolution')!;
    // Each duration in the bucket of its instant (core's bucketStart), in zones with whole-hour
    // offsets (a binary search over the buckets' starts) and with a half-hour one (per duration).
    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata'])
      for (const interval of ['hour', 'day', 'week', 'total'] as const) {
        const from = new Date('2026-07-01T00:00:00Z');
        const { durations } = await readFacts(db(), { def, from, to: new Date('2026-07-04T00:00:00Z'), interval, zone, filters: {} });
        const expected = percentilesOf(rows.map((r) => ({ bucket: bucketStart(r.at.getTime(), interval, zone, from.getTime()), caseType: r.case_type, seconds: r.seconds })));
        expect(durations).toEqual(expected);
        if (zone === 'UTC' && interval !== 'hour') expect(durations.byBucketAndType.size).toBe(interval === 'day' ? 6 : 2);
      }
    await sql`delete from report_case_durations where event_id < 0`.execute(db());
  });

  it.skipIf(skip)('lists the reports; answers CSV as an attachment', async () => {
    const list = (await analyst.req('GET', '/api/v1/reports')).json.items;
    expect(list.map((r: { name: string }) => r.name)).toEqual(['queue-activity', 'agent-performance', 'wrap-ups', 'agent-queues', 'satisfaction', 'quality', 'case-volumes', 'case-advisors', 'case-resolution', 'sla-compliance']);
    expect(list[0]).toMatchObject({ filters: ['queue', 'caseType'], intervals: ['hour', 'day', 'week', 'month', 'total'] });
    const values = (await analyst.req('GET', '/api/v1/reports')).json.filterValues;
    expect(values.queue).toContainEqual({ id: 'finance', name: 'Finance' });
    expect(values.agent).toContainEqual({ id: aliceId, name: expect.stringContaining('Alice') });
    expect(values.caseType.map((c: { id: string }) => c.id)).toContain('technical');
    const csv = await report('wrap-ups', 'interval=total&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="wrap-ups_${DAY}_2026-06-02.csv"`);
    expect((csv.json as string).split('\r\n')[0]).toBe('Period start,Queue id,Queue,Wrap-up code,Completed,% of queue,Average handle (s)');
    expect((csv.json as string).split('\r\n')).toContain(`${DAY}T00:00:00.000Z,finance,Finance,processed,1,100,300`);
  });

  it.skipIf(skip)('filters by team and time zone; bad input is a 400 naming the parameter', async () => {
    const team = (await report('agent-performance', 'team=front-office&interval=total')).json.rows;
    expect(team.map((r: { agent: string }) => r.agent)).toContain(aliceId);
    expect((await report('agent-performance', 'team=experts&interval=total')).json.rows.map((r: { agent: string }) => r.agent)).not.toContain(aliceId);
    // In New York the day of 2026-06-01 starts at 04:00Z: the 10:00Z–11:02Z work is on it.
    const ny = (await analyst.req('GET', '/api/v1/reports/queue-activity?from=2026-06-01&to=2026-06-02&tz=America/New_York&queue=finance')).json;
    expect(ny.from).toBe('2026-06-01T04:00:00.000Z');
    expect(ny.rows[0]).toMatchObject({ bucket: '2026-06-01T04:00:00.000Z', created: 3 }); // T4 too

    const cases: [string, string, number][] = [
      ['queue-activity?queue=nope', '/queue', 400],
      ['queue-activity?agent=x', '/agent', 400],
      ['agent-performance?team=nope', '/team', 400],
      ['case-volumes?caseType=nope', '/caseType', 400],
      ['queue-activity?from=yesterday', '/from', 400],
      ['queue-activity?to=2026-13-45', '/to', 400],
      ['queue-activity?from=2026-06-02&to=2026-06-01', '/from', 400],
      ['queue-activity?from=2026-01-01&to=2026-06-01&interval=hour', '/to', 400],
      ['queue-activity?tz=Mars/Olympus', '/tz', 400],
      ['queue-activity?interval=fortnight', '/interval', 400],
      ['queue-activity?format=xml', '/format', 400],
    ];
    for (const [path, pointer, status] of cases) {
      const r = await analyst.req('GET', `/api/v1/reports/${path}`);
      expect(r.status, path).toBe(status);
      expect(r.headers.get('content-type'), path).toContain('application/problem+json');
      expect(r.json.errors?.[0]?.pointer, path).toBe(pointer);
    }
    expect((await analyst.req('GET', '/api/v1/reports/nope')).status).toBe(404);
    const agent = await Client.login(h.base, 'bob@worklane.local', 'bob123');
    expect((await agent.req('GET', '/api/v1/reports/queue-activity')).status).toBe(403);
  });

  it.skipIf(skip)('catching up in the background, the rollup rests between batches (live work first); stop ends the rest at once', async () => {
    await h.app.services.reports.catchUp(0);
    const from = await h.app.services.reports.watermark();
    // A backlog of 1,200 events of a type no report reads: the watermark moves over them all the same.
    await sql`insert into events (type, actor, data) select 'test.backlog', 'test', '{}'::jsonb from generate_series(1, 1200)`.execute(db());
    const rollup = new ReportRollup(db(), h.app.app.log, { batch: 500, batchMs: 60_000, pollMs: 3_600_000, settleMs: 0, dayZone: 'UTC', restRatio: 100_000 });
    rollup.start();
    try {
      await expect.poll(() => rollup.watermark(), { timeout: 10_000 }).toBe(from + 500);
      await new Promise((r) => setTimeout(r, 500));
      expect(await rollup.watermark()).toBe(from + 500); // resting, not rolling on
    } finally {
      const t0 = performance.now();
      await rollup.stop();
      expect(performance.now() - t0).toBeLessThan(1_000);
    }
    expect(await h.app.services.reports.catchUp(0)).toBe(700); // in the foreground: no rest
  });
});
