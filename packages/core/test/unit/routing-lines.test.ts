import { describe, expect, it } from 'vitest';
import { decideOffers, decideOffersFromLines, linesOf, type Line, type RoutingAgent, type RoutingQueue, type RoutingTask } from '../../src/index.js';

// decideOffers goes through decideOffersFromLines, so decide-equivalence.test.ts (fast-check
// against the plain round) covers the merge; these pin what a caller keeping its own lines relies on.
const agent = (id: string, workitem = 1): RoutingAgent => ({ id, status: 'available', skills: {}, capacity: { workitem }, load: {}, idleSince: 0 });
const task = (id: string, extra: Partial<RoutingTask> = {}): RoutingTask => ({ id, queueId: 'q', priority: 0, dueAt: null, enteredQueueAt: 0, skills: [], mediaType: 'workitem', ...extra });
const queue = (id: string, extra: Partial<RoutingQueue> = {}): RoutingQueue => ({
  id, targetSteps: [{ name: 'any', afterSeconds: 0, minLevel: 0 }], agentChoice: ['idle'], members: new Set(['a', 'b']), distribution: 'push', ...extra,
});

describe('line-based routing round', () => {
  it('orders a line whose queue ages priority at now, not by its static order', () => {
    const q = queue('q', { members: new Set(['a']), priorityPolicy: { agingPerMinute: 10, agingMax: 100, urgencyWindowMinutes: 0, urgencyMax: 0 } });
    const old = task('old');
    const fresh = task('fresh', { priority: 5, enteredQueueAt: 590_000 });
    // Statically "fresh" (5) comes first; after ten minutes "old" has aged to 100.
    expect(decideOffers({ tasks: [fresh, old], agents: [agent('a')], queues: new Map([['q', q]]), now: 600_000 }).map((o) => o.taskId)).toEqual(['old']);
  });

  it('merges queue lines and personal tasks in one waiting order, and reads no line nobody free serves', () => {
    const queues = new Map([['q', queue('q')], ['r', queue('r', { members: new Set(['b']) })], ['idle', queue('idle', { members: new Set(['z']) })]]);
    const tasks = [
      task('q-low', { priority: 1 }), task('q-high', { priority: 9 }), task('r-mid', { queueId: 'r', priority: 5 }),
      task('mine', { queueId: 'r', priority: 7, targetAgentId: 'a' }), task('bin', { priority: 99, teamBin: 'experts' }),
    ];
    const agents = [agent('a', 2), agent('b', 2)];
    const lines = linesOf(tasks);
    // A line no free agent serves must not be read: a poisoned one would throw if it were.
    const poisoned = new Proxy([[task('x')]], { get: () => { throw new Error('read a line nobody free serves'); } });
    const byQueue = new Map([...lines.byQueue, ['idle', poisoned as unknown as Line]]);
    const offers = decideOffersFromLines({ lines: { byQueue, byAgent: lines.byAgent }, agents, queues, now: 0 });
    expect(offers.map((o) => [o.taskId, o.agentId])).toEqual([['q-high', 'a'], ['mine', 'a'], ['r-mid', 'b'], ['q-low', 'b']]);
    expect(offers).toEqual(decideOffers({ tasks, agents, queues, now: 0 }));
  });
});
