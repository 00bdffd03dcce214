import type { Services } from '../services.js';
import type { TaskRow } from '../db/schema.js';
import { isHeld } from '../routing/agents.js';
import { taskDto } from './dto.js';
import { noteCommitted, type Change } from './change.js';

/** Who holds the task's capacity: the assignee, or the agent of the pending offer. */
function holder(t: TaskRow, rescinded: Change['rescinded']): string | null {
  if (t.state === 'assigned' || t.state === 'wrap-up') return t.assignee_id;
  if (t.state === 'offered') return rescinded[0]?.agent_id ?? null;
  return null;
}

/**
 * After a committed change: move capacity from the old holder to the new one, put the task in or
 * out of line, arm its wake-up, and tell the screens of the people concerned.
 */
export function afterChange(s: Services, { before, after, rescinded }: Change): void {
  const d = s.dispatcher;
  const prev = holder(before, rescinded);
  const next = isHeld(after.state) ? after.assignee_id : null;
  for (const o of rescinded) {
    d.forgetOffer(o.id);
    s.hub.toUser(o.agent_id, { type: 'offer.closed', offerId: o.id, outcome: 'rescinded' });
  }
  if (next && next !== prev) d.hold(next, after.media_type);
  if (prev && prev !== next) d.release(prev, before.media_type);
  if (after.state === 'queued' && (before.state !== 'queued' || before.queue_id !== after.queue_id)) d.forgetRefusals(after.id);
  d.track(after);
  noteCommitted(s.db, after);
  if (after.state === 'scheduled') void d.armWake(after.wake_at);
  s.expiry.arm(after.expires_at);
  s.overdue.arm(after);
  const dto = taskDto(after);
  for (const u of new Set([prev, next, before.assignee_id].filter((x): x is string => !!x))) s.hub.toUser(u, { type: 'task.updated', task: dto });
  s.hub.statsChanged();
  s.hub.taskChanged(after);
  // A case's task moved (assigned, transferred, paused, finished...): open views of the case re-read.
  if (after.case_id) s.hub.caseChanged(after.case_id);
}
