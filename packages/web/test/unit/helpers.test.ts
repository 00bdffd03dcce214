import { describe, expect, it } from 'vitest';
import { ApiError, formErrors } from '../../src/api/client';
import { daysAheadAt, fromLocalInput, nextMondayAt, toLocalInput } from '../../src/lib/datetime';
import { formatAge } from '../../src/lib/time';
import { usualWait } from '../../src/lib/format';
import { actorText, eventSummary, type Names } from '../../src/agent/historyFormat';
import { liveTimes } from '../../src/agent/liveTimes';
import type { MyStats } from '../../src/api/types';

describe('formErrors', () => {
  it('puts each problem next to its field by the first segment of its pointer', () => {
    const err = new ApiError(400, 'Invalid request', '/attributes/amount: must be number', [
      { pointer: '/attributes/amount', message: 'must be number' },
      { pointer: '/worktype', message: 'unknown worktype' },
    ]);
    expect(formErrors(err, ['worktype', 'attributes'])).toEqual({
      fields: { attributes: 'amount: must be number', worktype: 'unknown worktype' },
      general: null,
    });
  });

  it('keeps the problem detail as a general message when a pointer has no field, or there are none', () => {
    const err = new ApiError(422, 'Unprocessable', 'give exactly one of queue or agent', [{ pointer: '/', message: 'x' }]);
    expect(formErrors(err, ['queue'])).toEqual({ fields: {}, general: 'give exactly one of queue or agent' });
    expect(formErrors(new ApiError(409, 'Conflict', 'Task is completed', [], 'completed'), ['reason']).general).toBe('Task is completed');
    expect(formErrors(null, ['reason'])).toEqual({ fields: {}, general: null });
  });
});

describe('date-time input helpers', () => {
  it('round-trips local wall time and rejects what is not a date-time', () => {
    const d = new Date(2030, 0, 5, 9, 7);
    expect(toLocalInput(d)).toBe('2030-01-05T09:07');
    expect(fromLocalInput('2030-01-05T09:07')?.getTime()).toBe(d.getTime());
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
  });

  it('finds tomorrow 9:00 and next Monday 9:00', () => {
    const friday = new Date(2030, 0, 4, 15, 30); // a Friday
    expect(daysAheadAt(1, 9, friday)).toEqual(new Date(2030, 0, 5, 9, 0));
    expect(nextMondayAt(9, friday)).toEqual(new Date(2030, 0, 7, 9, 0));
    expect(nextMondayAt(9, new Date(2030, 0, 7, 8, 0))).toEqual(new Date(2030, 0, 14, 9, 0));
  });
});

describe('formatAge', () => {
  it('says how long something waited in the largest useful units', () => {
    expect([formatAge(40), formatAge(720), formatAge(3 * 3600 + 300), formatAge(7200), formatAge(2 * 86400 + 4 * 3600)]).toEqual([
      '40 s',
      '12 min',
      '3 h 5 min',
      '2 h',
      '2 d 4 h',
    ]);
  });
});

describe('task history in words', () => {
  const names: Names = {
    user: (id) => ({ u1: 'Alice Advisor (you)', u2: 'Sam Supervisor' })[id] ?? 'another person',
    queue: (id) => ({ 'back-office': 'Back office' })[id] ?? id,
    wrapUp: (code) => (code === 'need-follow-up' ? 'Need Follow-Up' : code),
  };

  it('names people, queues and codes, and leaves out noise', () => {
    expect(eventSummary({ wrapUpCode: 'need-follow-up', note: 'call back', agent: 'u1', queue: 'back-office', classification: { trace: [] } }, names)).toBe(
      'Wrap-up: Need Follow-Up · Note: call back · Agent: Alice Advisor (you) · Queue: Back office',
    );
    expect(eventSummary({ from: { queue: 'back-office', agent: 'u1' }, to: { agent: 'u2' }, reason: null }, names)).toBe(
      'To: Sam Supervisor · From: Alice Advisor (you), Back office',
    );
    expect(eventSummary(null, names)).toBe('');
  });

  it('reads actors', () => {
    expect(actorText('user:u2', names)).toBe('Sam Supervisor');
    expect(actorText('api-key:demo-crm', names)).toBe('API key demo-crm');
    expect(actorText('system', names)).toBe('system');
    expect(actorText(null, names)).toBeNull();
  });
});

describe('liveTimes', () => {
  const stats: MyStats = {
    since: '2030-01-01T00:00:00Z',
    until: '2030-01-01T10:00:00Z',
    handled: 0,
    averageHandleSeconds: null,
    totalHandleSeconds: 0,
    timeInStatus: [
      { status: 'offline', reason: null, seconds: 30_000 },
      { status: 'not-ready', reason: 'lunch', seconds: 1800 },
      { status: 'available', reason: null, seconds: 600 },
    ],
    current: { status: 'not-ready', reason: 'lunch', since: '2030-01-01T09:30:00Z' },
  };

  it('keeps the current status counting since the fetch, hides offline, and keeps a stable order', () => {
    expect(liveTimes(stats, 1_000, 11_000)).toEqual([
      { status: 'available', reason: null, seconds: 600 },
      { status: 'not-ready', reason: 'lunch', seconds: 1810 },
    ]);
  });

  it('shows the current status from its first second', () => {
    const fresh = { ...stats, timeInStatus: [], current: { status: 'available' as const, reason: null, since: stats.until } };
    expect(liveTimes(fresh, 0, 0)).toEqual([{ status: 'available', reason: null, seconds: 0 }]);
  });
});

describe('usualWait', () => {
  it('tells a visitor the usual wait in words, or nothing when unknown', () => {
    expect(usualWait(null)).toBeNull();
    expect(usualWait(0)).toBe('under a minute');
    expect(usualWait(59)).toBe('under a minute');
    expect(usualWait(60)).toBe('about a minute');
    expect(usualWait(61)).toBe('about 2 minutes');
  });
});
