import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ExceptionRule, MediaType, PriorityPolicy } from '@worklane/core';
import type { ActionMap, CallbackSettings, ComplianceResult, Hit, TextCategory, ChatSettings, ClockPolicy, EvaluationPlan, GivenAnswers, JourneyStep, Outcome, Questionnaire, Segment } from '@worklane/core';
import type { CaseTypeSettings } from '../cases/settings.js';
import type { CalendarSettings } from '../calendars/item.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  roles: string[];
  capacity: Json<Record<string, number>>;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
  /** The single sign-on identity linked (`issuer#subject`); see core `ssoSignIn`. */
  sso_subject: Generated<string | null>;
}
export interface SsoLoginsTable {
  /** SHA-256 of the browser's `wl_sso` cookie. */
  id: string;
  state: string;
  nonce: string;
  /** PKCE code verifier. */
  verifier: string;
  return_to: string;
  expires_at: Timestamp;
}
export interface InboundMailTable {
  id: string;
  received_at: Generated<Date>;
  /** smtp | http */
  via: string;
  envelope_from: string | null;
  recipients: string[];
  message_id: string | null;
  raw: Buffer;
  size: number;
  /** new | done | ignored | unrouted | failed */
  state: Generated<string>;
  attempts: Generated<number>;
  next_at: Timestamp | null;
  from_address: string | null;
  subject: string | null;
  outcome: Json<Record<string, unknown>> | null;
  error: string | null;
  processed_at: Timestamp | null;
}
export interface ChatsTable {
  id: string;
  worktype: string;
  visitor_name: string;
  visitor_email: string | null;
  /** sha256 of the visitor's token (the token itself is given once, to the visitor). */
  token_hash: string;
  created_at: CreatedAt;
  ended_at: Timestamp | null;
  /** visitor | agent */
  ended_by: string | null;
  transcript_sent_at: Timestamp | null;
  /** web | sms */
  channel: Generated<string>;
  /** sms: the customer's number (normalized). */
  visitor_phone: string | null;
  /** The visitor's rating, 1 to 5, given once after the chat. */
  rating: number | null;
  rating_comment: string | null;
  rated_at: Timestamp | null;
  /** The topic's bot: visitor lines it did not understand; when it handed the chat to a person. */
  bot_misses: Generated<number>;
  handed_over_at: Timestamp | null;
  /** The website visit the chat was started from, and the offer (predictive engagement). */
  session_id: string | null;
  offer_id: string | null;
  /** social: the account, public or private, the author's id on the platform, what a public answer replies to. */
  social_account: string | null;
  social_kind: 'public' | 'private' | null;
  social_user: string | null;
  social_reply_to: string | null;
}
/** An outbound campaign in preview mode (campaigns/). */
export interface CampaignsTable {
  id: string;
  name: string;
  /** Of media type callback: its queue, capacity and wrap-up codes. */
  worktype: string;
  /** Calls are placed while it is open (none: any time). */
  calendar: string | null;
  max_attempts: Generated<number>;
  retry_minutes: Generated<number>;
  script: Generated<string>;
  state: ColumnType<CampaignState, CampaignState | undefined, CampaignState>;
  /** Calls from then (none: from the start), and none after `ends_at` (the campaign ends itself then). */
  starts_at: Generated<Date | null>;
  ends_at: Generated<Date | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
export type CampaignState = 'draft' | 'running' | 'stopped' | 'ended';
export interface CampaignContactsTable {
  id: string;
  campaign_id: string;
  phone: string;
  name: string;
  data: ColumnType<Record<string, string>, string | undefined, string>;
  dnc: Generated<boolean>;
  /** The work the contact became (none: not started, or its campaign was stopped before it was called). */
  task_id: string | null;
  /** Times its waiting work was withdrawn by a stop: the next start's task is `{id}.{round}`. */
  round: Generated<number>;
  created_at: CreatedAt;
}
export interface DoNotCallTable {
  phone: string;
  reason: string | null;
  added_by: string | null;
  added_at: CreatedAt;
}
/** A Facebook page or Twitter account whose posts and messages become work (social/). */
export interface SocialAccountsTable {
  id: string;
  name: string;
  platform: 'facebook' | 'twitter';
  /** The page id or the account's user id, as the platform's webhooks name it. */
  external_id: string;
  handle: string | null;
  public_worktype: string;
  private_worktype: string;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  /** Signs the platform's webhooks (Facebook app secret, Twitter consumer secret). */
  app_secret: string;
  /** Authorizes our answers (page access token, user bearer token). */
  access_token: string;
  /** Facebook's subscription handshake (hub.verify_token). */
  verify_token: string;
  api_url: string | null;
  enabled: Generated<boolean>;
  received: Generated<number>;
  filtered: Generated<number>;
  last_received_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
export interface ChatMessagesTable {
  id: Generated<string>;
  chat_id: string;
  /** visitor | agent | system */
  sender: string;
  user_id: string | null;
  body: string;
  created_at: CreatedAt;
  /** An inbound SMS: the carrier's message id (taken once). */
  external_id: string | null;
}
export interface ResponsesTable {
  id: string;
  name: string;
  text: string;
  queues: Json<string[]>;
}
export interface QuestionnairesTable {
  id: string;
  name: string;
  /** Everything of the questionnaire item but its id and name. */
  settings: Json<Omit<Questionnaire, 'id' | 'name'>>;
}
export interface EvaluationPlansTable {
  id: string;
  name: string;
  position: Generated<number>;
  /** Everything of the plan but its id and name; evaluators by user id. */
  settings: Json<Omit<EvaluationPlan, 'id' | 'name'>>;
}
export interface TextCategoriesTable {
  id: string;
  name: string;
  settings: Json<Omit<TextCategory, 'id' | 'name'>>;
}
export interface ConversationAnalysesTable {
  task_id: string;
  completed_at: Timestamp;
  media_type: string;
  queue_id: string | null;
  agent_id: string | null;
  topics: Json<Hit[]>;
  compliance: Json<ComplianceResult[]>;
  /** The ids of the compliance rules that failed (for filtering). */
  failed: Json<string[]>;
  sentiment: number | null;
  sentiment_start: number | null;
  sentiment_end: number | null;
  trend: string | null;
  lines: number;
  analyzed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export interface SegmentsTable {
  id: string;
  name: string;
  settings: Json<Omit<Segment, 'id' | 'name'>>;
}
export interface OutcomesTable {
  id: string;
  name: string;
  settings: Json<Omit<Outcome, 'id' | 'name'>>;
}
export interface ActionMapsTable {
  id: string;
  name: string;
  position: Generated<number>;
  settings: Json<Omit<ActionMap, 'id' | 'name' | 'position'>>;
}
export interface WebVisitorsTable {
  id: string;
  first_seen: CreatedAt;
  last_seen: ColumnType<Date, Date | string | undefined, Date | string>;
  visits: Generated<number>;
  name: string | null;
  email: string | null;
}
export interface WebSessionsTable {
  id: string;
  visitor_id: string;
  /** This visitor's visit number (1: their first). */
  visit: number;
  started_at: Timestamp;
  last_at: Timestamp;
  device: string;
  referrer: string | null;
  campaign: string | null;
  identified: Generated<boolean>;
  steps: Json<JourneyStep[]>;
  segments: Json<string[]>;
  reached: Json<string[]>;
  /** Outcome id -> score percent, as last computed. */
  scores: Json<Record<string, number>>;
  /** Action maps offered (or held) in this visit: each once. */
  offered: Json<string[]>;
  declined_at: Timestamp | null;
  /** The offer on the visitor's screen, not answered yet. */
  open_offer: string | null;
  chat_id: string | null;
}
export interface EngagementOffersTable {
  id: string;
  session_id: string;
  action_map: string;
  /** chat | content */
  kind: string;
  /** held | offered | accepted | declined */
  state: string;
  reasons: Json<string[]>;
  held_why: string | null;
  created_at: Timestamp;
  answered_at: Timestamp | null;
}
export interface ScorecardsTable {
  id: string;
  task_id: string;
  agent_id: string;
  evaluator_id: string;
  questionnaire_id: string;
  /** The questionnaire as it was when the scorecard was assigned. */
  questionnaire: Json<Questionnaire>;
  plan_id: string | null;
  /** Scorecards of one calibration share this id. */
  calibration: string | null;
  /** assigned, in-progress, finished, acknowledged, disputed. */
  state: Generated<string>;
  answers: Json<GivenAnswers>;
  comment: string | null;
  percent: number | null;
  band: string | null;
  critical_failed: Generated<boolean>;
  needs_ack: Generated<boolean>;
  agent_comment: string | null;
  assigned_by: string | null;
  assigned_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
  acknowledged_at: Date | null;
  /** The agent's dispute (once) and its decision: upheld or revised, by whom, why, and the score before. */
  dispute_reason: Generated<string | null>;
  disputed_at: Generated<Date | null>;
  dispute_outcome: Generated<string | null>;
  dispute_comment: Generated<string | null>;
  resolved_by: Generated<string | null>;
  resolved_at: Generated<Date | null>;
  percent_before: Generated<number | null>;
}
export interface CallbackRequestsTable {
  id: string;
  /** sha256 of the visitor's token (given once, with the answer to the request). */
  token_hash: string;
  created_at: CreatedAt;
}
export interface TaskOverdueTable {
  task_id: string;
  at: Generated<Date>;
}
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  /** A single sign-on session's ID token: named to the provider when signing out there. */
  id_token: Generated<string | null>;
}
export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}
export interface SkillsTable {
  id: string;
  name: string;
}
export interface UserSkillsTable {
  user_id: string;
  skill_id: string;
  level: number;
}
export interface TeamsTable {
  id: string;
  name: string;
}
export interface TeamMembersTable {
  team_id: string;
  user_id: string;
}
export interface QueuesTable {
  id: string;
  name: string;
  settings: Json<QueueSettings>;
}
export interface QueueMembersTable {
  queue_id: string;
  member_type: 'user' | 'team';
  member_id: string;
}
export interface WorktypesTable {
  id: string;
  name: string;
  settings: Json<WorktypeSettings>;
}
export interface CodesTable {
  code: string;
  label: string;
}
export interface RulesTable {
  id: string;
  name: string;
  position: number;
  when_expr: string;
  actions: Json<Record<string, unknown>>;
  enabled: boolean;
}
export interface TasksTable {
  id: string;
  worktype: string;
  source: string | null;
  external_id: string | null;
  title: string;
  description: string | null;
  attributes: Json<Record<string, unknown>>;
  priority: number;
  due_at: Timestamp | null;
  expires_at: Timestamp | null;
  skills: Json<{ skill: string; minLevel?: number }[]>;
  language: string | null;
  queue_id: string | null;
  media_type: string;
  state: string;
  assignee_id: string | null;
  wrap_up_code: string | null;
  note: string | null;
  url: string | null;
  customer_id: string | null;
  case_id: string | null;
  classification: Json<Record<string, unknown>>;
  entered_queue_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
  version: number;
  /** scheduled: when the task wakes up and re-enters its queue. */
  wake_at: Timestamp | null;
  /** paused: what it waits for. */
  paused_reason: string | null;
  /** Personal routing (transfer to an agent): only this agent is offered it; it sits in their personal bin. */
  target_agent_id: string | null;
  /** Team workbin (e.g. the supervisors' bin): waits there for a claim or a supervisor's assignment, never pushed. */
  team_bin: string | null;
  escalation_level: number;
  /** Priority points added by escalation and exception rules, on top of the base priority. */
  priority_boost: number;
  /** Exception rules that already fired for this wait (each fires once). */
  exceptions_fired: Json<string[]>;
}
export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  task_id: string;
  created_at: CreatedAt;
}
export interface OffersTable {
  id: string;
  task_id: string;
  agent_id: string;
  state: string;
  step: string;
  reason: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  closed_at: Timestamp | null;
  decline_reason: string | null;
}
export interface PresenceTable {
  user_id: string;
  status: string;
  reason: string | null;
  since: Timestamp;
  idle_since: Timestamp;
  /** after-work: when the agent goes back to available by itself. */
  after_work_until: Timestamp | null;
}
export interface SettingsTable {
  key: string;
  value: Json<unknown>;
}
export interface EventsTable {
  id: Generated<number>;
  type: string;
  at: Generated<Date>;
  actor: string | null;
  task_id: string | null;
  user_id: string | null;
  data: Json<Record<string, unknown>>;
  /** Derived from data.caseId (a generated column): never written. */
  case_id: ColumnType<string | null, never, never>;
}
export interface WebhookSubscriptionsTable {
  id: string;
  url: string;
  events: string[];
  enabled: Generated<boolean>;
  description: string | null;
  /** `whsec_` + base64; needed in clear to sign, so stored as is (admins can read it back). */
  secret: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
/** Rows are inserted by the trigger on `events` (the outbox); the worker moves them along. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  message_id: Generated<string>;
  subscription_id: string;
  event_id: number;
  event_type: string;
  state: ColumnType<'pending' | 'delivered' | 'dead', 'pending' | 'delivered' | 'dead' | undefined, 'pending' | 'delivered' | 'dead'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  window_start: ColumnType<Date, Date | string | undefined, Date | string>;
  created_at: CreatedAt;
  delivered_at: Timestamp | null;
  last_status: number | null;
  last_error: string | null;
}
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  at: Timestamp;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** Notification templates (liquid text); subject is the e-mail subject or the push title. */
export interface NotificationTemplatesTable {
  id: string;
  name: string;
  channel: 'email' | 'sms' | 'push';
  subject: string | null;
  body: string;
  locale: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
/** The matrix: case type x event x channel. */
export interface NotificationRulesTable {
  case_type_id: string;
  event: string;
  channel: 'email' | 'sms' | 'push';
  enabled: Generated<boolean>;
  template_id: string;
  recipients: string[];
  addresses: Generated<string[]>;
  business_hours_only: Generated<boolean>;
  calendar_id: string | null;
}
/** Inserted by the trigger on `events`; expanded into notifications by the worker. */
export interface NotificationJobsTable {
  id: Generated<number>;
  event_id: number;
  event_type: string;
  case_id: string;
  state: ColumnType<'pending' | 'done' | 'failed', 'pending' | 'done' | 'failed' | undefined, 'pending' | 'done' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
  created_at: CreatedAt;
  done_at: Timestamp | null;
}
export type NotificationState = 'pending' | 'sent' | 'failed' | 'dead';
/** The outbox of rendered messages. */
export interface NotificationsTable {
  id: Generated<number>;
  event_id: number | null;
  event_type: string | null;
  case_id: string | null;
  /** social: a conversation's answer on a social media account (recipient `account/kind/target`). */
  channel: 'email' | 'sms' | 'push' | 'social';
  recipient_kind: string;
  recipient: string;
  recipient_user_id: string | null;
  template_id: string | null;
  subject: string | null;
  body: string;
  state: ColumnType<NotificationState, NotificationState | undefined, NotificationState>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  window_start: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
  provider_id: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
}
export interface NotificationAttemptsTable {
  id: Generated<number>;
  notification_id: number;
  at: Timestamp;
  ok: boolean;
  error: string | null;
  duration_ms: number;
}

/** Case types: form, procedure, SLA and the rest of the settings (see cases/settings.ts). */
export interface CaseTypesTable {
  id: string;
  name: string;
  settings: Json<CaseTypeSettings>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
/** A clock stood still in [from, to) (epoch ms); `to: null` = still paused. */
export type PauseInterval = { from: number; to: number | null };
export interface CasesTable {
  id: string;
  number: Generated<string>;
  case_type: string;
  status: string;
  customer_id: string | null;
  title: string;
  description: string | null;
  fields: Json<Record<string, unknown>>;
  /** api | form | agent */
  source: string;
  created_by: string | null;
  current_step: string | null;
  resolution: string | null;
  escalation_level: number;
  /** A supervisor's SLA for this case (null: the case type's). */
  sla_policy: Json<ClockPolicy | null>;
  sla_started_at: Timestamp;
  sla_paused: Json<PauseInterval[]>;
  sla_due_at: Timestamp | null;
  sla_warn_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  version: number;
}
/** A case's SLA warning and breach: when each rings (the case's deadline, kept in step by triggers) and when it fired. */
export interface SlaAlarmsTable {
  case_id: string;
  kind: 'warning' | 'breach';
  due_at: Timestamp | null;
  fired_at: Timestamp | null;
}
/** A procedure task's OLA warning and breach: when each rings (kept in step with case_tasks by triggers), when it fired. */
export interface OlaAlarmsTable {
  task_id: string;
  kind: 'warning' | 'breach';
  due_at: Timestamp | null;
  fired_at: Timestamp | null;
  /** Breach row: the OLA's escalation is settled (escalated at the warning or the breach, or nothing to escalate). */
  escalated_at: Timestamp | null;
  /** The task's step is not finished. */
  live: boolean;
}
/** The tasks a case's procedure created: step, OLA clock, outcome. */
export interface CaseTasksTable {
  task_id: string;
  case_id: string;
  step: string;
  seq: number;
  /** start | step | escalation | send-back | repeat | reopen */
  kind: string;
  /** A supervisor's OLA for this task (null: the step's). */
  ola_policy: Json<ClockPolicy | null>;
  ola_started_at: Timestamp;
  ola_paused: Json<PauseInterval[]>;
  ola_due_at: Timestamp | null;
  ola_warn_at: Timestamp | null;
  agent_id: string | null;
  outcome: string | null;
  finished_at: Timestamp | null;
  created_at: CreatedAt;
}
export interface CaseCommentsTable {
  id: string;
  case_id: string;
  author: string | null;
  author_name: string | null;
  body: string;
  /** internal | customer */
  visibility: string;
  created_at: CreatedAt;
}
export interface CustomersTable {
  id: string;
  name: string;
  first_name: string | null;
  email: string | null;
  phone: string | null;
  segment: string | null;
  external_id: string | null;
  addresses: Json<Record<string, unknown>[]>;
  notes: string | null;
  custom: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: number;
}
/** Who a channel's identity is (a social author on an account): linked by an agent, found for the next conversation. */
export interface CustomerIdentitiesTable {
  channel: string;
  identity: string;
  customer_id: string;
  linked_by: string | null;
  linked_at: Generated<Date>;
}
export interface AttachmentsTable {
  id: string;
  case_id: string;
  /** The form field it was uploaded for (null: added later). */
  field: string | null;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  /** Relative to the attachments folder. */
  path: string;
  uploaded_by: string | null;
  created_at: CreatedAt;
}

/** Business calendars: zone, week, holidays, overrides (see calendars/item.ts). */
export interface CalendarsTable {
  id: string;
  name: string;
  settings: Json<CalendarSettings>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SchedulesTable {
  week: string;
  zone: string;
  status: Generated<string>;
  generated_at: Generated<Date>;
  generated_by: string | null;
  published_at: Timestamp | null;
  published_by: string | null;
  /** People needed per hour (ISO hour -> count) when it was generated. */
  need: Json<Record<string, number>>;
}

export interface ScheduleActivitiesTable {
  id: Generated<string>;
  week: string;
  user_id: string;
  kind: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  /** While the week is open for bids: the line (one person's week) this activity belongs to. */
  line: number | null;
}

export interface ScheduleBidsTable {
  week: string;
  user_id: string;
  ranking: Json<number[]>;
  at: Generated<Date>;
}

export interface TimeOffTable {
  id: string;
  user_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  note: Generated<string>;
  status: Generated<string>;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  customer_identities: CustomerIdentitiesTable;
  sso_logins: SsoLoginsTable;
  inbound_mail: InboundMailTable;
  task_overdue: TaskOverdueTable;
  chats: ChatsTable;
  chat_messages: ChatMessagesTable;
  responses: ResponsesTable;
  callback_requests: CallbackRequestsTable;
  questionnaires: QuestionnairesTable;
  evaluation_plans: EvaluationPlansTable;
  scorecards: ScorecardsTable;
  segments: SegmentsTable;
  text_categories: TextCategoriesTable;
  conversation_analyses: ConversationAnalysesTable;
  analytics_watermark: { id: number; last_event: number };
  schedules: SchedulesTable;
  schedule_activities: ScheduleActivitiesTable;
  schedule_bids: ScheduleBidsTable;
  time_off: TimeOffTable;
  outcomes: OutcomesTable;
  action_maps: ActionMapsTable;
  web_visitors: WebVisitorsTable;
  web_sessions: WebSessionsTable;
  engagement_offers: EngagementOffersTable;
  quality_planner: { id: number; last_event: number };
  api_keys: ApiKeysTable;
  skills: SkillsTable;
  user_skills: UserSkillsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  queues: QueuesTable;
  queue_members: QueueMembersTable;
  worktypes: WorktypesTable;
  wrap_up_codes: CodesTable;
  presence_reasons: CodesTable;
  rules: RulesTable;
  tasks: TasksTable;
  idempotency_keys: IdempotencyKeysTable;
  offers: OffersTable;
  presence: PresenceTable;
  events: EventsTable;
  settings: SettingsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  notification_templates: NotificationTemplatesTable;
  notification_rules: NotificationRulesTable;
  notification_jobs: NotificationJobsTable;
  notifications: NotificationsTable;
  social_accounts: SocialAccountsTable;
  campaigns: CampaignsTable;
  campaign_contacts: CampaignContactsTable;
  do_not_call: DoNotCallTable;
  notification_attempts: NotificationAttemptsTable;
  case_types: CaseTypesTable;
  cases: CasesTable;
  sla_alarms: SlaAlarmsTable;
  ola_alarms: OlaAlarmsTable;
  case_tasks: CaseTasksTable;
  case_comments: CaseCommentsTable;
  customers: CustomersTable;
  attachments: AttachmentsTable;
  calendars: CalendarsTable;
}

export type TaskRow = Selectable<TasksTable>;
export type NewEvent = Insertable<EventsTable>;

export interface QueueSettings {
  targetSteps: { name: string; afterSeconds: number; minLevel: number }[];
  offerTimeoutSeconds: number;
  autoAnswer: boolean;
  distribution: 'push' | 'pull' | 'both';
  agentChoice: ('proficiency' | 'idle' | 'load')[];
  /** Aging and urgency terms of effective priority (absent: none). */
  priorityPolicy?: PriorityPolicy;
  /** No-cherry-picking: a claim may take only one of the best N waiting tasks (absent or null: any). */
  claimLimit?: number | null;
  /** After completing, the agent is after-work this long before being available again (0: none). */
  afterWorkSeconds?: number;
  /** An agent who declined the task or let its offer time out is passed over for it this long (absent: 300 s). */
  refusalSeconds?: number;
  /** Exception rules on waiting work, checked while tasks wait. */
  exceptions?: ExceptionRule[];
}
export interface WorktypeSettings {
  mediaType: string;
  defaultQueue: string;
  priority: number;
  wrapUpCodes: string[];
  requireWrapUp: boolean;
  urlTemplate: string | null;
  attributeSchema: Record<string, unknown> | null;
  skills: { skill: string; minLevel?: number }[];
  /** Where escalation sends the task (default: same queue) and how many priority points it adds. */
  escalation?: { queue?: string; raisePriority?: number };
  /** Screen pop of the source system's page: an embedded frame or a new tab. */
  screenPop?: 'frame' | 'tab';
  /** Inbound e-mail to this address becomes a task of this worktype (see mail-in/). */
  mailbox?: string;
  /** A web chat topic: visitors may start a chat of this worktype (see chat/). */
  chat?: ChatSettings;
  /** A callback topic: visitors may ask to be called back (see callback/). */
  callback?: CallbackSettings;
  /** SMS to this number become conversations of this worktype (see chat/sms.ts). */
  sms?: { number: string; acknowledgement?: string };
}

/** Global routing settings (the `settings` table, key 'routing'). */
export interface RoutingSettings {
  /** While an agent holds work of `media`, no work of the `blocks` media is offered to them. */
  blending: { media: MediaType; blocks: MediaType[] }[];
}

/** jsonb columns are written as JSON text so both drivers treat them alike. */
export const json = (v: unknown): string => JSON.stringify(v);

/**
 * The task row of a statement that returned `t.*` plus its own inputs as `v_…` columns (set-based
 * writes return what their events need instead of joining back to their inputs): only the row.
 */
export function taskOnly(r: TaskRow): TaskRow {
  // One literal of every column (typed: a missing or extra one is an error): every task row then
  // has one shape, and it costs a tenth of copying the entries by name (the profile's top item).
  return {
    id: r.id, worktype: r.worktype, source: r.source, external_id: r.external_id, title: r.title, description: r.description, attributes: r.attributes,
    priority: r.priority, due_at: r.due_at, expires_at: r.expires_at, skills: r.skills, language: r.language, queue_id: r.queue_id,
    media_type: r.media_type, state: r.state, assignee_id: r.assignee_id, wrap_up_code: r.wrap_up_code, note: r.note, url: r.url,
    customer_id: r.customer_id, case_id: r.case_id, classification: r.classification, entered_queue_at: r.entered_queue_at, created_at: r.created_at,
    updated_at: r.updated_at, completed_at: r.completed_at, version: r.version, wake_at: r.wake_at, paused_reason: r.paused_reason,
    target_agent_id: r.target_agent_id, team_bin: r.team_bin, escalation_level: r.escalation_level, priority_boost: r.priority_boost, exceptions_fired: r.exceptions_fired,
  };
}
