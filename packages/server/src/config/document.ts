import { Type, type Static, type TProperties } from 'typebox';
import { KPI_KEYS, MEDIA_TYPES, type KpiKey, type MediaType } from '@worklane/core';
import { ROLES, SCOPES, type Role, type Scope } from '../auth/principal.js';
import { CalendarItem } from '../calendars/item.js';
import { CaseTypeItem } from '../cases/settings.js';
import { NotificationRulesItem, NotificationTemplateItem } from '../notifications/items.js';
import { FreeForm, HTTP_URL_PATTERN } from '../http/schemas.js';
import { EvaluationPlanItem, QuestionnaireItem } from '../quality/items.js';
import { ActionMapItem, OutcomeItem, SegmentItem } from '../engagement/items.js';
import { TextCategoryItem } from '../analytics/items.js';
import { WorkforceSettingsBody } from '../workforce/settings.js';

// The whole administrator configuration as one document: exported, diffed, kept in git, imported.
// Each item schema is exported: the configuration API validates one item with the same piece.
export const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'lower-case identifier' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Level = Type.Integer({ minimum: 0, maximum: 100 });
const Priority = Type.Number({ minimum: 0, maximum: 1000 });
const SkillReq = Type.Object({ skill: Id, minLevel: Type.Optional(Level) }, { additionalProperties: false });
/** One of fixed strings, as `enum` (one clear error, not one per alternative). */
const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
export const Media = oneOf<MediaType>(MEDIA_TYPES);
const RoleT = oneOf<Role>(ROLES);
const ScopeT = oneOf<Scope>(SCOPES);
// One entry per media type (MEDIA_TYPES in core).
const Capacity = Type.Object(
  {
    workitem: Type.Optional(Level),
    email: Type.Optional(Level),
    chat: Type.Optional(Level),
    sms: Type.Optional(Level),
    social: Type.Optional(Level),
    callback: Type.Optional(Level),
    voice: Type.Optional(Level),
  },
  { additionalProperties: false, description: 'how many tasks of each media type at once' },
);

export const SkillItem = Type.Object({ id: Id, name: Name }, { additionalProperties: false });
export const TeamItem = Type.Object({ id: Id, name: Name }, { additionalProperties: false });
export const CodeItem = Type.Object({ code: Id, label: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const UserItem = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    name: Name,
    roles: Type.Array(RoleT, { minItems: 1, uniqueItems: true }),
    password: Type.Optional(Type.String({ minLength: 6, maxLength: 1000, description: 'write-only; stored hashed' })),
    skills: Type.Optional(Type.Record(Type.String(), Level, { description: 'skill id -> proficiency 0..100' })),
    teams: Type.Optional(Type.Array(Id, { uniqueItems: true })),
    capacity: Type.Optional(Capacity),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PriorityPolicyT = Type.Object(
  {
    agingPerMinute: Type.Number({ minimum: 0, maximum: 1000 }),
    agingMax: Type.Number({ minimum: 0, maximum: 1000 }),
    urgencyWindowMinutes: Type.Number({ minimum: 0, maximum: 525_600 }),
    urgencyMax: Type.Number({ minimum: 0, maximum: 1000 }),
  },
  { additionalProperties: false },
);

export const ExceptionRuleT = Type.Object(
  {
    id: Id,
    waitedSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
    dueUsedPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    noEligibleAgent: Type.Optional(Type.Boolean()),
    raisePriority: Type.Optional(Type.Number({ minimum: 1, maximum: 1000 })),
    moveToQueue: Type.Optional(Id),
    moveToTeamBin: Type.Optional(Id),
    alertSupervisors: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Routing targets: after each wait, who may be offered the task (skill level at least `minLevel`). */
export const TargetStepsT = Type.Array(
  Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), afterSeconds: Type.Integer({ minimum: 0, maximum: 31_536_000 }), minLevel: Level }, { additionalProperties: false }),
  { minItems: 1, maxItems: 10 },
);

export const QueueItem = Type.Object(
  {
    id: Id,
    name: Name,
    members: Type.Optional(
      Type.Object(
        {
          users: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: 'e-mails in files; ids or e-mails in the API' })),
          teams: Type.Optional(Type.Array(Id, { uniqueItems: true })),
        },
        { additionalProperties: false },
      ),
    ),
    targetSteps: Type.Optional(TargetStepsT),
    offerTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600 })),
    autoAnswer: Type.Optional(Type.Boolean()),
    distribution: Type.Optional(oneOf(['push', 'pull', 'both'] as const)),
    agentChoice: Type.Optional(Type.Array(oneOf(['proficiency', 'idle', 'load'] as const), { uniqueItems: true })),
    priorityPolicy: Type.Optional(PriorityPolicyT),
    claimLimit: Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: 1000, description: 'pull: claim only among the best N (null: any)' })),
    afterWorkSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    refusalSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400, description: 'push: an agent who declined a task or let its offer time out is passed over for it this long, others first (default 300; 0: at once)' })),
    serviceLevelSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400, description: 'reports: a task assigned within this wait counts as answered in time (default 60)' })),
    exceptions: Type.Optional(Type.Array(ExceptionRuleT, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

/** A web chat topic (core `ChatSettings`): visitors may start a chat of this worktype. */
export const ChatSettingsT = Type.Object(
  {
    welcome: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'the first line the visitor sees' })),
    maxWaitSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 86400, description: 'a request nobody took by then ends (default 600)' })),
    calendar: Type.Optional(Id),
    closedMessage: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'shown while chat is not offered' })),
    bot: Type.Optional(Type.Object({
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
      faqs: Type.Array(Type.Object({
        id: Id,
        question: Type.String({ minLength: 1, maxLength: 200 }),
        keywords: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { minItems: 1, maxItems: 30 }),
        answer: Type.String({ minLength: 1, maxLength: 4000 }),
      }, { additionalProperties: false }), { maxItems: 200 }),
      handoverAfter: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'lines not understood before it hands over (default 2)' })),
      handoverWords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 30 })),
    }, { additionalProperties: false, description: 'a bot answers first from these questions and hands over to a person when asked or lost' })),
  },
  { additionalProperties: false },
);

