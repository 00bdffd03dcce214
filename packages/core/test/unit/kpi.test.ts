import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { anomalies, buildInsights, checkTargets, formatKpi, goalFor, usualOf, type Fact, type KpiTarget } from '../../src/index.js';

const DAY = 86_400_000;
const D0 = Date.parse('2026-06-01T00:00:00Z');
const days = Array.from({ length: 7 }, (_, i) => D0 + i * DAY);

const fact = (bucket: number, metric: string, o: Partial<Fact> = {}): Fact => ({ bucket, metric, queue: '', agent: '', caseType: '', code: '', n: 1, total: 0, max: null, within: 0, ...o });

describe('anomalies', () => {
  it('flags the one bad period and says what is usual', () => {
    const waits = [30, 32, 28, 31, 29, 30, 240];
    expect(anomalies(waits, 'lower', 'seconds')).toEqual([{ index: 6, value: 240, usual: 30, score: expect.any(Number) }]);
    // The same period is good news when more is better.
    expect(anomalies(waits, 'higher', 'seconds')).toEqual([]);
  });

  it('uses the mean deviation when most values are equal, and ignores immaterial differences', () => {
    expect(anomalies([80, 80, 80, 80, 80, 40], 'higher', 'percent').map((a) => a.index)).toEqual([5]);
    expect(anomalies([300, 300, 300, 300, 300, 301], 'lower', 'seconds')).toEqual([]);
    expect(anomalies([90, 90, 90, 90, 90, 87], 'higher', 'percent')).toEqual([]);
    // One abandoned task of 10 is 10 points, and still one caller: two events' worth are needed.
    expect(anomalies([0, 0, 0, 0, 0, 10], 'lower', 'percent', { bases: [10, 10, 10, 10, 10, 10] })).toEqual([]);
    expect(anomalies([0, 0, 0, 0, 0, 20], 'lower', 'percent', { bases: [10, 10, 10, 10, 10, 10] }).map((a) => a.index)).toEqual([5]);
  });

  it('needs enough periods and leaves unmeasured ones out', () => {
    expect(anomalies([30, 30, 30, 400], 'lower', 'seconds')).toEqual([]);
    expect(anomalies([30, null, 31, 29, null, 30, 400], 'lower', 'seconds').map((a) => a.index)).toEqual([6]);
  });

  const series = fc.array(fc.option(fc.double({ min: 0, max: 10_000, noNaN: true }), { nil: null }), { maxLength: 40 });

  it('property: flags only measured values, in the bad direction, materially and far from the median', () => {
    fc.assert(
      fc.property(series, fc.constantFrom('higher' as const, 'lower' as const), fc.constantFrom('percent' as const, 'seconds' as const), (values, better, unit) => {
        const known = values.filter((v): v is number => v !== null);
        const usual = usualOf(known);
        for (const a of anomalies(values, better, unit)) {
          expect(values[a.index]).toBe(a.value);
          expect(a.usual).toBe(usual!.median);
          expect(better === 'higher' ? a.value < a.usual : a.value > a.usual).toBe(true);
          expect(Math.abs(a.score)).toBeGreaterThan(3.5);
          expect(Math.abs(a.value - a.usual)).toBeGreaterThanOrEqual(unit === 'percent' ? 5 : Math.max(5, a.usual * 0.1));
        }
      }),
    );
  });

  it('property: a constant series, or the same series shifted, finds the same (none for constant)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.integer({ min: 0, max: 30 }), (v, n) => {
        expect(anomalies(Array(n).fill(v), 'lower', 'seconds')).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 30 }), fc.integer({ min: 0, max: 1000 }), (values, shift) => {
        const idx = (vs: number[]) => anomalies(vs, 'higher', 'percent').map((a) => a.index);
        expect(idx(values.map((v) => v + shift))).toEqual(idx(values));
      }),
    );
  });

  it('property: one wild value among steady ones is always found (robust: it cannot hide itself)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 95, max: 105 }), { minLength: 5, maxLength: 30 }), fc.integer({ min: 0, max: 29 }), (values, at) => {
        const i = at % (values.length + 1);
        const withWild = [...values.slice(0, i), 1000, ...values.slice(i)];
        expect(anomalies(withWild, 'lower', 'seconds').map((a) => a.index)).toContain(i);
      }),
    );
  });
});

