import type { BlendingRule, MediaType, OfferDecision, RoutingAgent, RoutingQueue, RoutingTask } from '../model.js';
import { effectivePriority } from '../priority/effective.js';
import { compareWaiting } from './order.js';
import { currentStep } from './targets.js';
import { freeCapacity, proficiency, whyIneligible } from './eligibility.js';

export interface RoutingInput {
  tasks: readonly RoutingTask[];
  agents: readonly RoutingAgent[];
  queues: ReadonlyMap<string, RoutingQueue>;
  now: number;
  blending?: readonly BlendingRule[];
}

/** The tasks in waiting order with their effective priority (base + boost + aging + urgency) at `now`. */
export function inWaitingOrder(tasks: readonly RoutingTask[], queues: ReadonlyMap<string, RoutingQueue>, now: number): RoutingTask[] {
  return tasks
    .map((t) => {
      const policy = queues.get(t.queueId)?.priorityPolicy;
      return policy ? { ...t, priority: effectivePriority(t.priority, t.enteredQueueAt, t.dueAt, now, policy).effective } : t;
    })
    .sort(compareWaiting);
}

interface Candidate {
  agent: RoutingAgent;
  proficiency: number;
  loadRatio: number;
}

function loadRatio(agent: RoutingAgent): number {
  let cap = 0;
  let load = 0;
  for (const v of Object.values(agent.capacity)) cap += v ?? 0;
  for (const v of Object.values(agent.load)) load += v ?? 0;
  return cap === 0 ? 1 : load / cap;
}

function compareCandidates(order: RoutingQueue['agentChoice'], a: Candidate, b: Candidate): number {
  for (const key of order) {
    if (key === 'proficiency' && a.proficiency !== b.proficiency) return b.proficiency - a.proficiency;
    if (key === 'idle' && a.agent.idleSince !== b.agent.idleSince) return a.agent.idleSince - b.agent.idleSince;
    if (key === 'load' && a.loadRatio !== b.loadRatio) return a.loadRatio - b.loadRatio;
  }
  return a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0;
}

const CHOICE_WORDS: Record<string, string> = { proficiency: 'best proficiency', idle: 'longest idle', load: 'least occupied' };

/** Whether the agent has room for one more task of some media type. */
function hasRoom(agent: RoutingAgent): boolean {
  for (const [media, cap] of Object.entries(agent.capacity)) if ((cap ?? 0) - (agent.load[media as MediaType] ?? 0) > 0) return true;
  return false;
}

/**
 * One routing round: walks waiting push tasks in waiting order (across queues, highest first) and
 * offers each to the best eligible agent at its current target step. An offer reserves capacity,
 * so the same round never over-fills an agent. Pure: same input, same offers.
 *
 * Only agents who could take something (available, room for some media) are considered, and only
 * tasks that one of them could take (a member of the task's queue, or its personal agent) are put
 * in order: everyone and everything else is ineligible anyway (`whyIneligible`), so the offers are
 * the same, but a round with nobody free costs O(agents) instead of sorting every waiting task.
 */
export function decideOffers(input: RoutingInput): OfferDecision[] {
  const load = new Map<string, Partial<Record<MediaType, number>>>();
  const working: RoutingAgent[] = [];
  const byId = new Map<string, RoutingAgent>();
  for (const a of input.agents) {
    if (a.status !== 'available' || !hasRoom(a)) continue;
    const l = { ...a.load };
    load.set(a.id, l);
    const w = { ...a, load: l };
    working.push(w);
    byId.set(a.id, w);
  }
  if (working.length === 0) return [];
  let withRoom = working.length;
  const membersOf = new Map<string, RoutingAgent[]>();
  const members = (queue: RoutingQueue): RoutingAgent[] => {
    let m = membersOf.get(queue.id);
    if (!m) membersOf.set(queue.id, (m = working.filter((a) => queue.members.has(a.id))));
    return m;
  };
  const routable = (t: RoutingTask): boolean => {
    const queue = input.queues.get(t.queueId);
    if (!queue || t.teamBin) return false;
    // Personal tasks are pushed to their agent even from a pull queue; others only from push queues.
    if (t.targetAgentId != null) return byId.has(t.targetAgentId);
    return queue.distribution !== 'pull' && members(queue).length > 0;
  };
  const offers: OfferDecision[] = [];
  const tasks = inWaitingOrder(input.tasks.filter(routable), input.queues, input.now);
  for (const task of tasks) {
    const queue = input.queues.get(task.queueId)!;
    const step = currentStep(queue.targetSteps, (input.now - task.enteredQueueAt) / 1000);
    const candidates: Candidate[] = [];
    const pool = task.targetAgentId != null ? [byId.get(task.targetAgentId)!] : members(queue);
    for (const agent of pool) {
      if (whyIneligible(task, queue, agent, step, input.blending) === null) {
        candidates.push({ agent, proficiency: proficiency(task, agent), loadRatio: loadRatio(agent) });
      }
    }
    if (candidates.length === 0) continue;
    candidates.sort((a, b) => compareCandidates(queue.agentChoice, a, b));
    const best = candidates[0]!;
    const l = load.get(best.agent.id)!;
    l[task.mediaType] = (l[task.mediaType] ?? 0) + 1;
    offers.push({
      taskId: task.id,
      agentId: best.agent.id,
      step: step.name,
      reason: task.targetAgentId != null ? 'transferred to this agent' :
        `${step.name} step (skills >= ${step.minLevel}); ${candidates.length} eligible; chosen by ` +
        `${queue.agentChoice.map((k) => CHOICE_WORDS[k]).join(', ')} (proficiency ${Math.round(best.proficiency)})`,
    });
    if (freeCapacity(best.agent, task.mediaType) < 0) throw new Error('capacity invariant broken');
    if (!hasRoom(best.agent) && --withRoom === 0) break; // nobody can take anything more this round
  }
  return offers;
}
