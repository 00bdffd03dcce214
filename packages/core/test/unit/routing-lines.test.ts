import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareWaiting,
  currentStep,
  decideOffers,
  decideOffersFromLines,
  effectivePriority,
  freeCapacity,
  linesOf,
  proficiency,
  whyIneligible,
  type MediaType,
  type OfferDecision,
  type RoutingAgent,
  type RoutingInput,
  type RoutingQueue,
  type RoutingTask,
} from '../../src/index.js';

/**
 * The plain round, as the brief states it: every routable task ordered by effective priority at
 * `now`, each offered in turn to its best eligible agent. The merged, line-based round must make
 * exactly the same offers (it only avoids reading what cannot be offered).
 */
function referenceOffers(input: RoutingInput): OfferDecision[] {
  const agents = input.agents.map((a) => ({ ...a, load: { ...a.load } }));
  const free = (a: RoutingAgent) => a.status === 'available' && Object.keys(a.capacity).some((m) => freeCapacity(a, m as MediaType) > 0);
  const routable = input.tasks.filter((t) => {
    const q = input.queues.get(t.queueId);
    if (!q || t.teamBin) return false;
    if (t.targetAgentId != null) return agents.some((a) => a.id === t.targetAgentId && free(a));
    return q.distribution !== 'pull';
  });
  const ordered = routable
    .map((t) => {
      const policy = input.queues.get(t.queueId)!.priorityPolicy;
      return policy ? { ...t, priority: effectivePriority(t.priority, t.enteredQueueAt, t.dueAt, input.now, policy).effective } : t;
    })
    .sort(compareWaiting);
  const offers: OfferDecision[] = [];
  for (const t of ordered) {
    const q = input.queues.get(t.queueId)!;
    const step = currentStep(q.targetSteps, (input.now - t.enteredQueueAt) / 1000);
    const pool = agents.filter((a) => free(a) && (t.targetAgentId != null ? a.id === t.targetAgentId : q.members.has(a.id)));
    const ok = pool.filter((a) => whyIneligible(t, q, a, step, input.blending) === null);
    if (!ok.length) continue;
    const ratio = (a: RoutingAgent) => {
      const cap = Object.values(a.capacity).reduce((n, v) => n + (v ?? 0), 0);
      const load = Object.values(a.load).reduce((n, v) => n + (v ?? 0), 0);
      return cap === 0 ? 1 : load / cap;
    };
    ok.sort((a, b) => {
      for (const k of q.agentChoice) {
        if (k === 'proficiency' && proficiency(t, a) !== proficiency(t, b)) return proficiency(t, b) - proficiency(t, a);
        if (k === 'idle' && a.idleSince !== b.idleSince) return a.idleSince - b.idleSince;
        if (k === 'load' && ratio(a) !== ratio(b)) return ratio(a) - ratio(b);
      }
      return a.id < b.id ? -1 : 1;
    });
    const best = ok[0]!;
    best.load[t.mediaType] = (best.load[t.mediaType] ?? 0) + 1;
    offers.push({ taskId: t.id, agentId: best.id, step: step.name, reason: '' });
  }
  return offers;
}

const SKILLS = ['billing', 'tech', 'sales'];
const MEDIA: MediaType[] = ['workitem', 'email', 'chat'];

