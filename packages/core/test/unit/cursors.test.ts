import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AgedCursor, LineCursor } from '../../src/routing/cursors.js';
import { inWaitingOrder, type RoutingQueue, type RoutingTask } from '../../src/index.js';

const policyArb = fc.record({
  agingPerMinute: fc.constantFrom(0, 0.2, 1, 3),
  agingMax: fc.constantFrom(0, 5, 30),
  urgencyWindowMinutes: fc.constantFrom(0, 5, 60),
  urgencyMax: fc.constantFrom(0, 10, 50),
});
const taskArb = fc.record({
  priority: fc.integer({ min: 0, max: 40 }),
  enteredQueueAt: fc.integer({ min: 0, max: 3_600_000 }),
  dueAt: fc.option(fc.integer({ min: 0, max: 7_200_000 }), { nil: null }),
});

const drain = (c: { head: RoutingTask; next(): boolean } | undefined) => {
  const out: RoutingTask[] = [];
  if (c) do out.push(c.head);
  while (c.next());
  return out;
};

describe('line cursors', () => {
  it('a line of a queue that ages priority comes off its heap exactly in the sorted waiting order at now', () => {
    fc.assert(
      fc.property(policyArb, fc.array(taskArb, { maxLength: 60 }), fc.integer({ min: 0, max: 7_200_000 }), (policy, specs, now) => {
        const tasks: RoutingTask[] = specs.map((s, i) => ({ ...s, id: `t${String(i).padStart(2, '0')}`, queueId: 'q', skills: [], mediaType: 'workitem' }));
        const queues = new Map<string, RoutingQueue>([['q', { id: 'q', targetSteps: [], agentChoice: [], members: new Set(), distribution: 'push', priorityPolicy: policy }]]);
        expect(drain(AgedCursor.of(tasks, policy, now))).toEqual(inWaitingOrder(tasks, queues, now));
      }),
      { numRuns: 1000 },
    );
  });

  it('a line in pieces reads as the pieces one after another, skipping empty ones', () => {
    const t = (id: string) => ({ id }) as RoutingTask;
    expect(drain(LineCursor.of([[], [t('a'), t('b')], [], [], [t('c')], []]))?.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(LineCursor.of([[], []])).toBeUndefined();
    expect(AgedCursor.of([], { agingPerMinute: 1, agingMax: 1, urgencyWindowMinutes: 1, urgencyMax: 1 }, 0)).toBeUndefined();
  });
});
