import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clockReached, clockStatus, planFiring, type Calendar, type ClockPolicy, type ClockStatus, type Period } from '../../src/index.js';

const H = 3_600_000;
const day: Period[] = [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '17:00' }];
const office: Calendar = {
  id: 'office',
  name: 'Office',
  timeZone: 'Europe/Brussels',
  week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] },
  holidays: [{ date: '2026-12-25', name: 'Christmas' }],
  overrides: [],
};

const policyArb: fc.Arbitrary<ClockPolicy> = fc.record({
  duration: fc.integer({ min: 1, max: 30 }),
  unit: fc.constantFrom('minutes' as const, 'hours' as const, 'days' as const),
  mode: fc.constantFrom('calendar' as const, 'business' as const),
  warnAtPercent: fc.integer({ min: 1, max: 99 }),
});
const calArb = fc.constantFrom<Calendar | null>(null, office);
const startArb = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) });
// Closed pauses within the first days: the deadline the database stores already accounts for them.
const pausesArb = (start: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 3 * 24 * H }), fc.integer({ min: 1, max: 24 * H })), { maxLength: 3 })
    .map((xs) => xs.map(([off, len]) => ({ from: start + off, to: start + off + len })));

const status = (state: ClockStatus['state']): ClockStatus => ({ targetMs: 1, elapsedMs: 0, remainingMs: 1, percent: 0, dueAt: null, warnAt: null, state });

describe('firing a batch of due clocks', () => {
  it('plans every clock exactly once, in the order it came, and fires only the reached ones', () => {
    const states = fc.constantFrom<ClockStatus['state']>('running', 'warning', 'breached', 'paused');
    fc.assert(
      fc.property(fc.constantFrom('warning' as const, 'breach' as const), fc.array(fc.option(states, { nil: null }), { maxLength: 60 }), (kind, xs) => {
        const clocks = xs.map((s, i) => ({ i, status: s === null ? null : status(s) }));
        const plan = planFiring(kind, clocks, (c) => c.status);
        const all = [...plan.fire, ...plan.correct].map((c) => c.i).sort((a, b) => a - b);
        expect(all).toEqual(clocks.map((c) => c.i));
        const ordered = (l: { i: number }[]) => l.every((c, j) => j === 0 || l[j - 1]!.i < c.i);
        expect(ordered(plan.fire) && ordered(plan.correct)).toBe(true);
        for (const c of plan.fire) expect(clockReached(kind, c.status)).toBe(true);
        for (const c of plan.correct) expect(clockReached(kind, c.status)).toBe(false);
      }),
    );
  });

  it('a clock fires at its stored deadline or any time after it, never before (warning and breach)', () => {
    const arb = fc
      .tuple(policyArb, calArb, startArb, fc.integer({ min: 0, max: 10 * 24 * H }))
      .chain(([pol, cal, start, late]) => pausesArb(start).map((pauses) => ({ pol, cal, start, late, pauses })));
    fc.assert(
      fc.property(arb, ({ pol, cal, start, late, pauses }) => {
        // What the database keeps: the deadlines computed when the clock last changed (its start, or the end of its last pause).
        const changed = Math.max(start, ...pauses.map((x) => x.to));
        const stored = clockStatus(pol, cal, start, pauses, changed);
        for (const [kind, at] of [['breach', stored.dueAt], ['warning', stored.warnAt]] as const) {
          if (at === null) continue;
          // The timer rings at the deadline (or later), never inside a pause: those ended by `changed`.
          expect(clockReached(kind, clockStatus(pol, cal, start, pauses, Math.max(at, changed) + late))).toBe(true);
          if (at - 1 >= start) expect(clockReached(kind, clockStatus(pol, cal, start, pauses, at - 1))).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a paused clock, and no clock at all, never fire', () => {
    expect(clockReached('breach', null)).toBe(false);
    expect(clockReached('warning', status('paused'))).toBe(false);
    expect(clockReached('warning', status('breached'))).toBe(true);
    expect(clockReached('breach', status('warning'))).toBe(false);
  });
});
