import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../../src/demo/history.js';
import { BACKENDS, Client, startHarness, type Harness } from './harness.js';

// The demo's made-up history (first `npm start`): weekdays only, nothing today, and what Insights
// should find in it: Finance's bad day and Bob's long handle times.
process.env.WORKLANE_REPORT_POLL_MS = '3600000';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const NOW = Date.parse('2026-06-15T12:00:00Z'); // a Monday

describe.each(BACKENDS)('demo history on $backend', ({ backend, skip }) => {
  let h: Harness;
  let ann: Client;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    ann = await Client.login(h.base, 'ann@worklane.local', 'ann123');
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('fills ten weekdays before today, and Insights finds the bad day and the slow agent', async () => {
    const n = await seedDemoHistory(h.db.store.db, NOW);
    expect(n).toBe(10 * (75 + 20)); // 75 tasks and 20 web chats a weekday
    const days = (await h.db.store.db.selectFrom('tasks').select('created_at').where('source', '=', 'demo-history').execute()).map((t) => new Date(t.created_at as Date).toISOString().slice(0, 10));
    const distinct = [...new Set(days)].sort();
    expect(distinct).toEqual(['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12']);

    const x = (await ann.req('GET', '/api/v1/reports/insights?from=2026-06-01&to=2026-06-15')).json as Json;
    const fin = x.queues.find((q: Json) => q.id === 'finance');
    // The third weekday back from Monday 15 June: Wednesday 10 June.
    expect(fin.kpis.averageWaitSeconds.anomalies.map((i: number) => x.buckets[i])).toEqual(['2026-06-10T00:00:00.000Z']);
    expect(fin.kpis.serviceLevelPercent.anomalies.map((i: number) => x.buckets[i])).toEqual(['2026-06-10T00:00:00.000Z']);
    const outliers = x.agents.filter((a: Json) => a.kpis.averageHandleSeconds.outlier).map((a: Json) => a.name);
    expect(outliers).toEqual(['Bob Banker']);
    expect(x.findings.map((f: Json) => f.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^Average handle time of Bob Banker: \d+ min, against \d+ min usual among agents$/)]));
    // Weekends have no work: not measured, not unusual.
    expect(fin.kpis.serviceLevelPercent.series[5]).toBeNull();

    // Visitors rated some chats: Alice's are happier than Bob's.
    const sat = (await ann.req('GET', '/api/v1/reports/satisfaction?from=2026-06-01&to=2026-06-15&interval=total')).json.rows as Json[];
    const score = (name: string) => Number(sat.find((r) => r.agentName.startsWith(name))!.averageScore);
    expect(sat.every((r) => r.queue === 'web-chat' && r.rated > 40)).toBe(true);
    expect(score('Alice')).toBeGreaterThan(score('Bob'));
    // Insights measure satisfaction where there are ratings (Web chat), nowhere else.
    const chat = x.queues.find((q: Json) => q.id === 'web-chat');
    expect(chat.kpis.satisfactionPercent.value).toBeGreaterThan(60);
    expect(chat.kpis.satisfactionPercent.basis).toBeGreaterThan(80);
    expect(fin.kpis.satisfactionPercent).toBeUndefined();
    // Sam's evaluations of the made-up chats: the quality score of Web chat, none for Finance.
    expect(chat.kpis.qualityPercent.basis).toBeGreaterThan(10);
    expect(chat.kpis.qualityPercent.value).toBeGreaterThan(50);
    expect(fin.kpis.qualityPercent).toBeUndefined();
  });
});
