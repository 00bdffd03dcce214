import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  currentStep,
  decideOffers,
  decideOffersFromLines,
  linesOf,
  freeCapacity,
  inWaitingOrder,
  proficiency,
  whyIneligible,
  type MediaType,
  type OfferDecision,
  type RoutingAgent,
  type RoutingInput,
  type RoutingQueue,
  type RoutingTask,
} from '../../src/index.js';

// decideOffers skips agents with no room and tasks nobody free could take (so a round with nobody
// free does not sort every waiting task). This is the straightforward round it must agree with:
// every waiting task in order, every agent checked by whyIneligible.
function reference(input: RoutingInput): OfferDecision[] {
  const working = input.agents.map((a) => ({ ...a, load: { ...a.load } as Partial<Record<MediaType, number>> }));
  const ratio = (a: RoutingAgent) => {
    let cap = 0;
    let load = 0;
    for (const v of Object.values(a.capacity)) cap += v ?? 0;
    for (const v of Object.values(a.load)) load += v ?? 0;
    return cap === 0 ? 1 : load / cap;
  };
  const words: Record<string, string> = { proficiency: 'best proficiency', idle: 'longest idle', load: 'least occupied' };
  const offers: OfferDecision[] = [];
  for (const task of inWaitingOrder(input.tasks, input.queues, input.now)) {
    const queue = input.queues.get(task.queueId);
    if (!queue || task.teamBin) continue;
    if (queue.distribution === 'pull' && task.targetAgentId == null) continue;
    const step = currentStep(queue.targetSteps, (input.now - task.enteredQueueAt) / 1000);
    const candidates = working
      .filter((agent) => whyIneligible(task, queue, agent, step, input.blending) === null)
      .map((agent) => ({ agent, proficiency: proficiency(task, agent), loadRatio: ratio(agent) }));
    if (!candidates.length) continue;
    candidates.sort((a, b) => {
      for (const key of queue.agentChoice) {
        if (key === 'proficiency' && a.proficiency !== b.proficiency) return b.proficiency - a.proficiency;
        if (key === 'idle' && a.agent.idleSince !== b.agent.idleSince) return a.agent.idleSince - b.agent.idleSince;
        if (key === 'load' && a.loadRatio !== b.loadRatio) return a.loadRatio - b.loadRatio;
      }
      return a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0;
    });
    const best = candidates[0]!;
    best.agent.load[task.mediaType] = (best.agent.load[task.mediaType] ?? 0) + 1;
    offers.push({
      taskId: task.id,
      agentId: best.agent.id,
      step: step.name,
      reason: task.targetAgentId != null ? 'transferred to this agent' :
        `${step.name} step (skills >= ${step.minLevel}); ${candidates.length} eligible; chosen by ` +
        `${queue.agentChoice.map((k) => words[k]).join(', ')} (proficiency ${Math.round(best.proficiency)})`,
    });
    expect(freeCapacity(best.agent, task.mediaType)).toBeGreaterThanOrEqual(0);
  }
  return offers;
}

const IDS = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
const MEDIA: MediaType[] = ['workitem', 'email', 'voice'];

  const agentArb = fc.record({
    id: fc.constantFrom(...IDS),
    status: fc.constantFrom('available', 'available', 'available', 'not-ready', 'busy', 'offline'),
    billing: fc.integer({ min: 0, max: 100 }),
    french: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    cap: fc.dictionary(fc.constantFrom(...MEDIA), fc.integer({ min: 0, max: 4 })),
    load: fc.dictionary(fc.constantFrom(...MEDIA), fc.integer({ min: 0, max: 2 })),
    idleSince: fc.integer({ min: 0, max: 5 }),
  });
  const taskArb = fc.record({
    id: fc.uuid(),
    queueId: fc.constantFrom('q1', 'q2', 'q3', 'gone'),
    priority: fc.integer({ min: 0, max: 5 }),
    dueAt: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: null }),
    enteredQueueAt: fc.integer({ min: 0, max: 400_000 }),
    french: fc.boolean(),
    minLevel: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    media: fc.constantFrom<MediaType>('workitem', 'workitem', 'email', 'voice'),
    target: fc.option(fc.constantFrom(...IDS), { nil: null, freq: 4 }),
    teamBin: fc.option(fc.constant('team'), { nil: null, freq: 6 }),
    excluded: fc.subarray(IDS, { maxLength: 2 }),
  });

type AgentSpec = typeof agentArb extends fc.Arbitrary<infer T> ? T : never;
type TaskSpec = typeof taskArb extends fc.Arbitrary<infer T> ? T : never;
const worldArbs = [
  fc.uniqueArray(agentArb, { selector: (a) => a.id, maxLength: 7 }),
  fc.uniqueArray(taskArb, { selector: (t) => t.id, maxLength: 40 }),
  fc.subarray(IDS),
  fc.subarray(IDS),
  fc.constantFrom('push', 'pull', 'both'),
  fc.boolean(),
  fc.integer({ min: 100_000, max: 600_000 }),
] as const;

