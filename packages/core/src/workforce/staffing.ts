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
