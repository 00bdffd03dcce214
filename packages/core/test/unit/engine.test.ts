import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  TASK_STATES,
  decideOffers,
  dueExceptions,
  effectivePriority,
  inWaitingOrder,
  nextExceptionAt,
  transition,
  whyIneligible,
  type ExceptionRule,
  type RoutingAgent,
  type RoutingQueue,
  type RoutingTask,
  type TaskAction,
} from '../../src/index.js';

const steps = [{ name: 'primary', afterSeconds: 0, minLevel: 50 }];
const queue = (extra: Partial<RoutingQueue> = {}): RoutingQueue => ({
  id: 'q', targetSteps: steps, agentChoice: ['proficiency', 'idle', 'load'], members: new Set(['a', 'b']), distribution: 'push', ...extra,
});
const agent = (id: string, extra: Partial<RoutingAgent> = {}): RoutingAgent => ({
  id, status: 'available', skills: { s: 80 }, capacity: { workitem: 2, chat: 2, voice: 1 }, load: {}, idleSince: 0, ...extra,
});
const task = (id: string, extra: Partial<RoutingTask> = {}): RoutingTask => ({
  id, queueId: 'q', priority: 0, dueAt: null, enteredQueueAt: 0, skills: [{ skill: 's' }], mediaType: 'workitem', ...extra,
});

describe('task transitions', () => {
  const ACTIONS: TaskAction[] = ['offer', 'accept', 'decline', 'timeout', 'claim', 'assign', 'complete', 'cancel', 'reschedule', 'wake', 'pause', 'resume', 'transfer', 'reclassify', 'escalate', 'pull-back', 'update', 'wrap-up'];

  it('allows the documented moves and names the state when refusing', () => {
    expect(transition('assigned', 'complete')).toEqual({ ok: true, to: 'completed' });
    expect(transition('scheduled', 'wake')).toEqual({ ok: true, to: 'queued' });
    expect(transition('paused', 'resume')).toEqual({ ok: true, to: 'queued' });
    expect(transition('queued', 'complete')).toEqual({ ok: false, error: 'A queued task cannot be completed' });
    expect(transition('canceled', 'complete')).toMatchObject({ ok: false });
    expect(transition('assigned', 'update')).toEqual({ ok: true, to: 'assigned' });
  });

  it('final states accept no action at all', () => {
    fc.assert(fc.property(fc.constantFrom('completed' as const, 'canceled' as const), fc.constantFrom(...ACTIONS), (state, action) => !transition(state, action).ok));
  });

  it('every live state can be canceled and every action leads to a known state', () => {
    for (const s of TASK_STATES.filter((x) => x !== 'completed' && x !== 'canceled')) expect(transition(s, 'cancel').ok).toBe(true);
    for (const s of TASK_STATES) for (const a of ACTIONS) {
      const r = transition(s, a);
      if (r.ok) expect(TASK_STATES).toContain(r.to);
    }
  });
});

describe('effective priority', () => {
  const policy = { agingPerMinute: 1, agingMax: 30, urgencyWindowMinutes: 60, urgencyMax: 50 };

  it('adds aging by waiting time (capped) and urgency as the due time nears', () => {
    expect(effectivePriority(10, 0, null, 10 * 60_000, policy)).toEqual({ base: 10, aging: 10, urgency: 0, effective: 20 });
    expect(effectivePriority(10, 0, null, 600 * 60_000, policy).aging).toBe(30);
    const due = 120 * 60_000;
    expect(effectivePriority(0, due - 1, due, due - 30 * 60_000, { ...policy, agingPerMinute: 0 }).urgency).toBe(25);
    expect(effectivePriority(0, 0, due, due + 1, { ...policy, agingPerMinute: 0 }).urgency).toBe(50);
  });

  it('never falls below the base and never decreases while a task waits (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 10 ** 9 }), fc.option(fc.integer({ min: 0, max: 2 * 10 ** 9 })), (base, t1, dt, due) => {
        const a = effectivePriority(base, 0, due, t1, policy).effective;
        const b = effectivePriority(base, 0, due, t1 + dt, policy).effective;
        return a >= base && b >= a;
      }),
    );
  });

  it('lets an old low-priority task overtake a new higher one (aging per queue)', () => {
    const queues = new Map([['q', queue({ priorityPolicy: policy })]]);
    const now = 60 * 60_000;
    const order = inWaitingOrder([task('new-high', { priority: 20, enteredQueueAt: now }), task('old-low', { priority: 0, enteredQueueAt: 0 })], queues, now);
    expect(order.map((t) => t.id)).toEqual(['old-low', 'new-high']);
    const plain = inWaitingOrder([task('new-high', { priority: 20, enteredQueueAt: now }), task('old-low', { priority: 0, enteredQueueAt: 0 })], new Map([['q', queue()]]), now);
    expect(plain.map((t) => t.id)).toEqual(['new-high', 'old-low']);
  });
});

