import { describe, expect, it } from 'vitest';
import { interned, internedText, sharedJson } from '../../src/routing/shared-values.js';
import { toWaiting } from '../../src/routing/dispatcher.js';

const row = (id: string, skills: { skill: string; minLevel: number }[]) => ({
  id, queue_id: 'q', priority: 1, priority_boost: 0, due_at: null, entered_queue_at: new Date(1000), created_at: new Date(500),
  skills, media_type: 'workitem', target_agent_id: null, team_bin: null, worktype: 'w', exceptions_fired: [] as string[], version: 1,
});

describe('interned JSON values of waiting tasks', () => {
  it('gives equal values one frozen copy and leaves the value given alone', () => {
    const mine = [{ skill: 'billing', minLevel: 50 }];
    const a = interned(mine);
    const b = interned([{ skill: 'billing', minLevel: 50 }]);
    expect(a).toBe(b);
    expect(a).not.toBe(mine);
    expect(a).toEqual(mine);
    expect(Object.isFrozen(a) && Object.isFrozen(a[0])).toBe(true);
    expect(Object.isFrozen(mine)).toBe(false);
    mine.push({ skill: 'french', minLevel: 10 }); // the row's own array is still the row's
    expect(interned([{ skill: 'billing', minLevel: 50 }])).toEqual([{ skill: 'billing', minLevel: 50 }]);
    expect(interned([{ skill: 'billing', minLevel: 60 }])).not.toBe(a);
  });

  it('shares between tasks captured and tasks read at start', () => {
    const captured = toWaiting(row('t1', [{ skill: 'billing', minLevel: 50 }]));
    const other = toWaiting(row('t2', [{ skill: 'billing', minLevel: 50 }]));
    const atStart = sharedJson()('[{"skill": "billing", "minLevel": 50}]');
    expect(captured.skills).toBe(other.skills);
    expect(atStart).toBe(captured.skills);
    expect(captured.exceptionsFired).toBe(other.exceptionsFired);
    expect(() => (captured.skills as unknown[]).push(1)).toThrow(TypeError);
  });
});

describe('interned texts of waiting tasks', () => {
  it('keep their value (and null)', () => {
    const q = Buffer.from('finance').toString();
    expect(internedText(q)).toBe('finance');
    expect(internedText(Buffer.from('finance').toString())).toBe('finance');
    expect(internedText(null)).toBeNull();
    expect(interned(undefined)).toBeUndefined(); // a row built without the column: passed through as before
    expect(interned(null)).toBeNull();
    expect(toWaiting(row('t3', [])).queueId).toBe('q');
  });
});
