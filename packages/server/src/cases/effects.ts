import type { Services } from '../services.js';
import type { TaskRow } from '../db/schema.js';
import type { Change } from '../tasks/change.js';
import { afterChange } from '../tasks/after.js';

/** What a committed case change leaves for the in-memory parts: new tasks to route, task changes to apply. */
export interface Effects {
  caseIds: string[];
  tasks: TaskRow[];
  changes: Change[];
}

export const noEffects = (): Effects => ({ caseIds: [], tasks: [], changes: [] });

/** After the commit: capacity and routing follow, the clocks re-arm, the outboxes and screens hear of it. */
export function applyEffects(s: Services, e: Effects): void {
  for (const c of e.changes) afterChange(s, c);
  for (const t of e.tasks) s.dispatcher.track(t);
  s.clocks.rearm();
  s.webhooks.kick();
  s.notifications.kick();
  // Ids only, to the people who may open the case (coalesced): open case views and lists re-read.
  for (const id of new Set(e.caseIds)) s.hub.caseChanged(id);
}
