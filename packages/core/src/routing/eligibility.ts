import type { RoutingAgent, RoutingQueue, RoutingTask, TargetStep } from '../model.js';

export type Ineligibility =
  | 'not-member'
  | 'not-available'
  | 'no-capacity'
  | 'excluded'
  | { skill: string; has: number; needs: number };

export function freeCapacity(agent: RoutingAgent, media: RoutingTask['mediaType']): number {
  return (agent.capacity[media] ?? 0) - (agent.load[media] ?? 0);
}

/** Level a required skill must reach at a step: the step's level, never below the task's own floor. */
export function requiredLevel(step: TargetStep, minLevel: number | undefined): number {
  return Math.max(step.minLevel, minLevel ?? 0);
}

/** Why `agent` may not take `task` at `step`, or null when it may. */
export function whyIneligible(
  task: RoutingTask,
  queue: RoutingQueue,
  agent: RoutingAgent,
  step: TargetStep,
): Ineligibility | null {
  if (!queue.members.has(agent.id)) return 'not-member';
  if (agent.status !== 'available') return 'not-available';
  if (task.excludedAgents?.has(agent.id)) return 'excluded';
  if (freeCapacity(agent, task.mediaType) <= 0) return 'no-capacity';
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
