// Shapes of the Worklane REST API (/api/v1) and the real-time stream, as the web app uses them.

export type Role = 'admin' | 'supervisor' | 'agent' | 'analyst';

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
}

export type PresenceStatus = 'available' | 'not-ready' | 'busy' | 'after-work' | 'offline';

export interface Presence {
  status: PresenceStatus;
  reason: string | null;
  since: string;
}

export interface Me {
  user: User;
  presence: Presence;
}

export interface PresenceReason {
  code: string;
  label: string;
}

export type TaskState =
  | 'queued'
  | 'offered'
  | 'assigned'
  | 'wrap-up'
  | 'scheduled'
  | 'paused'
  | 'completed'
  | 'canceled';

export const TASK_STATES: TaskState[] = [
  'queued',
  'offered',
  'assigned',
  'wrap-up',
  'scheduled',
  'paused',
  'completed',
  'canceled',
];

export interface Task {
  id: string;
  worktype: string;
  source: string | null;
  externalId: string | null;
  title: string;
  description: string | null;
  attributes: Record<string, unknown>;
  priority: number;
  dueAt: string | null;
  queue: string | null;
  /** workitem, email, chat, sms, callback, voice. */
  mediaType: string;
  state: TaskState;
  assignee: string | null;
  wrapUpCode: string | null;
  url: string | null;
  createdAt: string;
  updatedAt: string;
  customerId?: string | null;
  caseId?: string | null;
  note?: string | null;
  enteredQueueAt?: string | null;
  completedAt?: string | null;
  /** scheduled: when it re-enters its queue. */
  wakeAt?: string | null;
  /** paused: what it waits for. */
  pausedReason?: string | null;
  /** Transferred to one person: only they get it (it sits in their personal bin). */
  targetAgent?: string | null;
  /** Waits in a team's workbin for a claim or a supervisor's assignment. */
  teamBin?: string | null;
  escalationLevel?: number;
  priorityBoost?: number;
}

export type WorkbinKind = 'queue' | 'team' | 'personal';

export interface Workbin {
  /** `queue:<id>`, `team:<id>`, `personal:<userId>`: URL-encode in paths. */
  id: string;
  kind: WorkbinKind;
  name: string;
  count: number;
  /** No cherry-picking: only the best N waiting tasks may be claimed (null: any). */
  claimLimit: number | null;
  canClaim: boolean;
}

export interface WorkbinTask extends Task {
  effectivePriority: number;
  position: number;
  claimable: boolean;
}

export type WorkbinSort = 'priority' | 'due' | 'age';

export interface WorkbinTasks {
  items: WorkbinTask[];
  total: number;
}

export interface QueueConfig {
  id: string;
  name: string;
  distribution?: 'push' | 'pull' | 'both';
  claimLimit?: number | null;
}

export interface StatusTime {
  status: PresenceStatus;
  reason: string | null;
  seconds: number;
}

/** GET /me/stats: my day so far. */
export interface MyStats {
  since: string;
  until: string;
  handled: number;
  averageHandleSeconds: number | null;
  totalHandleSeconds: number;
  timeInStatus: StatusTime[];
  current: Presence;
}

export interface LiveAlert {
  level: 'info' | 'warning';
  message: string;
  taskId?: string;
  /** An SLA alert's case. */
  caseId?: string;
}

export type OfferState = 'pending' | 'accepted' | 'declined' | 'timed-out' | 'rescinded';

export interface Offer {
  id: string;
  taskId: string;
  agentId: string;
  state: OfferState;
  createdAt: string;
  expiresAt: string;
  reason: string | null;
  task: Task;
}

export interface TaskEvent {
  id: string;
  type: string;
  at: string;
  actor: string | null;
  data: unknown;
}

export interface Worktype {
  id: string;
  name: string;
  mediaType: string;
  defaultQueue: string | null;
  priority: number;
  wrapUpCodes: string[];
  urlTemplate: string | null;
  attributeSchema: unknown;
  /** How the source system's page opens: embedded, or in a new tab (default). */
  screenPop?: 'frame' | 'tab';
}

