import { Environment } from '@marcbachmann/cel-js';
import type { SkillRequirement } from '../model.js';

/** What a classification rule may set on a task. Later rules override earlier ones field by field. */
export interface RuleActions {
  queue?: string;
  priority?: number;
  /** Priority computed from the task: a numeric CEL expression (e.g. `task.attributes.value / 1000`), clamped to 0..1000. */
  priorityFrom?: string;
  skills?: SkillRequirement[];
  language?: string;
  /** Due time as an offset from capture, in minutes: calendar time, or open time on `dueCalendar`. */
  dueInMinutes?: number;
  /** Count `dueInMinutes` in open-office time on this calendar (id). */
  dueCalendar?: string;
}

export interface ClassificationRule {
  id: string;
  name: string;
  /** CEL expression over `task` (worktype, source, title, attributes, priority, customer...). */
  when: string;
  set: RuleActions;
  /** Evaluation order (asc). */
  position: number;
  enabled?: boolean;
}

export interface RuleTrace {
  rule: string;
  matched: boolean;
  error?: string;
}

export interface Classification extends RuleActions {
  trace: RuleTrace[];
}

// One typed environment: only `task` is visible to expressions. CEL has no I/O, no loops
// beyond bounded macros, and no access to the host: nothing here reaches the process.
const env = new Environment({ unlistedVariablesAreDyn: false }).registerVariable('task', 'map');

type Compiled = ReturnType<typeof env.parse>;
const cache = new Map<string, Compiled>();
const MAX_EXPRESSION_LENGTH = 4_000;

/** Parses and type-checks a rule expression; returns an error message or null when valid. */
export function validateRuleExpression(expression: string): string | null {
  if (expression.length > MAX_EXPRESSION_LENGTH) return `expression longer than ${MAX_EXPRESSION_LENGTH} characters`;
  try {
    const compiled = env.parse(expression);
    const check = compiled.check();
    if (!check.valid) return check.error?.message ?? 'invalid expression';
    if (check.type !== 'bool' && check.type !== 'dyn') return `expression must be a boolean, not ${check.type}`;
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'invalid expression';
  }
}

/** Like validateRuleExpression, for expressions that compute a number (`priorityFrom`). */
export function validateNumberExpression(expression: string): string | null {
  if (expression.length > MAX_EXPRESSION_LENGTH) return `expression longer than ${MAX_EXPRESSION_LENGTH} characters`;
  try {
    const check = env.parse(expression).check();
    if (!check.valid) return check.error?.message ?? 'invalid expression';
    if (!['int', 'uint', 'double', 'dyn'].includes(check.type ?? '')) return `expression must be a number, not ${check.type}`;
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'invalid expression';
  }
}

/** Evaluates a numeric expression; null when it errors or is not a finite number. */
export function evaluateNumber(expression: string, task: Record<string, unknown>): number | null {
  try {
    const v = compile(expression)({ task });
    const n = typeof v === 'bigint' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

function compile(expression: string): Compiled {
  let c = cache.get(expression);
  if (!c) {
    c = env.parse(expression);
    if (cache.size > 10_000) cache.clear();
    cache.set(expression, c);
  }
  return c;
}

/** Evaluates one rule. A rule that errors (e.g. a missing attribute) does not match. */
export function evaluateRule(expression: string, task: Record<string, unknown>): { matched: boolean; error?: string } {
  try {
    const v = compile(expression)({ task });
    return { matched: v === true };
  } catch (err) {
    return { matched: false, error: (err as Error).message.split('\n')[0] };
  }
}

/** Applies the enabled rules in order; later matches override earlier ones field by field. */
export function classify(rules: readonly ClassificationRule[], task: Record<string, unknown>): Classification {
  const result: Classification = { trace: [] };
  for (const rule of [...rules].sort((a, b) => a.position - b.position)) {
    if (rule.enabled === false) continue;
    const { matched, error } = evaluateRule(rule.when, task);
    result.trace.push(error ? { rule: rule.id, matched, error } : { rule: rule.id, matched });
    if (!matched) continue;
    const { priorityFrom, ...set } = rule.set;
    Object.assign(result, set);
    if (priorityFrom !== undefined) {
      const n = evaluateNumber(priorityFrom, task);
      if (n === null) result.trace[result.trace.length - 1]!.error = `priorityFrom did not give a number`;
      else result.priority = Math.min(1000, Math.max(0, Math.round(n * 100) / 100));
    }
  }
  return result;
}
