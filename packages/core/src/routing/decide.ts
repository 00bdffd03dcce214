import type { BlendingRule, MediaType, OfferDecision, RoutingAgent, RoutingQueue, RoutingTask } from '../model.js';
import { effectivePriority } from '../priority/effective.js';
import { compareWaiting } from './order.js';
import { AgedCursor, LineCursor, type Cursor, type Line, type PieceBounds } from './cursors.js';
import { currentStep } from './targets.js';
import { siftDown, siftUp } from './heap.js';
import { freeCapacity, proficiency, whyIneligible } from './eligibility.js';

export type { Line, PieceBounds } from './cursors.js';
export { pieceBounds, widenBounds } from './cursors.js';

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

/** Whether any of `agents` is a member of `queue` (a loop, not a list: this runs for every queue in every round). */
function anyMember(queue: RoutingQueue, agents: readonly RoutingAgent[]): boolean {
  for (let i = 0; i < agents.length; i++) if (queue.members.has(agents[i]!.id)) return true;
  return false;
}

const CHOICE_WORDS: Record<string, string> = { proficiency: 'best proficiency', idle: 'longest idle', load: 'least occupied' };

/** Whether the agent has room for one more task of some media type. */
export function hasRoom(agent: RoutingAgent): boolean {
  // for-in, not Object.entries: this runs for every agent in every round.
  for (const media in agent.capacity) if ((agent.capacity[media as MediaType] ?? 0) - (agent.load[media as MediaType] ?? 0) > 0) return true;
  return false;
}

/** Where a round reads waiting tasks from: per-queue lines and per-agent personal tasks. */
export interface RoutingLines {
  /**
   * Tasks routed by their queue (no personal agent, no team bin). A line of a queue without a
   * priority policy must already be in waiting order (`compareWaiting`): its order never changes
   * with time, so the caller keeps it sorted as tasks come and go and a round never sorts it.
   * Lines of queues with a policy may be in any order (the round orders them at `now`).
   */
  byQueue: ReadonlyMap<string, Line>;
  /** Personal tasks (transferred to one agent), by that agent; any order. */
  byAgent: ReadonlyMap<string, readonly RoutingTask[]>;
  /**
   * A piece's bounds (`pieceBounds`), if the caller remembers them between rounds: a round over an
   * aging line reads only the pieces whose bounds could come first, but needs every piece's bounds.
   */
  boundsOf?: (piece: readonly RoutingTask[]) => PieceBounds;
}

/** Groups tasks into lines (queue lines sorted): what a caller without lines of its own passes. */
export function linesOf(tasks: readonly RoutingTask[]): RoutingLines {
  const byQueue = new Map<string, RoutingTask[]>();
  const byAgent = new Map<string, RoutingTask[]>();
  for (const t of tasks) {
    if (t.teamBin) continue;
    const [map, key] = t.targetAgentId != null ? [byAgent, t.targetAgentId] : [byQueue, t.queueId];
    let line = map.get(key);
    if (!line) map.set(key, (line = []));
    line.push(t);
  }
  return { byQueue: new Map([...byQueue].map(([q, line]) => [q, [line.sort(compareWaiting)]])), byAgent };
}

/**
 * One routing round: walks waiting push tasks in waiting order (across queues, highest first) and
 * offers each to the best eligible agent at its current target step. An offer reserves capacity,
 * so the same round never over-fills an agent. Pure: same input, same offers.
 */
export function decideOffers(input: RoutingInput): OfferDecision[] {
  return decideOffersFromLines({ ...input, lines: linesOf(input.tasks) });
}

const cursorFirst = (a: Cursor, b: Cursor) => compareWaiting(a.head, b.head) < 0;

/** A binary min-heap of cursors by their head task: the k-way merge of sorted lines. */
class CursorHeap {
  private readonly h: Cursor[] = [];
  get size(): number {
    return this.h.length;
  }
  push(c: Cursor): void {
    this.h.push(c);
    siftUp(this.h, this.h.length - 1, cursorFirst);
  }
  /** The task at the head of the best line; advances that line. */
  pop(): RoutingTask {
    const h = this.h;
    const top = h[0]!;
    const task = top.head;
    if (!top.next()) {
      const last = h.pop()!;
      if (h.length === 0) return task;
      h[0] = last;
    }
    siftDown(h, 0, cursorFirst);
    return task;
  }
}

/**
 * What changed since the last round, for an incremental round. The caller vouches that after the
 * last round no available agent with room was eligible for a task left waiting; only a change can
 * make one eligible since: a task put (back) in line or widened to its next step, an agent who
 * freed capacity or became available. Anything else (configuration, a restart) needs a full round.
 */
export interface RoutingChanges {
  agents: ReadonlySet<string>;
  /** Waiting tasks that changed (each also in its line). */
  tasks: readonly RoutingTask[];
}