describe('exception rules', () => {
  const rules: ExceptionRule[] = [
    { id: 'long-wait', waitedSeconds: 600, raisePriority: 20, alertSupervisors: true },
    { id: 'near-due', dueUsedPercent: 80, moveToTeamBin: 'experts' },
    { id: 'nobody', noEligibleAgent: true, moveToQueue: 'other' },
  ];
  const facts = { enteredQueueAt: 0, createdAt: 0, dueAt: 1_000_000, eligibleAgentLoggedIn: true, fired: [] as string[] };

  it('fires each rule when its condition holds, once', () => {
    expect(dueExceptions(rules, facts, 599_000).map((r) => r.id)).toEqual([]);
    expect(dueExceptions(rules, facts, 600_000).map((r) => r.id)).toEqual(['long-wait']);
    expect(dueExceptions(rules, facts, 800_000).map((r) => r.id)).toEqual(['long-wait', 'near-due']);
    expect(dueExceptions(rules, { ...facts, fired: ['long-wait'] }, 800_000).map((r) => r.id)).toEqual(['near-due']);
    expect(dueExceptions(rules, { ...facts, eligibleAgentLoggedIn: false }, 0).map((r) => r.id)).toEqual(['nobody']);
    expect(dueExceptions([{ id: 'empty', raisePriority: 1 }], facts, 10 ** 12)).toEqual([]);
  });

  it('knows when the next time-based rule will fire', () => {
    expect(nextExceptionAt(rules, facts, 0)).toBe(600_000);
    expect(nextExceptionAt(rules, { ...facts, fired: ['long-wait'] }, 0)).toBe(800_000);
    expect(nextExceptionAt(rules, { ...facts, dueAt: null, fired: ['long-wait'] }, 0)).toBeNull();
  });
});

describe('personal routing, team bins and blending', () => {
  it('a task transferred to an agent goes to that agent only, even outside the queue and without the skill', () => {
    const queues = new Map([['q', queue()]]);
    const outsider = agent('x', { skills: {} });
    const offers = decideOffers({ tasks: [task('t', { targetAgentId: 'x' })], agents: [agent('a'), outsider], queues, now: 0 });
    expect(offers).toEqual([{ taskId: 't', agentId: 'x', step: 'primary', reason: 'transferred to this agent' }]);
    expect(whyIneligible(task('t', { targetAgentId: 'x' }), queue(), agent('a'), steps[0]!)).toBe('not-target');
  });

  it('tasks in a team bin are never pushed; personal tasks are pushed even from a pull queue', () => {
    const agents = [agent('a')];
    expect(decideOffers({ tasks: [task('t', { teamBin: 'experts' })], agents, queues: new Map([['q', queue()]]), now: 0 })).toEqual([]);
    const pull = new Map([['q', queue({ distribution: 'pull' })]]);
    expect(decideOffers({ tasks: [task('t')], agents, queues: pull, now: 0 })).toEqual([]);
    expect(decideOffers({ tasks: [task('t', { targetAgentId: 'a' })], agents, queues: pull, now: 0 })).toHaveLength(1);
  });

  it('media that block others: an agent on a voice call gets no chat, but chat does not block voice unless configured', () => {
    const blending = [{ media: 'voice' as const, blocks: ['chat' as const, 'workitem' as const] }];
    const onCall = agent('a', { load: { voice: 1 } });
    expect(whyIneligible(task('c', { mediaType: 'chat' }), queue(), onCall, steps[0]!, blending)).toEqual({ blockedBy: 'voice' });
    const chatting = agent('a', { load: { chat: 1 } });
    expect(whyIneligible(task('v', { mediaType: 'voice' }), queue(), chatting, steps[0]!, blending)).toBeNull();
    const queues = new Map([['q', queue()]]);
    expect(decideOffers({ tasks: [task('c', { mediaType: 'chat' })], agents: [onCall], queues, now: 0, blending })).toEqual([]);
    expect(decideOffers({ tasks: [task('c', { mediaType: 'chat' })], agents: [onCall], queues, now: 0 })).toHaveLength(1);
  });

  it('never offers beyond capacity per media type, whatever the mix (property)', () => {
    const media = fc.constantFrom('workitem' as const, 'chat' as const, 'voice' as const);
    fc.assert(
      fc.property(fc.array(fc.tuple(media, fc.integer({ min: 0, max: 100 })), { maxLength: 30 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 })), { minLength: 1, maxLength: 5 }), (ts, as) => {
        const agents = as.map(([w, c, v], i) => agent(`g${i}`, { capacity: { workitem: w, chat: c, voice: v } }));
        const tasks = ts.map(([m, p], i) => task(`t${i}`, { mediaType: m, priority: p }));
        const blending = [{ media: 'voice' as const, blocks: ['chat' as const] }];
        const q = queue({ members: new Set(agents.map((a) => a.id)) });
        const offers = decideOffers({ tasks, agents, queues: new Map([['q', q]]), now: 0, blending });
        const byTask = new Map(tasks.map((t) => [t.id, t]));
        for (const a of agents) {
          const mine = offers.filter((o) => o.agentId === a.id).map((o) => byTask.get(o.taskId)!.mediaType);
          for (const m of ['workitem', 'chat', 'voice'] as const) if (mine.filter((x) => x === m).length > (a.capacity[m] ?? 0)) return false;
        }
        return new Set(offers.map((o) => o.taskId)).size === offers.length;
      }),
    );
  });
});
