// Task history for people: event names in words, user ids as names, codes as labels.
import { displayValue } from '../lib/format';

export const EVENT_LABEL: Record<string, string> = {
  'task.created': 'Created',
  'task.queued': 'Queued',
  'task.offered': 'Offered',
  'task.assigned': 'Assigned',
  'task.declined': 'Declined',
  'task.rona': 'Not answered in time (RONA)',
  'task.completed': 'Completed',
  'task.canceled': 'Canceled',
  'task.transferred': 'Transferred',
  'task.rescheduled': 'Rescheduled',
  'task.woken': 'Back from schedule',
  'task.paused': 'Paused',
  'task.resumed': 'Resumed',
  'task.escalated': 'Escalated',
  'task.reclassified': 'Reclassified',
  'task.updated': 'Changed',
  'task.pulled-back': 'Pulled back',
  'task.overdue': 'Past its due time',
  'task.replied': 'Answered by e-mail',
  'task.mail-received': 'E-mail from the customer',
  'chat.ended': 'Chat ended',
  'chat.handed-over': 'Handed over by the bot',
  'callback.attempted': 'Called, not reached',
  'scorecard.finished': 'Evaluated',
  'scorecard.acknowledged': 'Evaluation acknowledged',
  'scorecard.disputed': 'Evaluation disputed',
  'scorecard.revoked': 'Evaluation out of the figures until decided',
  'scorecard.dispute-resolved': 'Dispute decided',
  'task.exception': 'Exception rule fired',
};

/** Keys worth a line in the timeline, in this order, with their names; the rest (traces, ids) is noise. */
const KEYS: [string, string][] = [
  ['wrapUpCode', 'Wrap-up'],
  ['percent', 'Score (%)'],
  ['note', 'Note'],
  ['reason', 'Reason'],
  ['outcome', 'Outcome'],
  ['comment', 'Comment'],
  ['attempt', 'Call'],
  ['agent', 'Agent'],
  ['by', 'By'],
  ['queue', 'Queue'],
  ['to', 'To'],
  ['from', 'From'],
  ['until', 'Until'],
  ['keptFor', 'Comes back to'],
  ['level', 'Level'],
  ['raisePriority', 'Priority raised by'],
  ['step', 'Step'],
  ['worktype', 'Worktype'],
  ['priority', 'Priority'],
  ['claimed', 'Claimed'],
  ['autoAnswer', 'Auto-answered'],
];

export interface Names {
  user: (id: string) => string;
  queue: (id: string) => string;
  wrapUp: (code: string) => string;
}

/** "user:<id>" / "api-key:<name>" -> a readable actor. */
export function actorText(actor: string | null, names: Names): string | null {
  if (!actor) return null;
  const [kind, ...rest] = actor.split(':');
  const ref = rest.join(':');
  if (kind === 'user') return names.user(ref);
  if (kind === 'api-key') return `API key ${ref}`;
  if (actor === 'chat:visitor') return 'The chat visitor';
  if (actor === 'callback:visitor') return 'The website visitor';
  return actor;
}

function valueText(key: string, value: unknown, names: Names): string {
  if (typeof value === 'string') {
    if (key === 'agent' || key === 'by' || key === 'keptFor') return names.user(value.replace(/^user:/, ''));
    if (key === 'queue' || key === 'to' || key === 'from') return names.queue(value);
    if (key === 'wrapUpCode') return names.wrapUp(value);
    if (key === 'until') return new Date(value).toLocaleString();
  }
  if (key === 'to' || key === 'from') {
    if (value && typeof value === 'object') {
      const v = value as { queue?: string | null; agent?: string | null };
      return [v.agent ? names.user(v.agent) : null, v.queue ? names.queue(v.queue) : null].filter(Boolean).join(', ') || '—';
    }
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return displayValue(value);
}

/** One line per interesting key: "Wrap-up: Need Follow-Up · Note: will call back". */
export function eventSummary(data: unknown, names: Names): string {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return '';
  const d = data as Record<string, unknown>;
  return KEYS.filter(([k]) => d[k] !== undefined && d[k] !== null && d[k] !== '')
    .map(([k, label]) => `${label}: ${valueText(k, d[k], names)}`)
    .join(' · ');
}
