/** Events a subscription may choose: the public contract (API.md) plus the task lifecycle events the engine appends. */
export const WEBHOOK_EVENTS = [
  'task.created',
  'task.offered',
  'task.assigned',
  'task.completed',
  'task.canceled',
  'task.rescheduled',
  'task.escalated',
  'task.transferred',
  'case.created',
  'case.updated',
  'case.escalated',
  'case.closed',
  'case.assigned',
  'case.resolved',
  'case.reopened',
  'case.commented',
  'sla.warning',
  'sla.breached',
  'ola.warning',
  'ola.breached',
  'task.paused',
  'task.resumed',
  'task.reclassified',
  'task.updated',
  'task.declined',
  'task.rona',
  'task.queued',
  'task.pulled-back',
  'task.overdue',
] as const;

/** `*` = every event of these families; audit events (auth.*, webhook.*, presence.*) never leave the system. */
export const ALL_EVENTS = '*';
export const WILDCARD_FAMILIES = ['task', 'case', 'sla', 'ola'] as const;

const known = new Set<string>([...WEBHOOK_EVENTS, ALL_EVENTS]);
export const isWebhookEvent = (name: string): boolean => known.has(name);
