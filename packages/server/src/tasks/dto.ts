import type { OffersTable, TaskRow } from '../db/schema.js';
import type { Selectable } from 'kysely';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A task as the API shows it. */
export function taskDto(t: TaskRow) {
  return {
    id: t.id,
    worktype: t.worktype,
    source: t.source,
    externalId: t.external_id,
    title: t.title,
    description: t.description,
    attributes: t.attributes,
    priority: t.priority,
    dueAt: iso(t.due_at),
    expiresAt: iso(t.expires_at),
    skills: t.skills,
    language: t.language,
    queue: t.queue_id,
    mediaType: t.media_type,
    state: t.state,
    assignee: t.assignee_id,
    wrapUpCode: t.wrap_up_code,
    note: t.note,
    url: t.url,
    customerId: t.customer_id,
    caseId: t.case_id,
    classification: t.classification,
    enteredQueueAt: iso(t.entered_queue_at),
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
    completedAt: iso(t.completed_at),
    version: t.version,
    wakeAt: iso(t.wake_at),
    pausedReason: t.paused_reason,
    targetAgent: t.target_agent_id,
    teamBin: t.team_bin,
    escalationLevel: t.escalation_level,
    priorityBoost: t.priority_boost,
  };
}
export type TaskDto = ReturnType<typeof taskDto>;

/** A task as `Prefer: return=minimal` shows it: what a loader keeps (its id) and where it went. */
export function minimalTaskDto(t: TaskRow) {
  return { id: t.id, state: t.state, queue: t.queue_id, version: t.version };
}

export function offerDto(o: Selectable<OffersTable>, task?: TaskRow) {
  return {
    id: o.id,
    taskId: o.task_id,
    agentId: o.agent_id,
    state: o.state,
    step: o.step,
    reason: o.reason,
    createdAt: o.created_at.toISOString(),
    expiresAt: o.expires_at.toISOString(),
    closedAt: iso(o.closed_at),
    declineReason: o.decline_reason,
    ...(task ? { task: taskDto(task) } : {}),
  };
}
