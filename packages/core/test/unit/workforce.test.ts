import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  adherenceOf, awardLines, buildSchedule, lineFits, pooledRequirement, coverageOf, erlangC, forecastError, forecastHours, keepsTo, mondayOf, requirementOf, serviceLevelOf, shiftActivities, shrinkageOf, staffingFor, weekHours,
  type Activity, type Contract, type HourVolume, type ScheduleLine, type StatusSpan,
} from '../../src/index.js';

const H = 3_600_000;
const M = 60_000;
const goal = { serviceLevel: 0.8, thresholdSeconds: 20, maxOccupancy: 0.85, concurrency: 1 };

describe('Erlang C', () => {
  it('matches the formula on a small case and answers the textbook question', () => {
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 10); // B(3,2) = 4/19; C = 3B / (3 − 2(1 − B))
    expect(erlangC(2, 2)).toBe(1);
    expect(erlangC(5, 0)).toBe(0);
    // The textbook case: 100 contacts in 30 minutes of 180 s are 10 erlangs; 80 % within 20 s
    // needs 14 people (88.8 %); 13 answer 79.6 %.
    const s = staffingFor({ contacts: 100, intervalSeconds: 1800, handleSeconds: 180, ...goal });
    expect(s.agents).toBe(14);
    expect(s.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(serviceLevelOf(13, 10, 180, 20)).toBeCloseTo(0.7956, 4);
  });

  it('chats share a person (concurrency) and deferred work is staffed by its workload', () => {
    const alone = staffingFor({ contacts: 60, intervalSeconds: 3600, handleSeconds: 600, ...goal });
    const three = staffingFor({ contacts: 60, intervalSeconds: 3600, handleSeconds: 600, ...goal, concurrency: 3 });
    expect(three.agents).toBeLessThan(alone.agents);
    const back = staffingFor({ contacts: 30, intervalSeconds: 3600, handleSeconds: 600, ...goal, thresholdSeconds: 4 * 3600 });
    expect(back).toMatchObject({ method: 'workload', agents: Math.ceil(5 / 0.85) }); // 5 hours of work at 85 %
    expect(staffingFor({ contacts: 0, intervalSeconds: 3600, handleSeconds: 600, ...goal }).agents).toBe(0);
  });

  it('property: the answer is the fewest people meeting the goal and the occupancy cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 30, max: 900 }), fc.double({ min: 0.5, max: 0.95, noNaN: true }), fc.integer({ min: 5, max: 120 }), (contacts, aht, sl, t) => {
        const i = { contacts, intervalSeconds: 3600, handleSeconds: aht, serviceLevel: sl, thresholdSeconds: t, maxOccupancy: 0.9, concurrency: 1 };
        const s = staffingFor(i);
        const a = (contacts * aht) / 3600;
        expect(s.serviceLevel).toBeGreaterThanOrEqual(sl);
        expect(s.occupancy).toBeLessThanOrEqual(0.9 + 1e-9);
        const fewer = s.agents - 1;
        expect(fewer < a / 0.9 - 1e-9 || serviceLevelOf(fewer, a, aht, t) < sl).toBe(true);
      }),
    );
  });

  it('property: more people never lower the service level', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0.1, max: 150, noNaN: true }), (n, a) => {
      expect(serviceLevelOf(n + 1, a, 300, 20)).toBeGreaterThanOrEqual(serviceLevelOf(n, a, 300, 20) - 1e-12);
      expect(erlangC(n, a)).toBeGreaterThanOrEqual(0);
      expect(erlangC(n, a)).toBeLessThanOrEqual(1);
    }));
  });
});

