import type { ClockPolicy } from '../calendar/types.js';
import { validateClockPolicy } from '../calendar/validate.js';

/**
 * A case type's procedure as data: steps that each create a task for a queue (with an OLA), and
 * transitions chosen by the wrap-up code the worker completes the task with. The demo (from the
 * source): advisor -> resolved (close) | escalate (expert) ; expert -> resolved (close) |
 * send-back (to the original advisor for verification) ; advisor -> close.
 */
export type StepTransition =
  | { to: string }
  | { close: true; resolution?: string; status?: 'resolved' | 'closed' }
  | { escalate: true }
  | { sendBack: true };

export interface ProcedureStep {
  id: string;
  name?: string;
  queue: string;
  worktype: string;
  /** The step's task's deadline (OLA); none: no OLA. */
  ola?: ClockPolicy;
  /** Wrap-up code -> what happens next. A code not listed leaves the case where it is. */
  transitions: Record<string, StepTransition>;
}

export interface Procedure {
  start: string;
  steps: ProcedureStep[];
  /**
   * The escalation ladder: escalation from a step outside it goes to the first step, from the
   * n-th step to the (n+1)-th. One step (the default of the source) = one level; the last
   * level cannot be escalated further.
   */
  escalation?: string[];
}

/** A finished step of the case, in order (for send-back: who handled the case before escalation). */
export interface StepVisit {
  step: string;
  agent: string | null;
}

export type NextStep =
  | { kind: 'step'; step: ProcedureStep }
  | { kind: 'close'; resolution: string; status: 'resolved' | 'closed' }
  | { kind: 'escalate'; step: ProcedureStep; level: number }
  | { kind: 'send-back'; step: ProcedureStep; agent: string | null }
  | { kind: 'none'; reason: string };

export interface ProcedureKnown {
  queues: ReadonlySet<string>;
  /** Worktype id -> its wrap-up codes. */
  worktypes: ReadonlyMap<string, readonly string[]>;
  wrapUpCodes: ReadonlySet<string>;
  /** Calendar ids (when given, OLA calendars are checked against it). */
  calendars?: ReadonlySet<string>;
}

export interface ProcedureError {
  pointer: string;
  message: string;
}

const STEP_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const MAX_STEPS = 50;

export const findStep = (p: Procedure, id: string): ProcedureStep | undefined => p.steps.find((s) => s.id === id);

/** The escalation level of a step: 0 outside the ladder, n for its n-th rung. */
export const escalationLevelOf = (p: Procedure, stepId: string): number => (p.escalation ?? []).indexOf(stepId) + 1;

/** Where escalation from `stepId` goes, or null at the top of the ladder (or without one). */
export function escalationTarget(p: Procedure, stepId: string): { step: ProcedureStep; level: number } | null {
  const ladder = p.escalation ?? [];
  const level = escalationLevelOf(p, stepId) + 1;
  const id = ladder[level - 1];
  const step = id === undefined ? undefined : findStep(p, id);
  return step ? { step, level } : null;
}

/** Checks a clock policy's shape and calendar (shared by OLAs here and the case type's SLA). */
export function clockPolicyErrors(c: ClockPolicy, at: string, calendars?: ReadonlySet<string>): ProcedureError[] {
  const out = validateClockPolicy(c).map((e) => ({ pointer: `${at}${e.pointer}`, message: e.message }));
  if (typeof c?.calendar === 'string' && c.calendar && calendars && !calendars.has(c.calendar)) out.push({ pointer: `${at}/calendar`, message: `unknown calendar "${c.calendar}"` });
  return out;
}

/**
 * Checks a procedure before it is saved: unknown queues, worktypes, wrap-up codes and steps,
 * transitions nobody can take, unreachable steps, and a procedure that can never close.
 */