/** A callback topic (core `CallbackSettings`): visitors may ask to be called back about it. */
export const CallbackSettingsT = Type.Object(
  {
    calendar: Type.Optional(Id),
    slotMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 480, description: 'length of the slots offered (default 30)' })),
    daysAhead: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'how many days ahead slots are offered (default 5)' })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'calls before the request is given up (default 3)' })),
    retryMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'until a call nobody answered is tried again (default 15)' })),
  },
  { additionalProperties: false },
);

export const ResponseItem = Type.Object(
  {
    id: Id,
    name: Name,
    text: Type.String({ minLength: 1, maxLength: 4000, description: 'may use {{visitor}} and {{agent}}' }),
    queues: Type.Optional(Type.Array(Id, { uniqueItems: true, maxItems: 100, description: 'queues it is meant for (none: all)' })),
  },
  { additionalProperties: false },
);

export const WorktypeItem = Type.Object(
  {
    id: Id,
    name: Name,
    mediaType: Type.Optional(Media),
    defaultQueue: Id,
    priority: Type.Optional(Priority),
    wrapUpCodes: Type.Optional(Type.Array(Id, { uniqueItems: true })),
    requireWrapUp: Type.Optional(Type.Boolean()),
    // Placeholders are URL-encoded, but one before `://` could still pick the scheme: it must be literal.
    urlTemplate: Type.Optional(Type.String({ maxLength: 2000, pattern: HTTP_URL_PATTERN, description: 'starts with a literal http:// or https://' })),
    attributeSchema: Type.Optional(FreeForm(200, 64 * 1024, { nameLength: 200, description: 'a JSON Schema for the attributes (64 KiB at most)' })),
    skills: Type.Optional(Type.Array(SkillReq)),
    escalation: Type.Optional(Type.Object({ queue: Type.Optional(Id), raisePriority: Type.Optional(Priority) }, { additionalProperties: false })),
    screenPop: Type.Optional(oneOf(['frame', 'tab'] as const)),
    mailbox: Type.Optional(Type.String({ format: 'email', maxLength: 320, description: 'e-mail to this address (inbound SMTP or POST /inbound/email) becomes a task of this worktype' })),
    chat: Type.Optional(ChatSettingsT),
    callback: Type.Optional(CallbackSettingsT),
    sms: Type.Optional(Type.Object({
      number: Type.String({ minLength: 3, maxLength: 20, pattern: '^\\+?[0-9]{3,15}$', description: 'the short or long code customers text (digits, optionally after +)' }),
      acknowledgement: Type.Optional(Type.String({ minLength: 1, maxLength: 480, description: 'sent back when a conversation starts' })),
    }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const RuleItem = Type.Object(
  {
    id: Id,
    name: Name,
    when: Type.String({ minLength: 1, maxLength: 4000, description: 'CEL expression over `task`' }),
    set: Type.Object(
      {
        queue: Type.Optional(Id),
        priority: Type.Optional(Priority),
        priorityFrom: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'numeric CEL expression; clamped to 0..1000' })),
        skills: Type.Optional(Type.Array(SkillReq)),
        language: Type.Optional(Type.String({ maxLength: 35 })),
        dueInMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
        dueCalendar: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'count dueInMinutes in open time on this calendar' })),
      },
      { additionalProperties: false },
    ),
    position: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RoutingSettingsT = Type.Object(
  {
    blending: Type.Array(
      Type.Object({ media: Media, blocks: Type.Array(Media, { minItems: 1, uniqueItems: true }) }, { additionalProperties: false }),
      { maxItems: MEDIA_TYPES.length, description: 'while an agent holds work of `media`, no work of `blocks` is offered to them' },
    ),
  },
  { additionalProperties: false },
);

