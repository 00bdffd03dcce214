import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { reportAdvisorsMigration } from '../../src/reports/migration.js';
import { BACKENDS, Client, startHarness, type Harness } from './harness.js';

// Seed 000's standard reports: cases closed per advisor, and cases escalated by hand per case type
// and advisor, in a period. The person is the one who did it (the event's actor); escalations the
// clocks made are nobody's.
process.env.WORKLANE_REPORT_POLL_MS = '3600000';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('cases per advisor on $backend', ({ backend, skip }) => {
  let h: Harness;
  let ann: Client;
  let ids: Record<string, string>;
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const rows = async (query = '') => {
    const r = await ann.req('GET', `/api/v1/reports/case-advisors?from=${today}&to=${tomorrow}&interval=total${query}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return (r.json.rows as Json[]).map((x) => [x.agentName, x.caseType, x.closed, x.escalated, x.slaMetPercent]);
  };
  const expected = [
    ['Alice Advisor', 'technical', 1, 1, 100],
    ['Sam Supervisor', 'technical', 1, 0, 100],
  ];

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    ann = await Client.login(h.base, 'ann@worklane.local', 'ann123');
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const users = (await admin.req('GET', '/api/v1/users?limit=100')).json.items as { id: string; email: string }[];
    ids = Object.fromEntries(users.map((u) => [u.email.split('@')[0]!, u.id]));
    const key = (await admin.req('POST', '/api/v1/api-keys', { name: 'advisor-cases', scopes: ['cases:write'] })).json.key;
    const portal = new Client(h.base, key);
    const open = async (subject: string) =>
      (await portal.req('POST', '/api/v1/cases', { caseType: 'technical', fields: { email: 'eve@example.com', name: 'Eve', product: 'router', subject, description: 'For the advisor report.', consent: true } })).json.id as string;
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    // One: Alice escalates it by hand; Sam closes it.
    const one = await open('Escalated by Alice');
    expect((await alice.req('POST', `/api/v1/cases/${one}/escalate`, { reason: 'needs an expert' })).status).toBe(200);
    expect((await sam.req('POST', `/api/v1/cases/${one}/close`, { resolution: 'fixed by the expert' })).status).toBe(200);
    // Two: Alice closes it.
    const two = await open('Closed by Alice');
    expect((await alice.req('POST', `/api/v1/cases/${two}/close`, { resolution: 'explained' })).status).toBe(200);
    // Three: the clocks escalate it (nobody's), and nobody closes it.
    const three = await open('Escalated by the clock');
    await h.db.store.db.insertInto('events').values({ type: 'case.escalated', actor: 'system', data: JSON.stringify({ caseId: three, caseType: 'technical', automatic: true, level: 1 }) }).execute();
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('counts who closed and who escalated by hand, from the events not rolled up yet', async () => {
    expect(await rows()).toEqual(expected);
    expect(await rows(`&agent=${ids.alice}`)).toEqual([expected[0]]);
    expect(await rows('&team=experts')).toEqual([expected[1]]); // Sam leads the experts too
  });

  it.skipIf(skip)('counts the same after the rollup, and after the migration rebuilt the grain from the events', async () => {
    expect(await h.app.services.reports.catchUp(0)).toBeGreaterThan(0);
    expect(await rows()).toEqual(expected);
    const db = h.db.store.db;
    await sql`delete from report_hourly where grain = 'advisor'`.execute(db);
    await sql`delete from report_daily where grain = 'advisor'`.execute(db);
    expect(await rows()).toEqual([]);
    await reportAdvisorsMigration(db as never);
    expect(await rows()).toEqual(expected);
    // The other reports did not change: the clocks' escalation still counts per case type.
    const vol = await ann.req('GET', `/api/v1/reports/case-volumes?from=${today}&to=${tomorrow}&interval=total&caseType=technical`);
    expect(vol.json.rows[0]).toMatchObject({ created: 3, escalated: 2, closed: 2 });
  });
});
