import type { RoutingAgent, RoutingQueue, RoutingTask, TargetStep } from '../model.js';
import type { BlendingRule } from '../model.js';
import { inWaitingOrder } from './decide.js';
import { currentStep, nextStepAt } from './targets.js';
import { proficiency, whyIneligible, type Ineligibility } from './eligibility.js';

export interface AgentVerdict {
  agent: string;
  eligible: boolean;
  why: string | null;
  proficiency: number;
}

export interface WaitingExplanation {
  waitedSeconds: number;
  step: TargetStep;
  nextStepAt: number | null;
  /** 1-based place in the queue's waiting order. */
  position: number;
  waitingInQueue: number;
  agents: AgentVerdict[];
}

export function describeIneligibility(r: Ineligibility): string {
  if (typeof r === 'object')
    return 'blockedBy' in r ? `holds ${r.blockedBy} work, which blocks this media type` : `skill ${r.skill} is ${r.has}, the current step needs ${r.needs}`;
  return {
    'not-member': 'not a member of the queue',
    'not-available': 'not available',
    'no-capacity': 'no free capacity for this media type',
    excluded: 'declined or let this task time out recently (others first)',
    'not-target': 'the task was transferred to another agent',
  }[r];
}

/** Why a waiting task is where it is: its place in line, the target step, and each agent's verdict. */
export function explainWaiting(
  task: RoutingTask,
  queue: RoutingQueue,
  waiting: readonly RoutingTask[],
  agents: readonly RoutingAgent[],
  now: number,
  blending: readonly BlendingRule[] = [],
): WaitingExplanation {
  const waited = Math.max(0, (now - task.enteredQueueAt) / 1000);
  const step = currentStep(queue.targetSteps, waited);
  const line = queueLine(queue, waiting, now);
  const verdicts = agents
    .filter((a) => queue.members.has(a.id) || a.id === task.targetAgentId)
    .map((a) => {
      const r = whyIneligible(task, queue, a, step, blending);
      return { agent: a.id, eligible: r === null, why: r === null ? null : describeIneligibility(r), proficiency: Math.round(proficiency(task, a)) };
    })
    .sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.proficiency - a.proficiency);
  return {
    waitedSeconds: Math.round(waited),
    step,
    nextStepAt: nextStepAt(queue.targetSteps, task.enteredQueueAt, now),
    position: line.findIndex((t) => t.id === task.id) + 1,
    waitingInQueue: line.length,
    agents: verdicts,
  };
}

const queueLine = (queue: RoutingQueue, waiting: readonly RoutingTask[], now: number) =>
  inWaitingOrder(waiting.filter((t) => t.queueId === queue.id), new Map([[queue.id, queue]]), now);

/** A waiting task's 1-based place in its queue's waiting order (the part of `explainWaiting` a waiting customer is told). */
export function placeInLine(task: RoutingTask, queue: RoutingQueue, waiting: readonly RoutingTask[], now: number): number {
  return queueLine(queue, waiting, now).findIndex((t) => t.id === task.id) + 1;
}
