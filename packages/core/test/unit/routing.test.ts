import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareWaiting,
  currentStep,
  decideOffers,
  whyIneligible,
  type RoutingAgent,
  type RoutingQueue,
  type RoutingTask,
} from '../../src/index.js';

const steps = [
  { name: 'primary', afterSeconds: 0, minLevel: 80 },
  { name: 'secondary', afterSeconds: 60, minLevel: 50 },
  { name: 'tertiary', afterSeconds: 180, minLevel: 0 },
];
const queue = (members: string[], extra: Partial<RoutingQueue> = {}): RoutingQueue => ({
  id: 'q',
  targetSteps: steps,
  agentChoice: ['proficiency', 'idle', 'load'],
  members: new Set(members),
  distribution: 'push',
  ...extra,
});
const agent = (id: string, skill: number, extra: Partial<RoutingAgent> = {}): RoutingAgent => ({
  id,
  status: 'available',
  skills: { billing: skill },
  capacity: { workitem: 1 },
  load: {},
  idleSince: 0,
  ...extra,
});
const task = (id: string, extra: Partial<RoutingTask> = {}): RoutingTask => ({
  id,
  queueId: 'q',
  priority: 0,
  dueAt: null,
  enteredQueueAt: 0,
  skills: [{ skill: 'billing' }],
  mediaType: 'workitem',
  ...extra,
});

describe('waiting order', () => {
  it('orders by priority desc, then due asc, then entry asc', () => {
    const tasks = [
      task('late-entry', { enteredQueueAt: 20 }),
      task('early-entry', { enteredQueueAt: 10 }),
      task('due-soon', { enteredQueueAt: 30, dueAt: 1000 }),
      task('high', { priority: 5, enteredQueueAt: 40 }),
    ];
    expect(tasks.sort(compareWaiting).map((t) => t.id)).toEqual(['high', 'due-soon', 'early-entry', 'late-entry']);
  });
});

describe('target steps', () => {
  it('widens with waiting time', () => {
    expect(currentStep(steps, 0).name).toBe('primary');
    expect(currentStep(steps, 59.9).name).toBe('primary');
    expect(currentStep(steps, 60).name).toBe('secondary');
    expect(currentStep(steps, 1000).name).toBe('tertiary');
  });

  it('offers only to agents meeting the current step', () => {
    const q = queue(['expert', 'junior']);
    const input = { queues: new Map([['q', q]]), agents: [agent('junior', 60)] };
    expect(decideOffers({ ...input, tasks: [task('t')], now: 10_000 })).toEqual([]);
    const later = decideOffers({ ...input, tasks: [task('t')], now: 61_000 });
    expect(later).toHaveLength(1);
    expect(later[0]).toMatchObject({ taskId: 't', agentId: 'junior', step: 'secondary' });
  });

  it('a level-0 step accepts queue members without the skill', () => {
    const q = queue(['a']);
    const a = agent('a', 0, { skills: {} });
    expect(whyIneligible(task('t'), q, a, steps[2]!)).toBeNull();
    expect(whyIneligible(task('t'), q, a, steps[0]!)).toEqual({ skill: 'billing', has: 0, needs: 80 });
  });
});

describe('agent choice', () => {
  it('prefers best proficiency, then longest idle', () => {
    const q = queue(['a', 'b', 'c']);
    const agents = [agent('a', 85, { idleSince: 5 }), agent('b', 95, { idleSince: 9 }), agent('c', 95, { idleSince: 1 })];
    const [offer] = decideOffers({ tasks: [task('t')], agents, queues: new Map([['q', q]]), now: 0 });
    expect(offer?.agentId).toBe('c');
    expect(offer?.reason).toContain('3 eligible');
  });

  it('skips agents who are not members, not available, excluded or full', () => {
    const q = queue(['busy', 'full', 'excluded', 'ok']);
    const agents = [
      agent('outsider', 100),
      agent('busy', 100, { status: 'not-ready' }),
      agent('full', 100, { load: { workitem: 1 } }),
      agent('excluded', 100),
      agent('ok', 81),
    ];
    const offers = decideOffers({
      tasks: [task('t', { excludedAgents: new Set(['excluded']) })],
      agents,
      queues: new Map([['q', q]]),
      now: 0,
    });
    expect(offers.map((o) => o.agentId)).toEqual(['ok']);
  });

  it('never routes pull-only queues', () => {
    const q = queue(['a'], { distribution: 'pull' });
    expect(decideOffers({ tasks: [task('t')], agents: [agent('a', 100)], queues: new Map([['q', q]]), now: 0 })).toEqual([]);
  });
});