describe('forecast', () => {
  const zone = 'Europe/Amsterdam';
  const monday = '2026-11-30';
  const hours = weekHours(monday, zone);
  const now = Date.UTC(2026, 10, 30, 0); // before the week begins
  const history = new Map<number, HourVolume>();
  // Three past weeks: 10, 20, 30 contacts (oldest to newest) at Monday 09:00 local; handle 200 s then 400 s.
  [30, 20, 10].forEach((n, k) => history.set(hours[9]! - (k + 1) * 7 * 24 * H, { contacts: n, handled: n, handleSeconds: n * (k === 0 ? 400 : 200) }));

  it('is a weighted mean of the same hour in past weeks, nearest first', () => {
    expect(hours).toHaveLength(168);
    expect(weekHours('2026-03-23', zone)).toHaveLength(167); // the clocks go forward on 29 March
    expect(mondayOf('2026-12-03', zone)).toBe(monday);
    const f = forecastHours(hours, history, zone, { weeks: 3, since: 0, now, defaultHandleSeconds: 300 });
    expect(f[9]!.contacts).toBeCloseTo((3 * 30 + 2 * 20 + 1 * 10) / 6, 10);
    expect(f[9]!.handleSeconds).toBeCloseTo((3 * 30 * 400 + 2 * 20 * 200 + 10 * 200) / (3 * 30 + 2 * 20 + 10), 10);
    expect(f[9]!.basis).toBe(3);
    expect(f[10]!.contacts).toBe(0); // a known quiet hour
    expect(f[9]!.actual).toBeUndefined();
  });

  it('does not count weeks before the history began as quiet, and compares the past with what came', () => {
    const since = hours[9]! - 2 * 7 * 24 * H; // the oldest week is before the history began
    const f = forecastHours(hours, history, zone, { weeks: 3, since, now, defaultHandleSeconds: 300 });
    expect(f[9]!.basis).toBe(2);
    expect(f[9]!.contacts).toBeCloseTo((3 * 30 + 2 * 20) / 5, 10);
    const later = new Map(history).set(hours[9]!, { contacts: 20, handled: 0, handleSeconds: 0 });
    const past = forecastHours(hours, later, zone, { weeks: 1, since: 0, now: hours[12]!, defaultHandleSeconds: 300 });
    expect(past[9]).toMatchObject({ contacts: 30, actual: 20 });
    expect(past[20]!.actual).toBeUndefined();
    expect(forecastError(past)).toBeCloseTo(10 / 20, 10);
    expect(forecastError([])).toBeNull();
  });

  it('pools queues the same people serve: fewer than each alone, never fewer than one alone; deferred work adds its workload', () => {
    const hour = (contacts: number, handleSeconds: number) => [{ start: 0, contacts, handleSeconds, basis: 1 }];
    const a = { forecast: hour(60, 240), goal };
    const b = { forecast: hour(40, 300), goal: { ...goal, thresholdSeconds: 60 } };
    const alone = (q: typeof a) => requirementOf(q.forecast, q.goal, 0)[0]!.agents;
    const pooled = pooledRequirement([a, b], 0).get(0)!;
    expect(pooled).toBeLessThan(alone(a) + alone(b));
    expect(pooled).toBeGreaterThanOrEqual(Math.max(alone(a), alone(b)));
    expect(pooledRequirement([a], 0).get(0)).toBe(alone(a));
    const back = { forecast: hour(17, 3600), goal: { ...goal, thresholdSeconds: 8 * 3600 } }; // 17 hours of work
    expect(pooledRequirement([a, back], 0).get(0)).toBe(alone(a) + 20); // at 85 %: 20 people
    expect(pooledRequirement([a], 0.5).get(0)).toBe(alone(a) * 2);
  });

  it('turns a forecast into people with shrinkage', () => {
    const r = requirementOf([{ start: 0, contacts: 100, handleSeconds: 360, basis: 1 }], goal, 0.3);
    const alone = staffingFor({ contacts: 100, intervalSeconds: 3600, handleSeconds: 360, ...goal });
    expect(r[0]).toMatchObject({ agents: alone.agents, serviceLevel: alone.serviceLevel });
    expect(r[0]!.scheduled).toBe(Math.ceil(alone.agents / 0.7));
  });
});