export interface WrapUpCode {
  code: string;
  label: string;
}

export interface QueueStats {
  queue: string;
  name: string;
  waiting: number;
  offered: number;
  assigned: number;
  oldestWaitingSeconds: number | null;
  agentsAvailable: number;
}

/** GET /reports/realtime/cases: open cases per case type, and the cases past their SLA warning. */
export interface CaseTypeStats {
  caseType: string;
  name: string;
  open: number;
  byStatus: Partial<Record<CaseStatus, number>>;
  atRisk: number;
  breached: number;
  escalated: number;
  oldestOpenSeconds: number | null;
}
export interface CaseAtRisk {
  id: string;
  number: string;
  title: string;
  caseType: string;
  status: CaseStatus;
  escalationLevel: number;
  slaDueAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
}
export interface RealtimeCases {
  items: CaseTypeStats[];
  atRisk: CaseAtRisk[];
}

export interface AgentStats {
  agent: string;
  name: string;
  status: PresenceStatus;
  reason: string | null;
  since: string | null;
  load: number;
  capacity: number;
}

export interface List<T> {
  items: T[];
}

export interface Page<T> extends List<T> {
  nextCursor: string | null;
}

export type StreamMessage =
  | { type: 'hello'; user: User }
  | { type: 'offer.created'; offer: Offer }
  | { type: 'offer.closed'; offerId: string; outcome: string }
  | { type: 'task.updated'; task: Task }
  | { type: 'chat.message'; taskId: string; message: ChatMessage }
  | { type: 'chat.changed'; taskId: string }
  | { type: 'chat.typing'; taskId: string }
  /** The customer wrote again on a mail task this person holds. */
  | { type: 'task.mail'; taskId: string }
  | { type: 'presence.changed'; presence: Presence }
  | { type: 'stats.changed' }
  | { type: 'workbin.changed'; bins: string[] }
  | ({ type: 'alert' } & LiveAlert)
  /** Cases this person may open changed (ids only, coalesced): open case views and lists re-fetch. */
  | { type: 'case.changed'; caseIds: string[] }
  /** A scorecard for or about this person was assigned, finished or acknowledged. */
  | { type: 'scorecards.changed' };

export type StreamMessageType = StreamMessage['type'];

// ——— Cases (API.md "Cases") ———

export type CaseStatus = 'new' | 'open' | 'in-progress' | 'waiting-for-customer' | 'escalated' | 'resolved' | 'closed' | 'reopened';
export const CASE_STATUSES: CaseStatus[] = ['new', 'open', 'in-progress', 'waiting-for-customer', 'escalated', 'resolved', 'closed', 'reopened'];

export type FieldType = 'text' | 'number' | 'date' | 'email' | 'phone' | 'select' | 'multiselect' | 'checkbox' | 'file';

/** One field of a case type's form (the same definition drives the public form and "New case"). */
export interface FormField {
  name: string;
  label: string;
  type: FieldType;
  required?: boolean;
  help?: string;
  placeholder?: string;
  multiline?: boolean;
  pattern?: string;
  format?: 'url' | 'uuid' | 'alphanumeric';
  minLength?: number;
  maxLength?: number;
  min?: number | string;
  max?: number | string;
  integer?: boolean;
  options?: { value: string; label: string }[];
  accept?: string[];
  maxSize?: number;
  maxFiles?: number;
  messages?: Partial<Record<string, string>>;
  customer?: string;
}

export interface FormDefinition {
  fields: FormField[];
}

export interface ClockPolicy {
  duration: number;
  unit: 'minutes' | 'hours' | 'days';
  mode: 'calendar' | 'business';
  calendar?: string;
  warnAtPercent?: number;
}

