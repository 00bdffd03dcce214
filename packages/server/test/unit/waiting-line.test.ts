import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RoutingTask } from '@worklane/core';
import { WaitingLine } from '../../src/routing/line.js';

const taskArb = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
  queueId: fc.constantFrom('q1', 'q2'),
  priority: fc.integer({ min: 0, max: 3 }),
  enteredQueueAt: fc.integer({ min: 0, max: 5 }),
  target: fc.option(fc.constantFrom('ann', 'ben'), { nil: null, freq: 3 }),
  bin: fc.option(fc.constant('team'), { nil: null, freq: 5 }),
});

const toTask = (s: { id: string; queueId: string; priority: number; enteredQueueAt: number; target: string | null; bin: string | null }): RoutingTask => ({
  id: s.id, queueId: s.queueId, priority: s.priority, dueAt: null, enteredQueueAt: s.enteredQueueAt, skills: [], mediaType: 'workitem', targetAgentId: s.target, teamBin: s.bin,
});

const view = (l: WaitingLine<RoutingTask>) => ({
  all: [...l.values()].map((t) => t.id).sort(),
  byQueue: Object.fromEntries([...l.byQueue].map(([k, v]) => [k, v.map((t) => t.id)])),
  byAgent: Object.fromEntries([...l.byAgent].map(([k, v]) => [k, v.map((t) => t.id).sort()])),
});

describe('waiting line', () => {
  it('placing many at once (start, rebuild) gives the same lines as placing them one by one', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 12 }), fc.array(taskArb, { maxLength: 30 }), (before, batch) => {
        const one = new WaitingLine<RoutingTask>();
        const many = new WaitingLine<RoutingTask>();
        for (const s of before) {
          one.set(toTask(s));
          many.set(toTask(s));
        }
        for (const s of batch) one.set(toTask(s));
        many.setMany(batch.map(toTask));
        expect(view(many)).toEqual(view(one));
        // And it goes on working after: every task can still be taken out of its line.
        for (const id of [...many.values()].map((t) => t.id)) many.delete(id);
        expect(view(many)).toEqual({ all: [], byQueue: {}, byAgent: {} });
      }),
      { numRuns: 1000 },
    );
  });
});
