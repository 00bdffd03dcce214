import type { CaseRow } from './store.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A case as the API shows it. */
export function caseDto(c: CaseRow) {
  return {
    id: c.id,
    number: c.number,
    caseType: c.case_type,
    status: c.status,
    title: c.title,
    description: c.description,
    customerId: c.customer_id,
    fields: c.fields,
    source: c.source,
    createdBy: c.created_by,
    currentStep: c.current_step,
    resolution: c.resolution,
    escalationLevel: c.escalation_level,
    sla: {
      policy: c.sla_policy,
      startedAt: c.sla_started_at.toISOString(),
      dueAt: iso(c.sla_due_at),
      warnAt: iso(c.sla_warn_at),
      warnedAt: iso(c.sla_warned_at),
      breachedAt: iso(c.sla_breached_at),
      paused: c.sla_paused.some((p) => p.to === null),
    },
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    resolvedAt: iso(c.resolved_at),
    closedAt: iso(c.closed_at),
    version: c.version,
  };
}
export type CaseDto = ReturnType<typeof caseDto>;