export interface ProcedureStep {
  id: string;
  name?: string;
  queue: string;
  worktype: string;
  ola?: ClockPolicy;
  transitions: Record<string, { to?: string; close?: true; escalate?: true; sendBack?: true; resolution?: string; status?: 'resolved' | 'closed' }>;
}

export interface CaseType {
  id: string;
  name: string;
  description?: string;
  form: FormDefinition;
  procedure?: { start: string; steps: ProcedureStep[]; escalation?: string[] };
  sla?: ClockPolicy;
  pauseStatuses?: CaseStatus[];
  publicForm?: boolean;
  portalFields?: string[];
  attachments?: { maxSize: number; accept: string[] };
}

/** GET /public/forms/{caseType}. */
export interface PublicForm {
  caseType: string;
  name: string;
  description: string | null;
  form: FormDefinition;
  attachments: { maxSize: number; accept: string[] };
}

export interface Customer {
  id: string;
  name: string;
  firstName: string | null;
  email: string | null;
  phone: string | null;
  segment: string | null;
  externalId: string | null;
  notes?: string | null;
  custom?: Record<string, unknown>;
}

export interface Attachment {
  id: string;
  caseId: string;
  field: string | null;
  name: string;
  contentType: string;
  size: number;
  uploadedBy: string | null;
  createdAt: string;
  url: string;
}

export interface CaseTaskRef {
  taskId: string;
  step: string;
  kind: string;
  state: TaskState;
  queue: string | null;
  assignee: string | null;
  targetAgent: string | null;
  wrapUpCode: string | null;
  escalationLevel: number;
  createdAt: string;
  completedAt: string | null;
  ola: { dueAt: string | null; warnAt: string | null; warnedAt: string | null; breachedAt: string | null; escalatedAt: string | null };
}

/** GET /cases/{id}: the case with its customer, tasks and attachments. */
export interface Case {
  id: string;
  number: string;
  caseType: string;
  status: CaseStatus;
  title: string;
  description: string | null;
  customerId: string | null;
  fields: Record<string, unknown>;
  source: string;
  createdBy: string | null;
  currentStep: string | null;
  resolution: string | null;
  escalationLevel: number;
  sla: { policy: ClockPolicy | null; startedAt: string; dueAt: string | null; warnAt: string | null; warnedAt: string | null; breachedAt: string | null; paused: boolean };
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  version: number;
  customer?: Customer | null;
  tasks?: CaseTaskRef[];
  attachments?: Attachment[];
}

export interface ClockStatus {
  state?: 'running' | 'paused' | 'warning' | 'breached' | 'stopped' | string;
  targetMs?: number;
  elapsedMs?: number;
  remainingMs?: number;
  percent?: number;
  dueAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
}

/** GET /cases/{id}/sla: the SLA clock and the OLA clocks of the case's tasks, now. */
export interface CaseSla {
  caseId: string;
  number: string;
  status: CaseStatus;
  at: string;
  sla: ClockStatus & { policy: ClockPolicy | null; overridden: boolean; startedAt: string; stopped: boolean; pauses: { from: string; to: string | null }[] };
  ola: (ClockStatus & { taskId: string; step: string; policy: ClockPolicy | null; startedAt: string; finishedAt: string | null; escalatedAt: string | null })[];
}

export interface CaseEvent {
  id: string;
  type: string;
  at: string;
  actor: string | null;
  taskId: string | null;
  userId: string | null;
  data: Record<string, unknown>;
}

export interface CaseComment {
  id: string;
  caseId: string;
  author: string | null;
  authorName: string | null;
  body: string;
  visibility: 'internal' | 'customer';
  createdAt: string;
}

/** A message to a customer or staff member about a case (e-mail, SMS, push), with its attempts. */
export interface CaseNotification {
  id: string;
  caseId: string | null;
  /** C-000123; null when there is no case. */
  caseNumber: string | null;
  eventType: string | null;
  channel: 'email' | 'sms' | 'push';
  recipientKind: string;
  recipient: string;
  subject: string | null;
  body: string;
  state: 'pending' | 'sent' | 'failed' | 'dead';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  attempts: { at: string; ok: boolean; error: string | null; durationMs: number }[];
}

