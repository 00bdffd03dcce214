import type { CaseStatus, ClockPolicy } from '../api/types';

export const CASE_STATUS_LABEL: Record<CaseStatus, string> = {
  new: 'New',
  open: 'Open',
  'in-progress': 'In progress',
  'waiting-for-customer': 'Waiting for customer',
  escalated: 'Escalated',
  resolved: 'Resolved',
  closed: 'Closed',
  reopened: 'Reopened',
};

export const CASE_STATUS_COLOR: Record<CaseStatus, string> = {
  new: 'gray',
  open: 'blue',
  'in-progress': 'indigo',
  'waiting-for-customer': 'yellow',
  escalated: 'orange',
  resolved: 'teal',
  closed: 'green',
  reopened: 'grape',
};

export const statusLabel = (s: string) => CASE_STATUS_LABEL[s as CaseStatus] ?? s;
export const statusColor = (s: string) => CASE_STATUS_COLOR[s as CaseStatus] ?? 'gray';

export const isDone = (s: string) => s === 'resolved' || s === 'closed';

/** "16 hours, open-office time (office)". */
export function policyText(p: ClockPolicy | null | undefined): string {
  if (!p) return 'none';
  const unit = p.duration === 1 ? p.unit.replace(/s$/, '') : p.unit;
  return `${p.duration} ${unit}, ${p.mode === 'business' ? `open-office time${p.calendar ? ` (${p.calendar})` : ''}` : 'calendar time'}`;
}

/** 5_400_000 -> "1 h 30 min"; under a minute "< 1 min"; days past 48 h. */
export function durationText(ms: number): string {
  const abs = Math.abs(ms);
  const min = Math.floor(abs / 60_000);
  if (min < 1) return '< 1 min';
  const h = Math.floor(min / 60);
  if (h === 0) return `${min} min`;
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Words for case timeline events. */
export const CASE_EVENT_LABEL: Record<string, string> = {
  'case.created': 'Case created',
  'case.updated': 'Case updated',
  'case.assigned': 'Taken by an agent',
  'case.escalated': 'Escalated',
  'case.resolved': 'Resolved',
  'case.closed': 'Closed',
  'case.reopened': 'Reopened',
  'case.commented': 'Comment',
  'case.attachment-added': 'File added',
  'case.sla-warning': 'SLA warning',
  'case.sla-breached': 'SLA breached',
  'sla.warning': 'SLA warning',
  'sla.breached': 'SLA breached',
  'customer.created': 'Customer created',
  'task.created': 'Task created',
  'task.queued': 'Task queued',
  'task.offered': 'Task offered',
  'task.assigned': 'Task accepted',
  'task.completed': 'Task completed',
  'task.canceled': 'Task canceled',
  'task.declined': 'Offer declined',
  'task.timed-out': 'Offer timed out',
  'task.escalated': 'Task escalated',
  'task.transferred': 'Task transferred',
  'task.paused': 'Task paused',
  'task.resumed': 'Task resumed',
  'ola.warning': 'OLA warning',
  'ola.breached': 'OLA breached',
  'task.rona': 'Offer not answered',
  'task.pulled-back': 'Task pulled back',
  'task.overdue': 'Task overdue',
  'task.replied': 'Task answered by e-mail',
  'task.exception': 'Exception rule',
  'task.updated': 'Task updated',
  'task.woken': 'Task back in its queue',
  'task.rescheduled': 'Task rescheduled',
  'task.reclassified': 'Task reclassified',
  'notification.retried': 'Message sent again',
};
