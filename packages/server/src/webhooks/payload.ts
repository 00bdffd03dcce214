import type { EventRow } from './store.js';

/**
 * The delivered JSON: `{ type, timestamp, data }`, data = the event's data plus its ids, and for a
 * task's event the task's `source` and `externalId` (never changed after capture), so a source
 * system matches every event of its item (completion included) by its own id. Same bytes on every retry.
 */
export function webhookBody(e: Pick<EventRow, 'id' | 'type' | 'at' | 'task_id' | 'user_id' | 'data'> & Partial<Pick<EventRow, 'task_source' | 'task_external_id'>>): string {
  const data: Record<string, unknown> = { ...e.data, eventId: String(e.id) };
  if (e.task_id) data.taskId = e.task_id;
  if (e.task_source && data.source === undefined) data.source = e.task_source;
  if (e.task_external_id && data.externalId === undefined) data.externalId = e.task_external_id;
  if (e.user_id) data.userId = e.user_id;
  return JSON.stringify({ type: e.type, timestamp: new Date(e.at).toISOString(), data });
}