describe('schedule', () => {
  const zone = 'UTC';
  const monday = '2026-11-30';
  const hours = weekHours(monday, zone);
  const shifts = [{ id: 'early', name: 'Early', start: '07:00', hours: 8 }, { id: 'day', name: 'Day', start: '09:00', hours: 8 }, { id: 'short', name: 'Short', start: '12:00', hours: 4 }];

  it('a shift has its breaks and lunch; coverage counts work only', () => {
    const a = shiftActivities('u', 0, 8);
    expect(a.map((x) => [x.kind, (x.start / M) | 0, (x.end / M) | 0])).toEqual([
      ['work', 0, 120], ['break', 120, 135], ['work', 135, 240], ['lunch', 240, 270], ['work', 270, 390], ['break', 390, 405], ['work', 405, 480],
    ]);
    const c = coverageOf(a);
    expect(c.get(2 * H)).toBeCloseTo(0.75, 10);
    expect([...c.values()].reduce((x, y) => x + y, 0)).toBeCloseTo(8 - 1, 10);
  });

  it('covers the need on weekdays, keeps to contracts, time off and wishes', () => {
    const need = new Map<number, number>();
    for (const h of hours) {
      const d = new Date(h);
      if (d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && d.getUTCHours() >= 9 && d.getUTCHours() < 17) need.set(h, 2);
    }
    const contracts: Contract[] = [
      { user: 'a', hoursPerWeek: 40 },
      { user: 'b', hoursPerWeek: 40, preferredDaysOff: [3] },
      { user: 'c', hoursPerWeek: 16, earliest: '09:00' },
      { user: 'd', hoursPerWeek: 40 },
    ];
    const off = { user: 'a', start: Date.UTC(2026, 11, 1), end: Date.UTC(2026, 11, 2) }; // Tuesday
    const { activities, coverage } = buildSchedule({ monday, zone, need, contracts, shifts, absences: [off] });
    const workDays = (u: string) => new Set(activities.filter((x) => x.user === u && x.kind === 'work').map((x) => new Date(x.start).getUTCDay()));
    expect(workDays('a').has(2)).toBe(false);
    expect(activities).toContainEqual({ user: 'a', kind: 'time-off', start: off.start, end: off.end });
    expect(workDays('b').has(3)).toBe(false); // b's wish: the others cover Wednesday
    expect(workDays('a').has(0) || workDays('a').has(6)).toBe(false); // nobody needed at the weekend
    const short = [...need].filter(([h, n]) => (coverage.get(h) ?? 0) < n - 0.5);
    expect(short.length).toBeLessThan(need.size / 4);
  });

  it('property: no contract broken, no overlap, no shift in time off, coverage is what the activities say', () => {
    const contract = fc.record({
      user: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      hoursPerWeek: fc.integer({ min: 0, max: 48 }),
      days: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }), { nil: undefined }),
      earliest: fc.option(fc.constantFrom('06:00', '08:00', '10:00'), { nil: undefined }),
      latest: fc.option(fc.constantFrom('16:00', '18:00', '22:00'), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(contract, { selector: (c) => c.user, maxLength: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 167 }), fc.integer({ min: 0, max: 4 })), { maxLength: 80 }),
        fc.array(fc.record({ user: fc.constantFrom('a', 'b', 'c'), at: fc.integer({ min: 0, max: 160 }), len: fc.integer({ min: 1, max: 48 }) }), { maxLength: 3 }),
        (contracts, needs, offs) => {
          const need = new Map(needs.map(([i, n]) => [hours[i]!, n]));
          const absences = offs.map((o) => ({ user: o.user, start: hours[o.at]!, end: hours[o.at]! + o.len * H }));
          const { activities, coverage } = buildSchedule({ monday, zone, need, contracts, shifts, absences });
          for (const c of contracts) {
            const mine = activities.filter((x) => x.user === c.user).sort((x, y) => x.start - y.start);
            for (let i = 1; i < mine.length; i++) expect(mine[i]!.start).toBeGreaterThanOrEqual(mine[i - 1]!.end);
            const work = mine.filter((x) => x.kind !== 'time-off');
            expect(work.reduce((s, x) => s + x.end - x.start, 0) / H).toBeLessThanOrEqual(c.hoursPerWeek + 1e-9);
            for (const w of work) {
              const day = new Date(w.start).getUTCDay() || 7;
              if (c.days) expect(c.days).toContain(day);
              if (c.earliest) expect(new Date(w.start).getUTCHours()).toBeGreaterThanOrEqual(Number(c.earliest.slice(0, 2)));
              for (const a of absences.filter((x) => x.user === c.user)) expect(w.end <= a.start || w.start >= a.end).toBe(true);
            }
          }
          const again = coverageOf(activities);
          for (const [h, v] of coverage) expect(again.get(h)).toBeCloseTo(v, 9);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('adherence and shrinkage', () => {
  const t = (h: number, m = 0) => Date.UTC(2026, 11, 1, h, m);
  const acts: Activity[] = shiftActivities('a', t(9), 8);
  const spans: StatusSpan[] = [
    { start: t(9, 10), end: t(11), status: 'available', reason: null }, // 10 minutes late
    { start: t(11), end: t(11, 30), status: 'not-ready', reason: 'break' }, // break 15 minutes too long
    { start: t(11, 30), end: t(17), status: 'busy', reason: null }, // works through lunch and the second break
    { start: t(17), end: t(17, 20), status: 'after-work', reason: null }, // 20 minutes past the shift
  ];

  it('cuts the day at every change and measures adherence and conformance', () => {
    expect(keepsTo('work', 'busy')).toBe(true);
    expect(keepsTo('lunch', 'not-ready')).toBe(true);
    expect(keepsTo(null, 'available')).toBe(false);
    const r = adherenceOf(acts, spans, t(0), t(24));
    // Out: 10 min late, 15 min of the break's overrun, 30 min lunch worked, 15 min second break worked = 70 min of 480.
    expect(r.scheduledSeconds).toBe(8 * 3600);
    expect(r.adheredSeconds).toBe(8 * 3600 - 70 * 60);
    expect(r.adherence).toBeCloseTo(410 / 480, 10);
    expect(r.exceptions.map((x) => [x.scheduled, x.status, (x.end - x.start) / M])).toEqual([
      ['work', 'offline', 10], ['work', 'not-ready', 15], ['lunch', 'busy', 30], ['break', 'busy', 15], [null, 'after-work', 20],
    ]);
    expect(r.workedSeconds).toBe((110 + 330 + 20) * 60);
    expect(r.conformance).toBeCloseTo(460 / 420, 10);
    expect(adherenceOf([], [], t(0), t(1)).adherence).toBeNull();
  });

  it('shrinkage: planned from the schedule, unplanned from what happened in work time', () => {
    const s = shrinkageOf([...acts, { user: 'a', kind: 'training', start: t(18), end: t(19) }], spans, t(0), t(24));
    expect(s.paidSeconds).toBe(9 * 3600);
    expect(s.planned).toEqual({ break: 1800, lunch: 1800, training: 3600 });
    expect(s.unplanned).toEqual({ offline: 600, 'not-ready:break': 900 });
    expect(s.plannedShare).toBeCloseTo(2 / 9, 10);
  });
});

describe('shift bidding', () => {
  const t = (day: number, h: number) => Date.UTC(2026, 10, 30 + day, h); // day 0 = Monday 30 Nov
  const line = (n: number, days: number[], start: number, hours: number): ScheduleLine => ({ line: n, activities: days.flatMap((d) => shiftActivities(`owner${n}`, t(d, start), hours)) });
  const early = line(1, [0, 1, 2, 3, 4], 7, 8); // 40 h, weekdays from 07:00
  const late = line(2, [0, 1, 2, 3, 4], 13, 8); // 40 h, weekdays until 21:00
  const part = line(3, [0, 1, 2], 9, 8); // 24 h, Monday to Wednesday

  it('a line fits a contract by hours, days, earliest start, latest end and time off', () => {
    expect(lineFits(early, { user: 'a', hoursPerWeek: 40 }, [], 'UTC')).toBe(true);
    expect(lineFits(early, { user: 'a', hoursPerWeek: 32 }, [], 'UTC')).toBe(false);
    expect(lineFits(early, { user: 'a', hoursPerWeek: 40, earliest: '08:00' }, [], 'UTC')).toBe(false);
    expect(lineFits(late, { user: 'a', hoursPerWeek: 40, latest: '20:00' }, [], 'UTC')).toBe(false);
    expect(lineFits(part, { user: 'a', hoursPerWeek: 40, days: [1, 2, 3] }, [], 'UTC')).toBe(true);
    expect(lineFits(part, { user: 'a', hoursPerWeek: 40, days: [1, 2] }, [], 'UTC')).toBe(false);
    expect(lineFits(part, { user: 'a', hoursPerWeek: 40 }, [{ start: t(1, 0), end: t(2, 0) }], 'UTC')).toBe(false);
  });

  it('awards by seniority and ranking; the rest get their own line or any that fits; what fits nobody is said', () => {
    const fitsAll = () => true;
    const r = awardLines([early, late, part], [
      { user: 'senior', fits: fitsAll, ranking: [2, 1], had: 1 },
      { user: 'middle', fits: fitsAll, ranking: [2, 3], had: 2 }, // late is gone: part
      { user: 'junior', fits: fitsAll, ranking: [], had: 3 }, // did not bid; own line taken: early
    ]);
    expect([...r.award].sort()).toEqual([[1, 'junior'], [2, 'senior'], [3, 'middle']]);
    expect(r).toMatchObject({ unawarded: [], without: [] });
    const narrow = awardLines([early, late], [{ user: 'x', fits: (l) => l.line === 1, ranking: [2], had: null }]);
    expect([...narrow.award]).toEqual([[1, 'x']]);
    expect(narrow.unawarded).toEqual([2]);
    expect(awardLines([early], [{ user: 'a', fits: fitsAll, ranking: [1], had: null }, { user: 'b', fits: fitsAll, ranking: [1], had: 1 }]).without).toEqual(['b']);
  });

  it('property: every line goes to at most one person it fits, every person gets at most one line', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ranking: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 6 }), fitting: fc.uniqueArray(fc.integer({ min: 1, max: 6 })), had: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }) }), { maxLength: 8 }), (ps) => {
        const lines = [1, 2, 3, 4, 5, 6].map((n) => ({ line: n, activities: [] }));
        const people = ps.map((p, i) => ({ user: `p${i}`, fits: (l: ScheduleLine) => p.fitting.includes(l.line), ranking: p.ranking, had: p.had }));
        const r = awardLines(lines, people);
        const users = [...r.award.values()];
        expect(new Set(users).size).toBe(users.length);
        for (const [n, u] of r.award) expect(ps[Number(u.slice(1))]!.fitting).toContain(n);
        expect(r.award.size + r.unawarded.length).toBe(6);
        expect(users.length + r.without.length).toBe(ps.length);
        // The most senior bidder gets their first choice that fits.
        const first = ps[0]?.ranking.find((n) => ps[0]!.fitting.includes(n));
        if (first !== undefined) expect(r.award.get(first)).toBe('p0');
      }),
    );
  });
});
