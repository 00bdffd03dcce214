/**
 * Refusals after a restart. An agent who declined a task or let its offer time out is passed over
 * for it until the refusal lapses (the queue's refusal time), unless the task starts a new wait
 * first (transfer, escalation, wake-up, resume, pull-back, a move to another queue). Routing keeps
 * refusals in memory; after a restart they are read back from the task's events, so nobody is
 * offered again at once what they just refused.
 */
export interface TaskEventFact {
  taskId: string;
  /** Event id: the order of a task's events. */
  id: number;
  type: string;
  at: number;
  /** The agent of a refusal. */
  agent: string | null;
}

export interface RefusalInForce {
  taskId: string;
  agentId: string;
  lapsesAt: number;
}

/** Events that refuse an offer; each is followed by the task's `task.queued` back at its old place. */
export const REFUSAL_EVENTS: readonly string[] = ['task.declined', 'task.rona'];
/** Offers taken back (the agent left "available"): back in line too, but nobody refused. */
const BACK_IN_LINE = new Set([...REFUSAL_EVENTS, 'task.offer-withdrawn']);

/**
 * The refusals still in force at `now`. `events` are the tasks' events from the oldest refusal on,
 * in id order per task; `refusalSeconds` gives a task's queue's refusal time. A `task.queued` that
 * does not follow a refusal or a withdrawn offer is a new wait: refusals before it no longer count.
 */
export function refusalsInForce(events: readonly TaskEventFact[], refusalSeconds: (taskId: string) => number, now: number): RefusalInForce[] {
  const byTask = new Map<string, TaskEventFact[]>();
  for (const e of events) {
    const list = byTask.get(e.taskId);
    if (list) list.push(e);
    else byTask.set(e.taskId, [e]);
  }
  const out: RefusalInForce[] = [];
  for (const [taskId, list] of byTask) {
    list.sort((a, b) => a.id - b.id);
    let current: RefusalInForce[] = [];
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.type === 'task.queued' && !(i > 0 && BACK_IN_LINE.has(list[i - 1]!.type))) current = []; // a new wait
      else if (REFUSAL_EVENTS.includes(e.type) && e.agent) current.push({ taskId, agentId: e.agent, lapsesAt: e.at + refusalSeconds(taskId) * 1000 });
    }
    // The latest refusal of an agent decides when theirs lapses.
    const latest = new Map<string, RefusalInForce>();
    for (const r of current) if (r.lapsesAt > now) latest.set(r.agentId, r);
    out.push(...latest.values());
  }
  return out;
}
