import type { Kysely } from 'kysely';
import { scoreAnswers } from '@worklane/core';
import type { DB } from '../db/schema.js';
import type { ScorecardRow } from './scorecards.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * Scorecards as the API shows them, with the names of the people and what the work was; `full`
 * adds the questionnaire as assigned and the score per group.
 */
export async function scorecardDtos(db: Kysely<DB>, rows: ScorecardRow[], full = false) {
  if (rows.length === 0) return [];
  const people = [...new Set(rows.flatMap((r) => [r.agent_id, r.evaluator_id, ...(r.resolved_by ? [r.resolved_by] : [])]))];
  const [users, tasks] = await Promise.all([
    db.selectFrom('users').select(['id', 'name']).where('id', 'in', people).execute(),
    db.selectFrom('tasks').select(['id', 'title', 'worktype', 'media_type', 'queue_id', 'completed_at', 'case_id']).where('id', 'in', [...new Set(rows.map((r) => r.task_id))]).execute(),
  ]);
  const nameOf = new Map(users.map((u) => [u.id, u.name]));
  const taskOf = new Map(tasks.map((t) => [t.id, t]));
  return rows.map((r) => {
    const t = taskOf.get(r.task_id);
    const score = full ? scoreAnswers(r.questionnaire, r.answers) : undefined;
    return {
      id: r.id,
      state: r.state,
      task: { id: r.task_id, title: t?.title ?? '', worktype: t?.worktype ?? null, mediaType: t?.media_type ?? null, queue: t?.queue_id ?? null, caseId: t?.case_id ?? null, completedAt: iso(t?.completed_at ?? null) },
      agent: { id: r.agent_id, name: nameOf.get(r.agent_id) ?? r.agent_id },
      evaluator: { id: r.evaluator_id, name: nameOf.get(r.evaluator_id) ?? r.evaluator_id },
      questionnaire: full ? r.questionnaire : { id: r.questionnaire_id, name: r.questionnaire.name },
      plan: r.plan_id,
      calibration: r.calibration,
      percent: r.percent,
      band: r.band,
      criticalFailed: r.critical_failed,
      needsAcknowledgement: r.needs_ack,
      comment: r.comment,
      agentComment: r.agent_comment,
      assignedAt: iso(r.assigned_at),
      updatedAt: iso(r.updated_at),
      finishedAt: iso(r.finished_at),
      acknowledgedAt: iso(r.acknowledged_at),
      dispute: r.disputed_at
        ? { reason: r.dispute_reason, at: iso(r.disputed_at), outcome: r.dispute_outcome, comment: r.dispute_comment, resolvedBy: r.resolved_by ? { id: r.resolved_by, name: nameOf.get(r.resolved_by) ?? r.resolved_by } : null, resolvedAt: iso(r.resolved_at), percentBefore: r.percent_before }
        : null,
      ...(full ? { answers: r.answers, groups: score!.groups, unanswered: score!.unanswered, criticalQuestions: score!.criticalFailed } : {}),
    };
  });
}