// Invariants 1-3 of DESIGN.md, for any mix of tasks, agents, loads and clocks.
describe('routing invariants (property-based)', () => {
  const agentArb = fc.record({
    id: fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5', 'a6'),
    status: fc.constantFrom('available', 'available', 'not-ready', 'busy', 'offline'),
    skill: fc.integer({ min: 0, max: 100 }),
    other: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    cap: fc.integer({ min: 0, max: 3 }),
    load: fc.integer({ min: 0, max: 3 }),
    idleSince: fc.integer({ min: 0, max: 1000 }),
  });
  const taskArb = fc.record({
    id: fc.uuid(),
    queueId: fc.constantFrom('q1', 'q2'),
    priority: fc.integer({ min: 0, max: 10 }),
    enteredQueueAt: fc.integer({ min: 0, max: 400_000 }),
    needsOther: fc.boolean(),
    minLevel: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  });

  it('holds for every routing round', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(agentArb, { selector: (a) => a.id, maxLength: 6 }),
        fc.uniqueArray(taskArb, { selector: (t) => t.id, maxLength: 30 }),
        fc.subarray(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']),
        fc.integer({ min: 0, max: 500_000 }),
        (agentSpecs, taskSpecs, q2Members, now) => {
          const agents: RoutingAgent[] = agentSpecs.map((s) => ({
            id: s.id,
            status: s.status as RoutingAgent['status'],
            skills: (s.other === undefined ? { billing: s.skill } : { billing: s.skill, french: s.other }) as Record<string, number>,
            capacity: { workitem: s.cap },
            load: { workitem: Math.min(s.load, s.cap) },
            idleSince: s.idleSince,
          }));
          const queues = new Map<string, RoutingQueue>([
            ['q1', queue(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], { id: 'q1' })],
            ['q2', queue(q2Members, { id: 'q2', agentChoice: ['load', 'idle'] })],
          ]);
          const tasks: RoutingTask[] = taskSpecs.map((s) =>
            task(s.id, {
              queueId: s.queueId,
              priority: s.priority,
              enteredQueueAt: s.enteredQueueAt,
              skills: s.needsOther ? [{ skill: 'billing', minLevel: s.minLevel }, { skill: 'french' }] : [{ skill: 'billing' }],
            }),
          );
          const offers = decideOffers({ tasks, agents, queues, now });
          // 1. a task is offered to at most one agent
          expect(new Set(offers.map((o) => o.taskId)).size).toBe(offers.length);
          // 2. no agent ends above capacity
          for (const a of agents) {
            const given = offers.filter((o) => o.agentId === a.id).length;
            expect((a.load.workitem ?? 0) + given).toBeLessThanOrEqual(a.capacity.workitem ?? 0);
          }
          // 3. every offer meets the task's current target step, membership and presence
          for (const o of offers) {
            const t = tasks.find((x) => x.id === o.taskId)!;
            const q = queues.get(t.queueId)!;
            const a = agents.find((x) => x.id === o.agentId)!;
            const step = currentStep(q.targetSteps, (now - t.enteredQueueAt) / 1000);
            expect(o.step).toBe(step.name);
            expect(whyIneligible(t, q, { ...a, load: {} , capacity: { workitem: 1 } }, step)).toBeNull();
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is deterministic and never skips a higher task for a lower one in the same queue', () => {
    fc.assert(
      fc.property(fc.uniqueArray(taskArb, { selector: (t) => t.id, maxLength: 20 }), (taskSpecs) => {
        const tasks = taskSpecs.map((s) => task(s.id, { priority: s.priority, enteredQueueAt: s.enteredQueueAt }));
        const input = { tasks, agents: [agent('a', 100)], queues: new Map([['q', queue(['a'])]]), now: 1_000_000 };
        const offers = decideOffers(input);
        expect(decideOffers(input)).toEqual(offers);
        if (tasks.length) expect(offers[0]?.taskId).toBe([...tasks].sort(compareWaiting)[0]!.id);
      }),
    );
  });
});

describe('explain', () => {
  it('gives the place in line, the step and every member agent\'s verdict', async () => {
    const { explainWaiting } = await import('../../src/index.js');
    const q = queue(['a', 'b', 'c']);
    const t = task('t', { enteredQueueAt: 0 });
    const ahead = task('ahead', { priority: 5 });
    const agents = [agent('a', 90), agent('b', 60), agent('c', 95, { status: 'not-ready' }), agent('outsider', 100)];
    const e = explainWaiting(t, q, [t, ahead], agents, 30_000);
    expect(e).toMatchObject({ position: 2, waitingInQueue: 2, waitedSeconds: 30, step: { name: 'primary' }, nextStepAt: 60_000 });
    expect(e.agents).toEqual([
      { agent: 'a', eligible: true, why: null, proficiency: 90 },
      { agent: 'c', eligible: false, why: 'not available', proficiency: 95 },
      { agent: 'b', eligible: false, why: 'skill billing is 60, the current step needs 80', proficiency: 60 },
    ]);
  });
});
