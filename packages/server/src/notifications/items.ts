import { Type, type Static } from 'typebox';
import { NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS, RECIPIENT_KINDS, TEMPLATE_LIMITS } from '@worklane/core';

// Configuration items of notifications: the API validates one with these, the configuration
// document (config/document.ts) a list of them.

const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
// Same pattern as config/document.ts `Id` (not imported: that module imports this one).
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'lower-case identifier' });
export const Channel = oneOf(NOTIFICATION_CHANNELS);

export const NotificationTemplateItem = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    channel: Channel,
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Liquid; the e-mail subject or the push title (not for SMS)' })),
    body: Type.String({ minLength: 1, maxLength: TEMPLATE_LIMITS.maxLength, description: 'Liquid; variables such as {{ Case_Id }}, {{ fields.<name> }}, {{ Customer_Name }}, {{ Portal_Link }}' }),
    locale: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47 tag for day and month names in dates' })),
  },
  { additionalProperties: false },
);
export type NotificationTemplateItem = Static<typeof NotificationTemplateItem>;

export const NotificationRuleT = Type.Object(
  {
    event: oneOf(NOTIFICATION_EVENTS),
    channel: Channel,
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
    template: Id,
    recipients: Type.Array(oneOf(RECIPIENT_KINDS), { minItems: 1, uniqueItems: true }),
    addresses: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 320 }), { maxItems: 50, uniqueItems: true, description: 'with recipients "addresses": e-mail addresses or phone numbers' })),
    businessHoursOnly: Type.Optional(Type.Boolean({ description: 'staff recipients get it only while the calendar is open (customers always at once)' })),
    calendar: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type NotificationRule = Static<typeof NotificationRuleT>;

export const NotificationRulesItem = Type.Object(
  { caseType: Id, rules: Type.Array(NotificationRuleT, { maxItems: NOTIFICATION_EVENTS.length * NOTIFICATION_CHANNELS.length }) },
  { additionalProperties: false },
);
export type NotificationRulesItem = Static<typeof NotificationRulesItem>;
