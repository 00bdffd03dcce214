import type { EventRow } from './store.js';

/** The delivered JSON: `{ type, timestamp, data }`, data = the event's data plus its ids. Same bytes on every retry. */
export function webhookBody(e: Pick<EventRow, 'id' | 'type' | 'at' | 'task_id' | 'user_id' | 'data'>): string {
  const data: Record<string, unknown> = { ...e.data, eventId: String(e.id) };
  if (e.task_id) data.taskId = e.task_id;
  if (e.user_id) data.userId = e.user_id;
  return JSON.stringify({ type: e.type, timestamp: new Date(e.at).toISOString(), data });
}
