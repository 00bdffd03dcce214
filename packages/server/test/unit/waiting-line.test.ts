import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareWaiting, pieceBounds, type RoutingTask } from '@worklane/core';
import { WaitingLine } from '../../src/routing/line.js';
import { binOf } from '../../src/routing/bins.js';

const taskArb = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
  queueId: fc.constantFrom('q1', 'q2'),
  priority: fc.integer({ min: 0, max: 3 }),
  enteredQueueAt: fc.integer({ min: 0, max: 5 }),
  target: fc.option(fc.constantFrom('ann', 'ben'), { nil: null, freq: 3 }),
  bin: fc.option(fc.constant('team'), { nil: null, freq: 5 }),
});

const toTask = (s: { id: string; queueId: string; priority: number; enteredQueueAt: number; target: string | null; bin: string | null }): RoutingTask => ({
  // A task is in a team bin or for one agent, never both (setting one clears the other).
  id: s.id, queueId: s.queueId, priority: s.priority, dueAt: null, enteredQueueAt: s.enteredQueueAt, skills: [], mediaType: 'workitem', targetAgentId: s.target, teamBin: s.target ? null : s.bin,
});

const view = (l: WaitingLine<RoutingTask>) => ({
  all: [...l.values()].map((t) => t.id).sort(),
  byQueue: Object.fromEntries([...l.byQueue].map(([k, v]) => [k, v.flat().map((t) => t.id)])),
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
        // A queue's waiting tasks (for a task's explanation): its line, personal and team-bin tasks.
        for (const q of ['q1', 'q2', 'none'])
          expect(many.inQueue(q).map((t) => t.id).sort()).toEqual([...many.values()].filter((t) => t.queueId === q).map((t) => t.id).sort());
        // A workbin's tasks read from the lines are the waiting tasks in that bin (a queue's in order).
        for (const bin of [...new Set([...many.values()].map(binOf)), 'queue:none', 'personal:nobody', 'team:none']) {
          const ids = (ts: RoutingTask[]) => ts.map((t) => t.id);
          const truth = [...many.values()].filter((t) => binOf(t) === bin);
          if (bin.startsWith('queue:')) expect(ids(many.inBin(bin))).toEqual(ids(truth.sort(compareWaiting)));
          else expect(ids(many.inBin(bin)).sort()).toEqual(ids(truth).sort());
          expect(many.binSize(bin)).toBe(truth.length);
        }
        expect([...many.agentsWithPersonalWork()].sort()).toEqual([...new Set([...many.values()].flatMap((t) => (t.targetAgentId ? [t.targetAgentId] : [])))].sort());
        // And it goes on working after: every task can still be taken out of its line.
        for (const id of [...many.values()].map((t) => t.id)) many.delete(id);
        expect(view(many)).toEqual({ all: [], byQueue: {}, byAgent: {} });
        expect([...many.inQueue('q1'), ...many.inQueue('q2'), ...many.inBin('team:team')]).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('a long line in small pieces stays in waiting order through any mix of arrivals, changes and departures; the bounds it keeps per piece stay true', () => {
    const op = fc.record({
      kind: fc.constantFrom('set', 'set', 'set', 'delete', 'many'),
      id: fc.integer({ min: 0, max: 60 }),
      priority: fc.integer({ min: 0, max: 4 }),
      enteredQueueAt: fc.integer({ min: 0, max: 30 }),
      queueId: fc.constantFrom('q1', 'q1', 'q2'),
      count: fc.integer({ min: 1, max: 8 }),
      dueAt: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const line = new WaitingLine<RoutingTask>(3); // pieces of 3, split at 6
        const truth = new Map<string, RoutingTask>();
        const make = (id: number, o: { priority: number; enteredQueueAt: number; queueId: string; dueAt: number | null }): RoutingTask => ({
          id: `t${id}`, queueId: o.queueId, priority: o.priority, dueAt: o.dueAt, enteredQueueAt: o.enteredQueueAt, skills: [], mediaType: 'workitem', targetAgentId: null, teamBin: null,
        });
        for (const o of ops) {
          if (o.kind === 'delete') {
            expect(line.delete(`t${o.id}`)).toBe(truth.delete(`t${o.id}`));
          } else if (o.kind === 'set') {
            const t = make(o.id, o);
            line.set(t);
            truth.set(t.id, t);
          } else {
            const ts = Array.from({ length: o.count }, (_, k) => make((o.id + k * 7) % 61, { ...o, priority: (o.priority + k) % 5 }));
            line.setMany(ts);
            for (const t of ts) truth.set(t.id, t);
          }
          for (const [q, pieces] of line.byQueue) {
            expect(pieces.length).toBeGreaterThan(0);
            for (const p of pieces) expect(p.length).toBeGreaterThan(0);
            // Asked after every step, so most pieces carry remembered bounds into the next one.
            for (const p of pieces) expect(line.boundsOf(p)).toEqual(pieceBounds(p));
            expect(pieces.flat()).toEqual([...truth.values()].filter((t) => t.queueId === q).sort(compareWaiting));
          }
          expect([...line.byQueue.keys()].sort()).toEqual([...new Set([...truth.values()].map((t) => t.queueId))].sort());
          expect(line.size).toBe(truth.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