function world(agentSpecs: AgentSpec[], taskSpecs: TaskSpec[], q2Members: string[], q3Members: string[], q3Distribution: string, blend: boolean, now: number): RoutingInput {
  const agents: RoutingAgent[] = agentSpecs.map((s) => ({
    id: s.id,
    status: s.status as RoutingAgent['status'],
    skills: (s.french === undefined ? { billing: s.billing } : { billing: s.billing, french: s.french }) as Record<string, number>,
    capacity: s.cap,
    load: s.load,
    idleSince: s.idleSince,
  }));
  const steps = [{ name: 'primary', afterSeconds: 0, minLevel: 80 }, { name: 'secondary', afterSeconds: 60, minLevel: 40 }, { name: 'any', afterSeconds: 180, minLevel: 0 }];
  const queues = new Map<string, RoutingQueue>([
    ['q1', { id: 'q1', targetSteps: steps, agentChoice: ['proficiency', 'idle', 'load'], members: new Set(IDS), distribution: 'push', priorityPolicy: { agingPerMinute: 1, agingMax: 10, urgencyWindowMinutes: 5, urgencyMax: 5 } }],
    ['q2', { id: 'q2', targetSteps: steps, agentChoice: ['load', 'idle'], members: new Set(q2Members), distribution: 'both' }],
    ['q3', { id: 'q3', targetSteps: steps, agentChoice: ['idle'], members: new Set(q3Members), distribution: q3Distribution as RoutingQueue['distribution'] }],
  ]);
  const tasks: RoutingTask[] = taskSpecs.map((s) => ({
    id: s.id,
    queueId: s.queueId,
    priority: s.priority,
    dueAt: s.dueAt,
    enteredQueueAt: s.enteredQueueAt,
    skills: s.french ? [{ skill: 'billing', minLevel: s.minLevel }, { skill: 'french' }] : [{ skill: 'billing' }],
    mediaType: s.media,
    targetAgentId: s.target,
    teamBin: s.teamBin,
    ...(s.excluded.length ? { excludedAgents: new Set(s.excluded) } : {}),
  }));
  return { tasks, agents, queues, now, blending: blend ? [{ media: 'voice', blocks: ['workitem', 'email'] }] : [] };
}

function taskOf(s: TaskSpec): RoutingTask {
  return world([], [s], [], [], 'push', false, 0).tasks[0]!;
}

describe('decideOffers skips only what cannot be offered', () => {
  it('gives the same offers as checking every task against every agent', () => {
    fc.assert(
      fc.property(...worldArbs, (...w) => {
        const input = world(...w);
        expect(decideOffers(input)).toEqual(reference(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('an incremental round (only what changed since a full one) gives the same offers as a full round', () => {
    fc.assert(
      fc.property(
        ...worldArbs,
        fc.uniqueArray(taskArb, { selector: (t) => t.id, maxLength: 8 }),
        fc.subarray(IDS),
        fc.subarray(IDS),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }),
        (agentSpecs, taskSpecs, q2, q3, q3d, blend, now, newTasks, freed, becameAvailable, cuts) => {
          const before = world(agentSpecs, taskSpecs, q2, q3, q3d, blend, now);
          // The last round ran in full, and its offers were taken: what is left has no eligible free agent.
          const offered = decideOffers(before);
          const gone = new Set(offered.map((o) => o.taskId));
          const agents = before.agents.map((a) => ({ ...a, load: { ...a.load } as Partial<Record<MediaType, number>> }));
          for (const o of offered) {
            const a = agents.find((x) => x.id === o.agentId)!;
            const t = before.tasks.find((x) => x.id === o.taskId)!;
            a.load[t.mediaType] = (a.load[t.mediaType] ?? 0) + 1;
          }
          // Then: tasks arrive, agents free capacity or become available.
          const changedAgents = new Set<string>();
          for (const a of agents) {
            if (freed.includes(a.id) && Object.values(a.load).some((n) => (n ?? 0) > 0)) {
              for (const m of Object.keys(a.load) as MediaType[]) a.load[m] = Math.max(0, (a.load[m] ?? 0) - 1);
              changedAgents.add(a.id);
            }
            if (becameAvailable.includes(a.id) && a.status !== 'available') {
              a.status = 'available';
              changedAgents.add(a.id);
            }
          }
          const arrived = newTasks.map(taskOf);
          const tasks = [...before.tasks.filter((t) => !gone.has(t.id)), ...arrived.filter((t) => !before.tasks.some((x) => x.id === t.id))];
          const after: RoutingInput = { ...before, tasks, agents };
          const changed = { agents: changedAgents, tasks: tasks.filter((t) => arrived.includes(t)) };
          expect(decideOffersFromLines({ ...after, lines: linesOf(tasks), changed })).toEqual(decideOffers(after));
          // Lines in pieces (as the server keeps long ones; some empty) read as the whole lines.
          const whole = linesOf(tasks);
          const inPieces = new Map([...whole.byQueue].map(([q, line]) => {
            const all = line.flat();
            const pieces: RoutingTask[][] = [];
            for (let i = 0, k = 0; i < all.length; ) {
              let n = cuts[k++ % cuts.length]!;
              if (n === 0) {
                pieces.push([]);
                n = 1;
              }
              pieces.push(all.slice(i, i + n));
              i += n;
            }
            return [q, [...pieces, []]];
          }));
          expect(decideOffersFromLines({ ...after, lines: { byQueue: inPieces, byAgent: whole.byAgent }, changed })).toEqual(decideOffers(after));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
