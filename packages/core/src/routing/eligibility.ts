import type { BlendingRule, RoutingAgent, RoutingQueue, RoutingTask, TargetStep } from '../model.js';

export type Ineligibility =
  | 'not-member'
  | 'not-available'
  | 'no-capacity'
  | 'excluded'
  | 'not-target'
  | { blockedBy: string }
  | { skill: string; has: number; needs: number };

export function freeCapacity(agent: RoutingAgent, media: RoutingTask['mediaType']): number {
  return (agent.capacity[media] ?? 0) - (agent.load[media] ?? 0);
}

/** Level a required skill must reach at a step: the step's level, never below the task's own floor. */
export function requiredLevel(step: TargetStep, minLevel: number | undefined): number {
  return Math.max(step.minLevel, minLevel ?? 0);
}

/** The media the agent currently holds that blocks `media` (blending), or null. */
export function blockingMedia(agent: RoutingAgent, media: RoutingTask['mediaType'], blending: readonly BlendingRule[] = []): string | null {
  for (const rule of blending) if ((agent.load[rule.media] ?? 0) > 0 && rule.media !== media && rule.blocks.includes(media)) return rule.media;
  return null;
}

/**
 * Why `agent` may not take `task` at `step`, or null when it may. A task routed to one person
 * (transfer to an agent) ignores queue membership and skills: a person chose that agent.
 */
export function whyIneligible(
  task: RoutingTask,
  queue: RoutingQueue,
  agent: RoutingAgent,
  step: TargetStep,
  blending: readonly BlendingRule[] = [],
): Ineligibility | null {
  const personal = task.targetAgentId != null;
  if (personal && task.targetAgentId !== agent.id) return 'not-target';
  if (!personal && !queue.members.has(agent.id)) return 'not-member';
  if (agent.status !== 'available') return 'not-available';
  if (task.excludedAgents?.has(agent.id)) return 'excluded';
  if (freeCapacity(agent, task.mediaType) <= 0) return 'no-capacity';
  const blocker = blockingMedia(agent, task.mediaType, blending);
  if (blocker) return { blockedBy: blocker };
  if (personal) return null;
  for (const req of task.skills) {
    // A step at level 0 means "anyone in the queue", even without the skill.
    const has = agent.skills[req.skill] ?? 0;
    const needs = requiredLevel(step, req.minLevel);
    if (has < needs) return { skill: req.skill, has, needs };
  }
  return null;
}

/** Mean proficiency over the required skills (100 when none are required). */
export function proficiency(task: RoutingTask, agent: RoutingAgent): number {
  if (task.skills.length === 0) return 100;
  let sum = 0;
  for (const req of task.skills) sum += agent.skills[req.skill] ?? 0;
  return sum / task.skills.length;
}
