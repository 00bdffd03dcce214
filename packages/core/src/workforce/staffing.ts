import { staffingFor, type Staffing } from './erlang.js';
import type { ForecastHour } from './forecast.js';

/** A queue's goal for planning: this share answered within the threshold, people at most this busy. */
export interface PlanningGoal {
  serviceLevel: number;
  thresholdSeconds: number;
  maxOccupancy: number;
  concurrency: number;
}

export interface RequirementHour extends Staffing {
  start: number;
  contacts: number;
  handleSeconds: number;
  /** People to schedule so that `agents` are on the queue after shrinkage: ceil(agents / (1 − shrinkage)). */
  scheduled: number;
}

/** People needed each hour of a forecast; `shrinkage` (0..1) is the share of paid time away from the queues. */
export function requirementOf(forecast: readonly ForecastHour[], goal: PlanningGoal, shrinkage: number): RequirementHour[] {
  const keep = 1 - Math.min(0.9, Math.max(0, shrinkage));
  return forecast.map((f) => {
    const s = staffingFor({ contacts: f.contacts, intervalSeconds: 3600, handleSeconds: f.handleSeconds, ...goal });
    return { ...s, start: f.start, contacts: f.contacts, handleSeconds: f.handleSeconds, scheduled: s.agents ? Math.ceil(s.agents / keep - 1e-9) : 0 };
  });
}

/**
 * What several queues need together: the sum of each queue's people (each planned as if alone,
 * which errs on the safe side: people who serve several queues pool their work).
 */
export function totalRequirement(perQueue: readonly (readonly RequirementHour[])[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const hours of perQueue) for (const h of hours) out.set(h.start, (out.get(h.start) ?? 0) + h.scheduled);
  return out;
}

/**
 * What several queues need when the same people serve them all (multi-skilled): answered-as-they-come
 * work is one pool (its traffic summed, the strictest threshold and goal, the lowest occupancy cap);
 * deferred work adds its workload. Fewer people than planning each queue alone, as pooling does.
 */
export function pooledRequirement(queues: readonly { forecast: readonly ForecastHour[]; goal: PlanningGoal }[], shrinkage: number): Map<number, number> {
  const keep = 1 - Math.min(0.9, Math.max(0, shrinkage));
  const live = queues.filter((q) => q.goal.thresholdSeconds < 3600);
  const deferred = queues.filter((q) => q.goal.thresholdSeconds >= 3600);
  const strictest: PlanningGoal = {
    serviceLevel: Math.max(0, ...live.map((q) => q.goal.serviceLevel)),
    thresholdSeconds: Math.min(3599, ...live.map((q) => q.goal.thresholdSeconds)),
    maxOccupancy: Math.min(1, ...queues.map((q) => q.goal.maxOccupancy)),
    concurrency: 1,
  };
  const out = new Map<number, number>();
  const starts = queues[0]?.forecast.map((h) => h.start) ?? [];
  starts.forEach((start, i) => {
    let erlangSeconds = 0;
    let contacts = 0;
    for (const q of live) {
      const f = q.forecast[i]!;
      erlangSeconds += (f.contacts * f.handleSeconds) / Math.max(1, q.goal.concurrency);
      contacts += f.contacts;
    }
    const pooled = contacts > 0 ? staffingFor({ contacts, intervalSeconds: 3600, handleSeconds: erlangSeconds / contacts, ...strictest }).agents : 0;
    let work = 0;
    for (const q of deferred) work += (q.forecast[i]!.contacts * q.forecast[i]!.handleSeconds) / 3600 / Math.max(1, q.goal.concurrency);
    const agents = pooled + (work > 0 ? Math.ceil(work / strictest.maxOccupancy - 1e-9) : 0);
    out.set(start, agents ? Math.ceil(agents / keep - 1e-9) : 0);
  });
  return out;
}