export function validateProcedure(p: Procedure, known: ProcedureKnown): ProcedureError[] {
  const out: ProcedureError[] = [];
  const err = (pointer: string, message: string) => out.push({ pointer, message });
  if (!p || typeof p !== 'object' || !Array.isArray(p.steps)) return [{ pointer: '/steps', message: 'must be a list of steps' }];
  if (p.steps.length === 0) err('/steps', 'needs at least one step');
  if (p.steps.length > MAX_STEPS) err('/steps', `at most ${MAX_STEPS} steps`);
  const ids = new Set<string>();
  p.steps.forEach((s, i) => {
    const at = `/steps/${i}`;
    if (typeof s.id !== 'string' || !STEP_ID.test(s.id)) err(`${at}/id`, 'must be a lower-case identifier');
    else if (ids.has(s.id)) err(`${at}/id`, `duplicate step "${s.id}"`);
    else ids.add(s.id);
  });
  if (typeof p.start !== 'string' || !ids.has(p.start)) err('/start', `unknown step "${String(p.start)}"`);
  const ladder = p.escalation ?? [];
  if (!Array.isArray(ladder)) err('/escalation', 'must be a list of step ids');
  else {
    ladder.forEach((id, j) => {
      if (!ids.has(id)) err(`/escalation/${j}`, `unknown step "${id}"`);
      else if (ladder.indexOf(id) !== j) err(`/escalation/${j}`, `step "${id}" is on the ladder twice`);
      else if (id === p.start) err(`/escalation/${j}`, 'the start step cannot be an escalation level');
    });
  }
  p.steps.forEach((s, i) => {
    const at = `/steps/${i}`;
    if (!known.queues.has(s.queue)) err(`${at}/queue`, `unknown queue "${s.queue}"`);
    const codes = known.worktypes.get(s.worktype);
    if (!codes) err(`${at}/worktype`, `unknown worktype "${s.worktype}"`);
    if (s.ola !== undefined) out.push(...clockPolicyErrors(s.ola, `${at}/ola`, known.calendars));
    if (!s.transitions || typeof s.transitions !== 'object') return err(`${at}/transitions`, 'must map wrap-up codes to what happens next');
    const onLadder = ladder.includes(s.id);
    for (const [code, t] of Object.entries(s.transitions)) {
      const tp = `${at}/transitions/${code}`;
      if (!known.wrapUpCodes.has(code)) err(tp, `unknown wrap-up code "${code}"`);
      else if (codes && !codes.includes(code)) err(tp, `"${code}" is not a wrap-up code of worktype "${s.worktype}" (it has: ${codes.join(', ') || 'none'})`);
      const kinds = ['to', 'close', 'escalate', 'sendBack'].filter((k) => t && k in t);
      if (kinds.length !== 1) {
        err(tp, 'must be exactly one of { to }, { close: true }, { escalate: true }, { sendBack: true }');
        continue;
      }
      if ('to' in t && !ids.has(t.to)) err(`${tp}/to`, `unknown step "${t.to}"`);
      if ('escalate' in t && !escalationTarget(p, s.id)) err(tp, onLadder ? 'this step is the last escalation level' : 'the procedure has no escalation ladder');
      if ('sendBack' in t && !onLadder) err(tp, 'only an escalation step can send a case back to its advisor');
      if ('close' in t && t.status !== undefined && t.status !== 'resolved' && t.status !== 'closed') err(`${tp}/status`, 'must be resolved or closed');
    }
  });
  if (out.length) return out;
  // Reachability: every step from the start (by `to`, escalation and send-back), and a way to close.
  const reach = new Set<string>([p.start]);
  const todo = [p.start];
  let closes = false;
  while (todo.length) {
    const s = findStep(p, todo.pop()!)!;
    const next = Object.values(s.transitions).flatMap((t) => {
      if ('close' in t) closes = true;
      if ('to' in t) return [t.to];
      if ('escalate' in t) return [escalationTarget(p, s.id)!.step.id];
      return [];
    });
    // Automatic escalation (OLA) can move any step outside the top of the ladder up one rung.
    const up = escalationTarget(p, s.id);
    if (up) next.push(up.step.id);
    for (const id of next) {
      if (reach.has(id)) continue;
      reach.add(id);
      todo.push(id);
    }
  }
  p.steps.forEach((s, i) => !reach.has(s.id) && err(`/steps/${i}`, `step "${s.id}" can never be reached from "${p.start}"`));
  if (!closes) err('/steps', 'no step closes the case (add a transition { close: true })');
  return out;
}

/**
 * What follows when the task of `current` is completed with `wrapUpCode`. `history` lists the
 * finished steps in order (including `current`'s own visit last or not at all).
 */
export function nextStep(p: Procedure, current: string, wrapUpCode: string, history: readonly StepVisit[]): NextStep {
  const step = findStep(p, current);
  if (!step) return { kind: 'none', reason: `the procedure has no step "${current}"` };
  const t = step.transitions[wrapUpCode];
  if (!t) return { kind: 'none', reason: `wrap-up code "${wrapUpCode}" leads nowhere from step "${current}"` };
  if ('to' in t) {
    const to = findStep(p, t.to);
    return to ? { kind: 'step', step: to } : { kind: 'none', reason: `the procedure has no step "${t.to}"` };
  }
  if ('close' in t) return { kind: 'close', resolution: t.resolution ?? wrapUpCode, status: t.status ?? 'closed' };
  if ('escalate' in t) {
    const up = escalationTarget(p, current);
    return up ? { kind: 'escalate', ...up } : { kind: 'none', reason: `step "${current}" cannot be escalated further` };
  }
  return sendBack(p, history);
}

/** Does `nextStep` for this code look at the case's history (a send-back)? The shell reads it only then. */
export function needsHistory(p: Procedure, current: string, wrapUpCode: string): boolean {
  const t = findStep(p, current)?.transitions[wrapUpCode];
  return t !== undefined && !('to' in t) && !('close' in t) && !('escalate' in t); // what nextStep falls through to
}

/** Back to the last step before the case climbed the ladder, and the agent who handled it there. */
export function sendBack(p: Procedure, history: readonly StepVisit[]): NextStep {
  const ladder = new Set(p.escalation ?? []);
  for (let i = history.length - 1; i >= 0; i--) {
    const v = history[i]!;
    if (ladder.has(v.step)) continue;
    const step = findStep(p, v.step);
    if (step) return { kind: 'send-back', step, agent: v.agent };
  }
  return { kind: 'none', reason: 'no earlier step to send the case back to' };
}
