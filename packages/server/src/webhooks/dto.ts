import type { Selectable } from 'kysely';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookSubscriptionsTable } from '../db/schema.js';
import { Problem, type FieldError } from '../http/problems.js';
import { WEBHOOK_EVENTS, isWebhookEvent } from './events.js';

type Subscription = Selectable<WebhookSubscriptionsTable>;

/** The secret only where asked for (create, read one, rotate), never in lists or audit events. */
export function subscriptionDto(s: Subscription, withSecret = false) {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    enabled: s.enabled,
    description: s.description,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
    ...(withSecret ? { secret: s.secret } : {}),
  };
}

export function deliveryDto(d: Selectable<WebhookDeliveriesTable>, attempts: Selectable<WebhookAttemptsTable>[]) {
  return {
    id: String(d.id),
    messageId: d.message_id,
    webhookId: d.subscription_id,
    eventId: String(d.event_id),
    eventType: d.event_type,
    state: d.state,
    attemptCount: d.attempts,
    nextAttemptAt: d.state === 'pending' ? d.next_attempt_at.toISOString() : null,
    createdAt: d.created_at.toISOString(),
    deliveredAt: d.delivered_at?.toISOString() ?? null,
    lastStatus: d.last_status,
    lastError: d.last_error,
    attempts: attempts.map((a) => ({ at: a.at.toISOString(), statusCode: a.status_code, error: a.error, durationMs: a.duration_ms })),
  };
}

/** What the schema cannot say: an http(s) URL and known event names; every bad field at once. */
export function checkSubscription(body: { url?: string; events?: string[] }): void {
  const errors: FieldError[] = [];
  if (body.url !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(body.url).protocol;
    } catch {
      /* reported below */
    }
    if (protocol !== 'http:' && protocol !== 'https:') errors.push({ pointer: '/url', message: 'must be an absolute http:// or https:// URL', in: 'body' });
  }
  body.events?.forEach((e, i) => {
    if (!isWebhookEvent(e)) errors.push({ pointer: `/events/${i}`, message: `unknown event "${e}" (known: *, ${WEBHOOK_EVENTS.join(', ')})`, in: 'body' });
  });
  if (errors.length) throw new Problem(422, 'Unprocessable request', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
}

/** Opaque cursors: base64url of the last item's sort key. */
export const encodeCursor = (key: string): string => Buffer.from(key).toString('base64url');
export function decodeCursor(cursor: string | undefined, valid: (key: string) => boolean): string | null {
  if (cursor === undefined) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!valid(key)) throw new Problem(400, 'Invalid request', 'cursor is not valid', [{ pointer: '/cursor', message: 'not a cursor from this API', in: 'querystring' }]);
  return key;
}
