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
  | { type: 'presence.changed'; presence: Presence }
  | { type: 'stats.changed' }
  | { type: 'workbin.changed'; bins: string[] }
  | ({ type: 'alert' } & LiveAlert);

export type StreamMessageType = StreamMessage['type'];
