import type { Selectable } from 'kysely';
import type { NotificationAttemptsTable, NotificationsTable, NotificationTemplatesTable } from '../db/schema.js';
import { templateItem } from './config.js';

export const templateDto = (t: Selectable<NotificationTemplatesTable>) => ({
  ...templateItem(t),
  createdAt: t.created_at.toISOString(),
  updatedAt: t.updated_at.toISOString(),
});

/** A notification row with its case's number (null: no case, or the case is gone). */
export type NotificationRow = Selectable<NotificationsTable> & { case_number: string | null };

export function notificationDto(n: NotificationRow, attempts: Selectable<NotificationAttemptsTable>[]) {
  return {
    id: String(n.id),
    caseId: n.case_id,
    caseNumber: n.case_number,
    eventId: n.event_id === null ? null : String(n.event_id),
    eventType: n.event_type,
    channel: n.channel,
    recipientKind: n.recipient_kind,
    recipient: n.recipient,
    recipientUserId: n.recipient_user_id,
    templateId: n.template_id,
    subject: n.subject,
    body: n.body,
    state: n.state,
    attemptCount: n.attempts,
    nextAttemptAt: n.state === 'pending' || n.state === 'failed' ? n.next_attempt_at.toISOString() : null,
    lastError: n.last_error,
    createdAt: n.created_at.toISOString(),
    sentAt: n.sent_at?.toISOString() ?? null,
    attempts: attempts.map((a) => ({ at: a.at.toISOString(), ok: a.ok, error: a.error, durationMs: a.duration_ms })),
  };
}
