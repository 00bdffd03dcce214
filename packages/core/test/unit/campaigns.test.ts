import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDates, firstCallAt, checkContacts, contactState, fillScript } from '../../src/index.js';

describe('outbound campaigns (CE11, preview mode)', () => {
  it('takes callable numbers once, never one in the campaign or on the do-not-call list, and says why by line', () => {
    const r = checkContacts(
      [
        { phone: '0470 11 22 33', name: 'Jane', data: { product: 'Gold card' } },
        { phone: 'call me' },
        { phone: '0470/11.22.33', name: 'Jane again' },
        { phone: '0032 470 99 88 77' },
        { phone: '+32470555666', name: '  ' },
        { phone: '+32470000001', name: 'Old' },
      ],
      new Set(['+32470998877']),
      new Set(['+32470000001']),
    );
    expect(r.accepted).toEqual([
      { line: 1, phone: '0470112233', name: 'Jane', data: { product: 'Gold card' } },
      { line: 5, phone: '+32470555666', name: '+32470555666', data: {} },
    ]);
    expect(r.refused).toEqual([
      { line: 2, phone: 'call me', reason: 'not a phone number' },
      { line: 3, phone: '0470112233', reason: 'twice in the list' },
      { line: 4, phone: '+32470998877', reason: 'on the do-not-call list' },
      { line: 6, phone: '+32470000001', reason: 'already in the campaign' },
    ]);
  });

  it('property: every line is accepted or refused once, no number accepted twice, none on the list', () => {
    const phone = fc.constantFrom('0470112233', '+32470112233', '0470 11 22 34', 'x', '0032470112235', '+1 555 0100 99');
    fc.assert(
      fc.property(fc.array(phone, { maxLength: 30 }), fc.subarray(['0470112233', '+32470112235']), (phones, dnc) => {
        const r = checkContacts(phones.map((p) => ({ phone: p })), new Set(dnc), new Set());
        const lines = [...r.accepted.map((a) => a.line), ...r.refused.map((x) => x.line)].sort((a, b) => a - b);
        expect(lines).toEqual(phones.map((_, i) => i + 1));
        expect(new Set(r.accepted.map((a) => a.phone)).size).toBe(r.accepted.length);
        expect(r.accepted.some((a) => dnc.includes(a.phone))).toBe(false);
      }),
    );
  });

  it('fills the script with the contact and agent, showing what is missing', () => {
    expect(fillScript('Hello {{ name }}, this is {{agent}} about your {{product}} ({{ plan }}).', { name: 'Jane', agent: 'Alice', product: 'Gold card' })).toBe('Hello Jane, this is Alice about your Gold card ([plan]).');
  });

  it('says where a contact stands from its work', () => {
    expect([null, 'queued', 'scheduled', 'assigned', 'wrap-up', 'completed', 'canceled'].map((st) => contactState(false, st))).toEqual(['pending', 'waiting', 'waiting', 'calling', 'calling', 'reached', 'not-reached']);
    expect(contactState(true, 'completed')).toBe('do-not-call');
  });
});

describe('campaigns: dates', () => {
  const H = 3_600_000;
  const open9 = (t: number) => (t % (24 * H) < 9 * H ? t - (t % (24 * H)) + 9 * H : t); // opens at 09:00 each day (a toy calendar)

  it('an end after the start and after now, by field', () => {
    expect(checkDates({ startsAt: null, endsAt: null }, 0)).toEqual([]);
    expect(checkDates({ startsAt: 10, endsAt: 10 }, 0)).toEqual([{ pointer: '/endsAt', message: 'must be after startsAt' }]);
    expect(checkDates({ startsAt: null, endsAt: 5 }, 5)[0]?.pointer).toBe('/endsAt');
    expect(checkDates({ startsAt: 10, endsAt: 20 }, 0)).toEqual([]);
  });

  it('the first call: now, or the start when later, then the calling hours; none when the campaign ends first', () => {
    expect(firstCallAt({ startsAt: null, endsAt: null }, 10 * H, (t) => t)).toBe(10 * H);
    expect(firstCallAt({ startsAt: 30 * H, endsAt: null }, 10 * H, (t) => t)).toBe(30 * H);
    expect(firstCallAt({ startsAt: 2 * H, endsAt: null }, 1 * H, open9)).toBe(9 * H); // starts at 02:00, hours open at 09:00
    expect(firstCallAt({ startsAt: null, endsAt: 8 * H }, 1 * H, open9)).toBeNull(); // ends before the hours open
    expect(firstCallAt({ startsAt: null, endsAt: null }, 1 * H, () => null)).toBeNull(); // the calendar never opens
  });

  it('never before the start, never at or after the end, never before now (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.option(fc.integer({ min: 0, max: 1e9 })), fc.option(fc.integer({ min: 1, max: 1e9 })), (now, startsAt, len) => {
        const endsAt = len === null ? null : (startsAt ?? now) + len;
        const at = firstCallAt({ startsAt, endsAt }, now, open9);
        return at === null ? endsAt !== null : at >= now && at >= (startsAt ?? 0) && (endsAt === null || at < endsAt);
      }),
    );
  });
});
