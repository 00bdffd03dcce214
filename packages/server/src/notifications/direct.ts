/**
 * A message written by a person or for one reader (an agent's reply, a chat transcript, an SMS in
 * a conversation) rather than expanded from an event by the rules: a row of the notifications
 * outbox all the same, so it is sent, retried, logged and dead-lettered like the others.
 */
export function directMessage(m: { channel: 'email' | 'sms'; to: string; subject?: string | null; body: string; eventType: string; caseId: string | null }) {
  return {
    event_id: null,
    event_type: m.eventType,
    case_id: m.caseId,
    channel: m.channel,
    recipient_kind: 'address',
    recipient: m.to,
    recipient_user_id: null,
    template_id: null,
    subject: m.subject ?? null,
    body: m.body,
    last_error: null,
    provider_id: null,
    sent_at: null,
  } as const;
}