describe('KPI targets', () => {
  const targets: KpiTarget[] = [
    { kpi: 'serviceLevelPercent', goal: 80 },
    { kpi: 'serviceLevelPercent', goal: 90, queue: 'vip' },
    { kpi: 'averageHandleSeconds', goal: 600 },
    { kpi: 'averageHandleSeconds', goal: 300, team: 'a' },
    { kpi: 'averageHandleSeconds', goal: 400, team: 'b' },
  ];

  it("takes the queue's or team's own goal over the default, the strictest of several teams", () => {
    expect(goalFor('serviceLevelPercent', targets, { queue: 'vip' })).toEqual({ goal: 90, from: 'queue' });
    expect(goalFor('serviceLevelPercent', targets, { queue: 'other' })).toEqual({ goal: 80, from: 'default' });
    expect(goalFor('averageHandleSeconds', targets, { teams: ['b', 'a'] })).toEqual({ goal: 300, from: 'team' });
    expect(goalFor('averageHandleSeconds', targets, { teams: ['c'] })).toEqual({ goal: 600, from: 'default' });
    expect(goalFor('ronaPercent', targets, { teams: ['a'] })).toBeNull();
  });

  it('refuses a scope that does not fit, unknown names, percentages over 100 and a second goal for the same scope', () => {
    const bad = [
      { kpi: 'serviceLevelPercent', goal: 80, team: 'a' },
      { kpi: 'averageHandleSeconds', goal: 80, queue: 'vip' },
      { kpi: 'abandonedPercent', goal: 120 },
      { kpi: 'serviceLevelPercent', goal: 70, queue: 'nope' },
      { kpi: 'serviceLevelPercent', goal: 80 },
      { kpi: 'serviceLevelPercent', goal: 85 },
    ] as KpiTarget[];
    expect(checkTargets(bad, '/kpiTargets', { queues: new Set(['vip']), teams: new Set(['a']) }).map((p) => p.pointer)).toEqual([
      '/kpiTargets/0/team', '/kpiTargets/1/queue', '/kpiTargets/2/goal', '/kpiTargets/3/queue', '/kpiTargets/5/kpi',
    ]);
    expect(checkTargets(targets, '/kpiTargets', { queues: new Set(['vip']), teams: new Set(['a', 'b']) })).toEqual([]);
  });
});

describe('insights', () => {
  // Queue "claims": 10 tasks a day answered within the threshold, except day 7 (2 of 10). Agents: five
  // handle in about 300 s, "slow" in 900 s.
  const queueFacts: Fact[] = days.flatMap((d, i) => [
    fact(d, 'created', { queue: 'claims', n: 10 }),
    fact(d, 'assigned', { queue: 'claims', n: 10, total: i === 6 ? 3000 : 200, within: i === 6 ? 2 : 10 }),
  ]);
  const agents = ['a1', 'a2', 'a3', 'a4', 'a5', 'slow'];
  const agentFacts: Fact[] = agents.flatMap((a, j) => [fact(D0, 'completed', { agent: a, n: 4, total: 4 * (a === 'slow' ? 900 : 290 + j * 5) }), fact(D0, 'offered', { agent: a, n: 4 })]);
  const build = (targets: KpiTarget[]) =>
    buildInsights({ buckets: days, interval: 'day', zone: 'UTC', queueFacts, agentFacts, targets, name: (_s, id) => id.toUpperCase(), teamsOf: () => ['t'] });

  it('measures each queue against its goal, per day and over the range, and flags the bad day', () => {
    const r = build([{ kpi: 'serviceLevelPercent', goal: 95 }]);
    const sl = r.queues[0]!.kpis.serviceLevelPercent!;
    expect(sl).toMatchObject({ value: Math.round((62 / 70) * 1000) / 10, goal: { goal: 95, from: 'default' }, status: 'missed', anomalies: [6], usual: 100 });
    expect(sl.series).toEqual([100, 100, 100, 100, 100, 100, 20]);
    expect(r.queues[0]!.volume).toEqual({ created: 70, answered: 70, abandoned: 0, completed: 0 });
    expect(r.overall.kpis.serviceLevelPercent!.status).toBe('missed');
    expect(r.queues[0]!.kpis.averageWaitSeconds).toMatchObject({ status: 'no-goal', anomalies: [6] });
  });

  it('finds the agent whose handle time is unusual among their peers, and words every finding', () => {
    const r = build([{ kpi: 'serviceLevelPercent', goal: 95 }]);
    const slow = r.agents.find((a) => a.id === 'slow')!;
    expect(slow.kpis.averageHandleSeconds!.outlier).toEqual({ peersUsual: 302.5, score: expect.any(Number) });
    expect(r.agents.filter((a) => a.kpis.averageHandleSeconds!.outlier).map((a) => a.id)).toEqual(['slow']);
    const texts = r.findings.map((f) => `${f.kind}: ${f.text}`);
    expect(texts).toContain('missed: Service level in CLAIMS: 88.6 %, against a goal of at least 95 %');
    expect(texts).toContain('anomaly: Service level in CLAIMS on 2026-06-07: 20 %, usually 100 %');
    expect(texts).toContain('anomaly: Average wait in CLAIMS on 2026-06-07: 5 min, usually 20 s');
    expect(texts).toContain('outlier: Average handle time of SLOW: 15 min, against 5 min usual among agents');
    // Worst first.
    expect(r.findings.map((f) => f.severity)).toEqual([...r.findings.map((f) => f.severity)].sort((a, b) => b - a));
  });

  it('meets a goal it reaches and judges only what the facts can tell', () => {
    const r = buildInsights({ buckets: days, interval: 'day', zone: 'UTC', queueFacts, agentFacts, agentKpis: ['averageHandleSeconds'], targets: [{ kpi: 'serviceLevelPercent', goal: 80, queue: 'claims' }], name: (_s, id) => id, teamsOf: () => [] });
    expect(r.queues[0]!.kpis.serviceLevelPercent).toMatchObject({ status: 'met', goal: { goal: 80, from: 'queue' } });
    expect(Object.keys(r.agents[0]!.kpis)).toEqual(['averageHandleSeconds']);
    expect(r.agents[0]!.kpis.averageHandleSeconds!.status).toBe('no-goal');
  });

  it('formats values as people read them', () => {
    expect([formatKpi('percent', 72.46), formatKpi('seconds', 45), formatKpi('seconds', 720), formatKpi('seconds', 9000)]).toEqual(['72.5 %', '45 s', '12 min', '2.5 h']);
  });
});