/** A KPI goal: for one queue (queue KPIs), one team's agents (agent KPIs), or naming neither, the default. */
export const KpiTargetItem = Type.Object(
  {
    kpi: oneOf<KpiKey>(KPI_KEYS),
    goal: Type.Number({ minimum: 0, maximum: 1_000_000, description: 'a floor for service level, a ceiling for the rest (percent or seconds)' }),
    queue: Type.Optional(Id),
    team: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const ApiKeyItem = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    scopes: Type.Array(ScopeT, { minItems: 1 }),
    key: Type.Optional(Type.String({ minLength: 20, description: 'only for demo/bootstrap files; never exported' })),
  },
  { additionalProperties: false },
);

export const ConfigDocument = Type.Object(
  {
    version: Type.Literal(1),
    skills: Type.Optional(Type.Array(SkillItem)),
    teams: Type.Optional(Type.Array(TeamItem)),
    presenceReasons: Type.Optional(Type.Array(CodeItem)),
    wrapUpCodes: Type.Optional(Type.Array(CodeItem)),
    users: Type.Optional(Type.Array(UserItem)),
    queues: Type.Optional(Type.Array(QueueItem)),
    worktypes: Type.Optional(Type.Array(WorktypeItem)),
    rules: Type.Optional(Type.Array(RuleItem)),
    responses: Type.Optional(Type.Array(ResponseItem, { maxItems: 2000, description: 'standard responses agents answer chats and e-mail from' })),
    calendars: Type.Optional(Type.Array(CalendarItem, { description: 'business calendars, before the case types that name them' })),
    routing: Type.Optional(RoutingSettingsT),
    kpiTargets: Type.Optional(Type.Array(KpiTargetItem, { maxItems: 2000, description: 'KPI goals, replaced as a whole' })),
    workforce: Type.Optional(WorkforceSettingsBody),
    apiKeys: Type.Optional(Type.Array(ApiKeyItem)),
    caseTypes: Type.Optional(Type.Array(CaseTypeItem)),
    notificationTemplates: Type.Optional(Type.Array(NotificationTemplateItem)),
    notificationRules: Type.Optional(Type.Array(NotificationRulesItem, { description: 'per case type: which event notifies whom, by which channel and template' })),
    questionnaires: Type.Optional(Type.Array(QuestionnaireItem, { maxItems: 500, description: 'quality management: scorecard forms' })),
    evaluationPlans: Type.Optional(Type.Array(EvaluationPlanItem, { maxItems: 500, description: 'quality management: which finished work is sampled and who scores it (evaluators by e-mail)' })),
    segments: Type.Optional(Type.Array(SegmentItem, { maxItems: 500, description: 'predictive engagement: kinds of website visitors' })),
    outcomes: Type.Optional(Type.Array(OutcomeItem, { maxItems: 100, description: "predictive engagement: the website's goals" })),
    actionMaps: Type.Optional(Type.Array(ActionMapItem, { maxItems: 500, description: 'predictive engagement: when to invite a visitor to chat or show them help' })),
    textCategories: Type.Optional(Type.Array(TextCategoryItem, { maxItems: 1000, description: 'conversation analytics: topics, and phrases agents must say or must not' })),
  },
  { additionalProperties: false },
);
export type ConfigDocument = Static<typeof ConfigDocument>;
export type UserItem = Static<typeof UserItem>;
export type QueueItem = Static<typeof QueueItem>;
export type WorktypeItem = Static<typeof WorktypeItem>;
export type RuleItem = Static<typeof RuleItem>;
export type ResponseItem = Static<typeof ResponseItem>;

/** The same object with more fields (typebox 1 drops `additionalProperties` in its own composites). */
export const extend = <P extends TProperties, Q extends TProperties>(base: { properties: P }, more: Q) =>
  Type.Object({ ...base.properties, ...more }, { additionalProperties: false });
