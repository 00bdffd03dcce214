import type { RoutingTask } from '../model.js';

/**
 * Waiting order inside a queue: effective priority (desc), due time (asc, none last),
 * first entry into a queue (asc), then id so the order is total and deterministic.
 */
export function compareWaiting(a: RoutingTask, b: RoutingTask): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return compareTies(a, b);
}

/** The waiting order between tasks of equal (effective) priority. */
export function compareTies(a: RoutingTask, b: RoutingTask): number {
  const ad = a.dueAt ?? Number.POSITIVE_INFINITY;
  const bd = b.dueAt ?? Number.POSITIVE_INFINITY;
  if (ad !== bd) return ad < bd ? -1 : 1;
  if (a.enteredQueueAt !== b.enteredQueueAt) return a.enteredQueueAt - b.enteredQueueAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
