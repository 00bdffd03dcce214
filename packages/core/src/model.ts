import type { PriorityPolicy } from './priority/effective.js';
// Shapes the pure decision functions work on. The server maps database rows into these.

export type MediaType = 'workitem' | 'email' | 'chat' | 'sms' | 'social' | 'callback' | 'voice';
export const MEDIA_TYPES: readonly MediaType[] = ['workitem', 'email', 'chat', 'sms', 'social', 'callback', 'voice'];

export type PresenceStatus = 'available' | 'not-ready' | 'busy' | 'after-work' | 'offline';

export interface SkillRequirement {
  skill: string;
  minLevel?: number;
}

/** "after `afterSeconds` waiting, anyone with proficiency >= minLevel in the required skills". */
export interface TargetStep {
  name: string;
  afterSeconds: number;
  minLevel: number;
}

export type AgentChoice = 'proficiency' | 'idle' | 'load';

export interface RoutingQueue {
  id: string;
  targetSteps: TargetStep[];
  /** Order of tie-breakers when choosing among eligible agents. */
  agentChoice: AgentChoice[];
  /** Agent ids that are members, directly or through a team. */
  members: ReadonlySet<string>;
  distribution: 'push' | 'pull' | 'both';
  /** Aging and urgency terms of the effective priority (absent: none). */
  priorityPolicy?: PriorityPolicy;
}

/** While an agent holds work of `media`, no work of the `blocks` media is offered to them. */
export interface BlendingRule {
  media: MediaType;
  blocks: readonly MediaType[];
}

export interface RoutingTask {
  id: string;
  queueId: string;
  /** Base priority (from capture or rules) plus any boost (escalation, exception rules). */
  priority: number;
  /** epoch milliseconds */
  dueAt: number | null;
  /** epoch milliseconds: first time the task entered any queue; kept across decline, RONA, transfer. */
  enteredQueueAt: number;
  skills: SkillRequirement[];
  mediaType: MediaType;
  /** Agents who declined or let this task time out recently: others are offered it first (the shell lifts a refusal after the queue's refusal time). */
  excludedAgents?: ReadonlySet<string>;
  /** Personal routing: only this agent may be offered the task (membership and skills do not apply). */
  targetAgentId?: string | null;
  /** Waiting in a team workbin: never pushed, only claimed or assigned. */
  teamBin?: string | null;
}

export interface RoutingAgent {
  id: string;
  status: PresenceStatus;
  skills: Readonly<Record<string, number>>;
  capacity: Readonly<Partial<Record<MediaType, number>>>;
  load: Readonly<Partial<Record<MediaType, number>>>;
  /** epoch milliseconds since the agent last became free of work */
  idleSince: number;
}

export interface OfferDecision {
  taskId: string;
  agentId: string;
  step: string;
  reason: string;
}