const world = fc
  .record({
    queues: fc.array(
      fc.record({
        members: fc.subarray(['a0', 'a1', 'a2', 'a3', 'a4']),
        distribution: fc.constantFrom('push', 'pull', 'both') as fc.Arbitrary<RoutingQueue['distribution']>,
        policy: fc.option(fc.record({ agingPerMinute: fc.integer({ min: 0, max: 5 }), agingMax: fc.integer({ min: 0, max: 50 }), urgencyWindowMinutes: fc.integer({ min: 0, max: 60 }), urgencyMax: fc.integer({ min: 0, max: 40 }) }), { nil: undefined }),
        choice: fc.shuffledSubarray(['proficiency', 'idle', 'load'] as const, { minLength: 1 }),
        secondAfter: fc.integer({ min: 0, max: 120 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    agents: fc.array(
      fc.record({
        status: fc.constantFrom('available', 'available', 'not-ready', 'offline') as fc.Arbitrary<RoutingAgent['status']>,
        skills: fc.dictionary(fc.constantFrom(...SKILLS), fc.integer({ min: 0, max: 100 })),
        capacity: fc.record({ workitem: fc.integer({ min: 1, max: 3 }), email: fc.integer({ min: 0, max: 2 }), chat: fc.integer({ min: 0, max: 2 }) }),
        load: fc.dictionary(fc.constantFrom(...MEDIA), fc.integer({ min: 0, max: 2 })),
        idleSince: fc.integer({ min: 0, max: 5 }),
      }),
      { minLength: 5, maxLength: 5 },
    ),
    tasks: fc.array(
      fc.record({
        queue: fc.nat(3),
        priority: fc.integer({ min: 0, max: 10 }),
        due: fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: null }),
        entered: fc.integer({ min: 0, max: 300_000 }),
        skill: fc.option(fc.record({ skill: fc.constantFrom(...SKILLS), minLevel: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }) }), { nil: undefined }),
        media: fc.constantFrom<MediaType>('workitem', 'workitem', 'workitem', 'email', 'chat'),
        target: fc.option(fc.constantFrom('a0', 'a1', 'a2', 'a3', 'a4'), { freq: 4, nil: null }),
        teamBin: fc.option(fc.constant('experts'), { freq: 8, nil: null }),
        excluded: fc.subarray(['a0', 'a1', 'a2', 'a3', 'a4'], { maxLength: 2 }),
      }),
      { maxLength: 40 },
    ),
    now: fc.integer({ min: 300_000, max: 600_000 }),
    blocks: fc.boolean(),
  })
  .map((w): RoutingInput => {
    const queues = new Map<string, RoutingQueue>(
      w.queues.map((q, i) => [
        `q${i}`,
        {
          id: `q${i}`,
          targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 60 }, { name: 'secondary', afterSeconds: q.secondAfter, minLevel: 0 }],
          agentChoice: q.choice,
          members: new Set(q.members),
          distribution: q.distribution,
          ...(q.policy ? { priorityPolicy: q.policy } : {}),
        },
      ]),
    );
    return {
      queues,
      now: w.now,
      agents: w.agents.map((a, i) => ({ id: `a${i}`, ...a })),
      tasks: w.tasks.map((t, i) => ({
        id: `t${String(i).padStart(2, '0')}`,
        queueId: `q${t.queue}`, // q3 may not exist: such a task is never offered
        priority: t.priority,
        dueAt: t.due,
        enteredQueueAt: t.entered,
        skills: t.skill ? [t.skill] : [],
        mediaType: t.media,
        targetAgentId: t.target,
        teamBin: t.teamBin,
        ...(t.excluded.length ? { excludedAgents: new Set(t.excluded) } : {}),
      })),
      ...(w.blocks ? { blending: [{ media: 'chat' as MediaType, blocks: ['workitem' as MediaType] }] } : {}),
    };
  });

describe('line-based routing round', () => {
  it('orders a line whose queue ages priority at now, not by its static order', () => {
    const q: RoutingQueue = { id: 'q', targetSteps: [{ name: 'any', afterSeconds: 0, minLevel: 0 }], agentChoice: ['idle'], members: new Set(['a']), distribution: 'push', priorityPolicy: { agingPerMinute: 10, agingMax: 100, urgencyWindowMinutes: 0, urgencyMax: 0 } };
    const old: RoutingTask = { id: 'old', queueId: 'q', priority: 0, dueAt: null, enteredQueueAt: 0, skills: [], mediaType: 'workitem' };
    const fresh: RoutingTask = { ...old, id: 'fresh', priority: 5, enteredQueueAt: 590_000 };
    const a: RoutingAgent = { id: 'a', status: 'available', skills: {}, capacity: { workitem: 1 }, load: {}, idleSince: 0 };
    // Statically "fresh" (5) comes first; after ten minutes "old" has aged to 100.
    expect(decideOffers({ tasks: [fresh, old], agents: [a], queues: new Map([['q', q]]), now: 600_000 }).map((o) => o.taskId)).toEqual(['old']);
  });

  it('makes exactly the offers of the plain round (every routable task sorted at now)', () => {
    fc.assert(
      fc.property(world, (input) => {
        const got = decideOffers(input).map(({ taskId, agentId, step }) => ({ taskId, agentId, step }));
        const want = referenceOffers(input).map(({ taskId, agentId, step }) => ({ taskId, agentId, step }));
        expect(got).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads lines as given: a caller keeping them sorted gets the same offers as from the task list', () => {
    fc.assert(
      fc.property(world, (input) => {
        const { tasks, ...rest } = input;
        expect(decideOffersFromLines({ ...rest, lines: linesOf(tasks) })).toEqual(decideOffers(input));
      }),
      { numRuns: 200 },
    );
  });
});