/**
 * `decideOffers` on lines. Only agents who could take something (available, room for some media)
 * are considered, and only lines one of them could serve (a push queue they are a member of, their
 * personal tasks) are read; those are merged lazily in waiting order, so a round costs what it
 * offers (plus ordering the lines of queues whose priority ages), not a sort of every waiting task.
 * Everything skipped is ineligible anyway (`whyIneligible`), so the offers are the same.
 *
 * With `changed`, only pairs with a changed side are examined: whole lines only for changed agents,
 * and of other lines only their changed tasks; an unchanged task is only offered to changed agents.
 * Unchanged pairs were ineligible at the last round and still are, so the offers are the same as
 * a full round's, at the cost of what changed instead of every free agent's lines.
 */
export function decideOffersFromLines(input: Omit<RoutingInput, 'tasks'> & { lines: RoutingLines; changed?: RoutingChanges }): OfferDecision[] {
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
  const changed = input.changed;
  const changedTasks = new Set(changed?.tasks.map((t) => t.id));
  const isNew = (a: RoutingAgent) => !changed || changed.agents.has(a.id);
  let withRoom = working.length;
  // Member lists are built only for the queues whose tasks a round takes up: an incremental round
  // (one agent freed a slot) touches a few of them, and building one per queue for every round
  // was most of what a round allocated (two arrays and two map entries per queue).
  const membersOf = new Map<string, RoutingAgent[]>();
  const members = (queue: RoutingQueue): RoutingAgent[] => {
    let m = membersOf.get(queue.id);
    if (!m) membersOf.set(queue.id, (m = working.filter((a) => queue.members.has(a.id))));
    return m;
  };
  const changedWorking = changed ? working.filter(isNew) : working;
  let changedWithRoom = changedWorking.length;
  const newMembersOf = new Map<string, RoutingAgent[]>();
  const newMembers = (queue: RoutingQueue): RoutingAgent[] => {
    let m = newMembersOf.get(queue.id);
    if (!m) newMembersOf.set(queue.id, (m = changed ? changedWorking.filter((a) => queue.members.has(a.id)) : members(queue)));
    return m;
  };
  const heap = new CursorHeap();
  const add = (c: Cursor | undefined) => {
    if (c) heap.push(c);
  };
  /** Changed tasks by queue line or by personal agent, for lines not read whole. */
  const changedByQueue = new Map<string, RoutingTask[]>();
  const changedByAgent = new Map<string, RoutingTask[]>();
  for (const t of changed?.tasks ?? []) {
    if (t.teamBin) continue;
    const [map, key] = t.targetAgentId != null ? [changedByAgent, t.targetAgentId] : [changedByQueue, t.queueId];
    const list = map.get(key);
    if (list) list.push(t);
    else map.set(key, [t]);
  }
  // forEach, not for-of over entries: no entry array per queue, every round.
  input.lines.byQueue.forEach((line, queueId) => {
    const queue = input.queues.get(queueId);
    if (!queue || queue.distribution === 'pull') return;
    // A changed member reads the whole line; otherwise only its changed tasks, if anyone free serves it.
    if (anyMember(queue, changedWorking)) add(queue.priorityPolicy ? AgedCursor.of(line, queue.priorityPolicy, input.now, input.lines.boundsOf) : LineCursor.of(line));
    else {
      const part = changedByQueue.get(queueId);
      if (part && anyMember(queue, working)) add(LineCursor.of([inWaitingOrder(part, input.queues, input.now)]));
    }
  });
  // Personal tasks are pushed to their agent even from a pull queue.
  for (const a of working) {
    const line = isNew(a) ? input.lines.byAgent.get(a.id) : changedByAgent.get(a.id);
    const mine = line?.filter((t) => input.queues.has(t.queueId) && !t.teamBin);
    if (mine?.length) add(LineCursor.of([inWaitingOrder(mine, input.queues, input.now)]));
  }
  const offers: OfferDecision[] = [];
  const stepsOf = new Map<string, RoutingQueue['targetSteps']>();
  while (heap.size > 0) {
    const task = heap.pop();
    const queue = input.queues.get(task.queueId)!;
    let steps = stepsOf.get(queue.id);
    if (!steps) stepsOf.set(queue.id, (steps = [...queue.targetSteps].sort((a, b) => a.afterSeconds - b.afterSeconds)));
    const step = currentStep(steps, (input.now - task.enteredQueueAt) / 1000);
    const candidates: Candidate[] = [];
    const fresh = !changed || changedTasks.has(task.id);
    if (!fresh && changedWithRoom === 0) {
      if (changedTasks.size === 0) break; // only a changed agent could take anything, and they are full
      continue;
    }
    const target = task.targetAgentId != null ? byId.get(task.targetAgentId) : undefined;
    const pool = task.targetAgentId != null ? (target && (fresh || isNew(target)) ? [target] : []) : fresh ? members(queue) : newMembers(queue);
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
    if (!hasRoom(best.agent)) {
      if (--withRoom === 0) break; // nobody can take anything more this round
      if (changed?.agents.has(best.agent.id)) changedWithRoom--;
    }
  }
  return offers;
}
