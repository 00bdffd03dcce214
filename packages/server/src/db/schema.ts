import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

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
}
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
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
}
export interface EventsTable {
  id: Generated<number>;
  type: string;
  at: Generated<Date>;
  actor: string | null;
  task_id: string | null;
  user_id: string | null;
  data: Json<Record<string, unknown>>;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
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
}

export type TaskRow = Selectable<TasksTable>;
export type NewEvent = Insertable<EventsTable>;

export interface QueueSettings {
  targetSteps: { name: string; afterSeconds: number; minLevel: number }[];
  offerTimeoutSeconds: number;
  autoAnswer: boolean;
  distribution: 'push' | 'pull' | 'both';
  agentChoice: ('proficiency' | 'idle' | 'load')[];
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
}

/** jsonb columns are written as JSON text so both drivers treat them alike. */
export const json = (v: unknown): string => JSON.stringify(v);
