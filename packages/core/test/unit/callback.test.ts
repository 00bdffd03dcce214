import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { afterAttempt, callbackAsap, callbackSlots, callingHours, normalizePhone, CALLBACK_LEAD_MS, type Calendar } from '../../src/index.js';

const split: Calendar = {
  id: 'office',
  name: 'Office',
  timeZone: 'Europe/Brussels',
  week: {
    mon: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }],
    tue: [{ from: '09:00', to: '17:00' }],
    wed: [],
    thu: [],
    fri: [],
    sat: [],
    sun: [],
  },
  holidays: [],
  overrides: [],
};
const utc = (d: number, h: number, m = 0) => Date.UTC(2026, 11, d, h, m); // December 2026; Brussels is UTC+1
const MON = 7;

describe('callback: slots a visitor may pick', () => {
  it('whole slots inside open periods, aligned on each period, from 15 minutes after now', () => {
    const slots = callbackSlots({ slotMinutes: 60, daysAhead: 2 }, split, utc(MON, 9, 50)); // 10:50 in Brussels
    const show = (t: number) => new Date(t).toISOString().slice(5, 16);
    expect(slots.map((s) => `${show(s.start)}-${show(s.end)}`)).toEqual([
      // Monday 10:50: the 11:00 slot starts within 15 minutes, so the first is 13:00 (UTC 12:00), after lunch.
      '12-07T12:00-12-07T13:00', '12-07T13:00-12-07T14:00', '12-07T14:00-12-07T15:00', '12-07T15:00-12-07T16:00',
      '12-08T08:00-12-08T09:00', '12-08T09:00-12-08T10:00', '12-08T10:00-12-08T11:00', '12-08T11:00-12-08T12:00',
      '12-08T12:00-12-08T13:00', '12-08T13:00-12-08T14:00', '12-08T14:00-12-08T15:00', '12-08T15:00-12-08T16:00',
    ]);
  });

  it('never a slot outside open hours or too soon, never more than asked for (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: utc(1, 0), max: utc(28, 0) }), fc.constantFrom(15, 30, 45, 60), fc.integer({ min: 1, max: 7 }), (now, slotMinutes, daysAhead) => {
        const slots = callbackSlots({ slotMinutes, daysAhead }, split, now);
        for (const s of slots) {
          expect(s.end - s.start).toBe(slotMinutes * 60_000);
          expect(s.start).toBeGreaterThanOrEqual(now + CALLBACK_LEAD_MS);
          expect(s.start).toBeLessThan(now + daysAhead * 86_400_000);
          for (let t = s.start; t < s.end; t += 5 * 60_000) expect(callbackAsap(split, t)).toBe(true);
        }
        expect(slots.length).toBeLessThanOrEqual(120);
      }),
      { numRuns: 60 },
    );
  });

  it('without a calendar: any time, aligned on the slot length', () => {
    const slots = callbackSlots({ slotMinutes: 30, daysAhead: 1 }, null, utc(MON, 10, 7));
    expect(new Date(slots[0]!.start).toISOString()).toBe('2026-12-07T10:30:00.000Z');
    expect(callbackAsap(null, 0)).toBe(true);
    expect(callbackAsap(split, utc(MON, 11, 30))).toBe(false); // 12:30 in Brussels: lunch
  });
});

describe('callback: after a call that did not reach the customer', () => {
  it('tries again after the retry time, within open hours, and gives up after the last attempt or a wrong number', () => {
    expect(afterAttempt('no-answer', 1, { retryMinutes: 20 }, split, utc(MON, 9, 0))).toEqual({ kind: 'retry', at: utc(MON, 9, 20) });
    // 16:50 + 20 min is after closing: Tuesday at opening.
    expect(afterAttempt('busy', 2, { retryMinutes: 20 }, split, utc(MON, 15, 50))).toEqual({ kind: 'retry', at: utc(MON + 1, 8, 0) });
    expect(afterAttempt('no-answer', 3, {}, split, utc(MON, 9, 0))).toEqual({ kind: 'give-up', reason: 'not reached after 3 calls' });
    expect(afterAttempt('no-answer', 1, { maxAttempts: 1 }, null, 0)).toEqual({ kind: 'give-up', reason: 'not reached after 1 call' });
    expect(afterAttempt('wrong-number', 1, {}, null, 0)).toEqual({ kind: 'give-up', reason: 'wrong number' });
  });
});

describe('callback: phone numbers', () => {
  it('keeps digits and a leading +, reads 00 as +, refuses what cannot be dialled', () => {
    expect(normalizePhone(' +32 (0)2 555.12-34 ')).toBe('+32025551234');
    expect(normalizePhone('0032 2 555 12 34')).toBe('+3225551234');
    expect(normalizePhone('0470/12.34.56')).toBe('0470123456');
    expect(normalizePhone('12345')).toBeNull();
    expect(normalizePhone('call me')).toBeNull();
    expect(normalizePhone('+1 234 567 890 123 456')).toBeNull();
  });
});

describe('callback: calling hours over waiting calls', () => {
  it('no calendar: any time; open: watched until the close (lunch counts); closed: held until the opening, then watched until its close', () => {
    expect(callingHours(null, utc(MON, 10))).toEqual({ hold: null, watchUntil: null });
    expect(callingHours(split, utc(MON, 9))).toEqual({ hold: null, watchUntil: utc(MON, 11) }); // 10:00 Brussels: closes for lunch at 12:00
    expect(callingHours(split, utc(MON, 11, 30))).toEqual({ hold: utc(MON, 12), watchUntil: utc(MON, 16) });
    expect(callingHours(split, utc(MON + 1, 17))).toEqual({ hold: utc(MON + 7, 8), watchUntil: utc(MON + 7, 11) }); // Tuesday evening: next Monday
    const never: Calendar = { ...split, week: { ...split.week, mon: [], tue: [] } };
    expect(callingHours(never, utc(MON, 10))).toEqual({ hold: null, watchUntil: null }); // a fault to mend, not a call to lose
  });

  it('a held call is held exactly until an open instant, and a watched one is open until the close (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: utc(1, 0), max: utc(28, 0) }), (now) => {
        const { hold, watchUntil } = callingHours(split, now);
        if (callbackAsap(split, now)) return hold === null && watchUntil !== null && watchUntil > now && !callbackAsap(split, watchUntil) && callbackAsap(split, watchUntil - 1);
        return hold !== null && hold > now && callbackAsap(split, hold) && !callbackAsap(split, hold - 1) && watchUntil! > hold;
      }),
      { numRuns: 300 },
    );
  });
});

