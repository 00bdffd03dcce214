import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AgedCursor, LineCursor, pieceBounds } from '../../src/routing/cursors.js';
import { compareWaiting, inWaitingOrder, type PriorityPolicy, type RoutingQueue, type RoutingTask } from '../../src/index.js';

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

const queuesWith = (policy: PriorityPolicy) =>
  new Map<string, RoutingQueue>([['q', { id: 'q', targetSteps: [], agentChoice: [], members: new Set(), distribution: 'push', priorityPolicy: policy }]]);
const asTasks = (specs: { priority: number; enteredQueueAt: number; dueAt: number | null }[]): RoutingTask[] =>
  specs.map((s, i) => ({ ...s, id: `t${String(i).padStart(3, '0')}`, queueId: 'q', skills: [], mediaType: 'workitem' }));

/** Cuts `tasks` into pieces at the given sizes (0: an empty piece), the rest in a last piece. */
function cutAt(tasks: RoutingTask[], sizes: number[]): RoutingTask[][] {
  const pieces: RoutingTask[][] = [];
  let at = 0;
  for (const n of sizes) {
    pieces.push(tasks.slice(at, at + n));
    at += n;
  }
  pieces.push(tasks.slice(at));
  return pieces;
}

describe('line cursors', () => {
  it('a line of a queue that ages priority comes off it exactly in the sorted waiting order at now', () => {
    fc.assert(
      fc.property(policyArb, fc.array(taskArb, { maxLength: 60 }), fc.integer({ min: 0, max: 7_200_000 }), (policy, specs, now) => {
        const tasks = asTasks(specs);
        expect(drain(AgedCursor.of([tasks], policy, now))).toEqual(inWaitingOrder(tasks, queuesWith(policy), now));
      }),
      { numRuns: 1000 },
    );
  });

  it('read piece by piece, in static waiting order or any other, with ties of every kind: the same order', () => {
    // Few distinct values, so effective priorities, due times and entry times tie often, across pieces too.
    const tieArb = fc.record({
      priority: fc.integer({ min: 0, max: 2 }).map((n) => n * 10),
      enteredQueueAt: fc.integer({ min: 0, max: 4 }).map((n) => n * 300_000),
      dueAt: fc.option(fc.integer({ min: 0, max: 4 }).map((n) => n * 600_000), { nil: null }),
    });
    fc.assert(
      fc.property(
        policyArb,
        fc.array(fc.oneof(taskArb, tieArb), { maxLength: 120 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 7_200_000 }),
        (policy, specs, sizes, sorted, now) => {
          const tasks = asTasks(specs);
          const line = cutAt(sorted ? [...tasks].sort(compareWaiting) : tasks, sizes);
          expect(drain(AgedCursor.of(line, policy, now))).toEqual(inWaitingOrder(tasks, queuesWith(policy), now));
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('a long line in static waiting order: taking its first tasks reads only its first pieces', () => {
    const policy = { agingPerMinute: 1, agingMax: 30, urgencyWindowMinutes: 60, urgencyMax: 50 };
    // 10,000 tasks, an entry a second, two priorities, half of them due 2 h after entry.
    const tasks = asTasks(Array.from({ length: 10_000 }, (_, i) => ({ priority: i % 2 ? 50 : 60, enteredQueueAt: i * 1000, dueAt: i % 4 < 2 ? i * 1000 + 7_200_000 : null })));
    const line = cutAt([...tasks].sort(compareWaiting), Array.from({ length: 19 }, () => 500));
    const now = 10_000_000;
    const c = AgedCursor.of(line, policy, now)!;
    const first: RoutingTask[] = [c.head];
    while (first.length < 20 && c.next()) first.push(c.head);
    expect(first).toEqual(inWaitingOrder(tasks, queuesWith(policy), now).slice(0, 20));
    expect(c.read).toBeLessThanOrEqual(2);
    // Each piece read is a few runs (one per priority and due kind), not a heap entry per task.
    expect(c.runsRead).toBeLessThanOrEqual(4 * c.read);
  });

  it('a task read is given only when it comes before every unread piece, not just one of them', () => {
    // No aging, no urgency: every effective priority is 10 and the due times decide. Piece [c] has the
    // earliest entry, [b] the earliest due time: b comes first, though [c] would be read first by entry.
    const [c, a, b] = asTasks([
      { priority: 10, enteredQueueAt: 0, dueAt: 4000 },
      { priority: 10, enteredQueueAt: 1000, dueAt: 5000 },
      { priority: 10, enteredQueueAt: 2000, dueAt: 3000 },
    ]);
    const none = { agingPerMinute: 0, agingMax: 0, urgencyWindowMinutes: 0, urgencyMax: 0 };
    expect(drain(AgedCursor.of([[c!], [a!], [b!]], none, 10_000)).map((t) => t.id)).toEqual([b!.id, c!.id, a!.id]);
  });

  it("a piece's bounds: highest priority, earliest entry, earliest due time (null when none is due)", () => {
    const [a, b, c] = asTasks([
      { priority: 10, enteredQueueAt: 500, dueAt: null },
      { priority: 30, enteredQueueAt: 900, dueAt: 4000 },
      { priority: 20, enteredQueueAt: 100, dueAt: 2000 },
    ]);
    expect(pieceBounds([a!, b!, c!])).toEqual({ maxPriority: 30, minEnteredAt: 100, minDueAt: 2000 });
    expect(pieceBounds([a!])).toEqual({ maxPriority: 10, minEnteredAt: 500, minDueAt: null });
  });

  it('bounds the caller remembers are the ones used', () => {
    const policy = { agingPerMinute: 1, agingMax: 30, urgencyWindowMinutes: 0, urgencyMax: 0 };
    const tasks = asTasks(Array.from({ length: 40 }, (_, i) => ({ priority: 50, enteredQueueAt: i * 1000, dueAt: null })));
    const line = cutAt(tasks, [10, 10, 10]);
    const asked: (readonly RoutingTask[])[] = [];
    const c = AgedCursor.of(line, policy, 100_000, (p) => (asked.push(p), pieceBounds(p)))!;
    expect(asked).toEqual(line);
    expect(c.head.id).toBe('t000');
    expect(c.read).toBe(1);
  });

  it('a line in pieces reads as the pieces one after another, skipping empty ones', () => {
    const t = (id: string) => ({ id }) as RoutingTask;
    expect(drain(LineCursor.of([[], [t('a'), t('b')], [], [], [t('c')], []]))?.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(LineCursor.of([[], []])).toBeUndefined();
    expect(AgedCursor.of([[], []], { agingPerMinute: 1, agingMax: 1, urgencyWindowMinutes: 1, urgencyMax: 1 }, 0)).toBeUndefined();
  });
});