// ——— Customer portal ———

export interface PortalCustomer {
  id: string;
  name: string;
  firstName: string | null;
  email: string | null;
}

/** A case as its customer sees it: what the case type chose to show (`shown`, in order). */
export interface PortalCase {
  id: string;
  number: string;
  status: CaseStatus;
  shown: string[];
  caseType?: { id: string; name: string };
  title?: string;
  createdAt?: string;
  sla?: { dueAt: string | null; state: 'running' | 'paused' | 'breached' | 'stopped' | 'none' };
  resolution?: string | null;
  fields: { name: string; label: string; value: string | number | boolean | null }[];
  updatedAt: string;
}

export interface PortalAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  createdAt: string;
  fromYou: boolean;
  url: string;
}

export type PortalTimelineItem =
  | { at: string; kind: 'created' }
  | { at: string; kind: 'status'; status: CaseStatus }
  | { at: string; kind: 'comment'; fromYou: boolean; author: string; body: string }
  | { at: string; kind: 'attachment'; fromYou: boolean; name: string; attachmentId: string };

export interface PortalCaseDetail extends PortalCase {
  canReply: boolean;
  waitingForYou: boolean;
  attachments: PortalAttachment[];
  timeline: PortalTimelineItem[];
}

// ——— Web chat ———

export interface ChatMessage {
  id: string;
  sender: 'visitor' | 'agent' | 'bot' | 'system';
  name: string;
  body: string;
  at: string;
}

/** `bot`: the topic's bot is answering (no advisor yet). */
export type ChatPhase = 'bot' | 'waiting' | 'connected' | 'ended';

export interface ChatView {
  id: string;
  channel: 'web' | 'sms' | 'social';
  topic: { id: string; name: string };
  phase: ChatPhase;
  endedBy: 'visitor' | 'agent' | 'expired' | 'idle' | 'canceled' | null;
  visitor: { name: string };
  agent: { name: string } | null;
  position: number | null;
  startedAt: string;
  rating: number | null;
  messages: ChatMessage[];
}

/** The agent's view of a chat task's conversation. */
export interface TaskChat extends ChatView {
  taskId: string;
  visitorEmail: string | null;
  visitorPhone: string | null;
  visitorOnline: boolean;
  /** A social media conversation: the platform, public (everyone sees the answers) or private, the account. */
  social: { platform: string; kind: 'public' | 'private'; account: string } | null;
}

export interface ChatTopic {
  id: string;
  name: string;
  open: boolean;
  /** The usual wait over the last hour (null: nobody answered). */
  waitSeconds: number | null;
  reason?: 'closed' | 'nobody';
  message?: string;
  opensAt?: string | null;
}

/** A standard response, names filled in for the task at hand. */
export interface SuggestedResponse {
  id: string;
  name: string;
  text: string;
}

// ——— Digital callback ———

export interface CallbackTopic {
  id: string;
  name: string;
  asap: boolean;
  waitSeconds: number | null;
  slots: { start: string; end: string }[];
}

export interface CallbackAnswer {
  id: string;
  /** Opens the request (X-Callback-Token): to cancel it. */
  token: string;
  topic: { id: string; name: string };
  phone: string;
  slot: { start: string; end: string } | null;
  message: string;
}

export type CallbackOutcome = 'no-answer' | 'busy' | 'wrong-number';

export interface CallbackInfo {
  taskId: string;
  phone: string;
  name: string;
  requested: string;
  /** The end of the slot asked for (when it is given up if nobody took it). */
  until: string | null;
  maxAttempts: number;
  attempts: { at: string; outcome: CallbackOutcome; agent: string | null; note: string | null }[];
  /** A campaign's call: its script filled for this contact, what the list says of them. */
  campaign: { id: string; name: string; script: string; data: Record<string, string> } | null;
}
