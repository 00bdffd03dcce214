/** Case events a notification rule may react to (the source's table, then the rest of the case events). */
export const NOTIFICATION_EVENTS = [
  'case.created',
  'case.assigned',
  'case.escalated',
  'case.resolved',
  'case.closed',
  'sla.warning',
  'case.updated',
  'case.reopened',
  'case.commented',
  'sla.breached',
  'ola.warning',
  'ola.breached',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_CHANNELS = ['email', 'sms', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Who gets it: the case's customer, its assignee, the supervisors of its target, or fixed addresses. */
export const RECIPIENT_KINDS = ['customer', 'assignee', 'supervisors', 'addresses'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/** Staff recipients may wait for business hours; customers never do. */
export const isStaffRecipient = (kind: RecipientKind): boolean => kind !== 'customer';

const events = new Set<string>(NOTIFICATION_EVENTS);
export const isNotificationEvent = (type: string): type is NotificationEvent => events.has(type);
