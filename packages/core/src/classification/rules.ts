import { Environment } from '@marcbachmann/cel-js';
import type { SkillRequirement } from '../model.js';
import { regexHazard } from './regex-safety.js';

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
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/**
 * What bounds an expression's time beyond its length: a macro inside another macro's body multiplies
 * the sizes of lists (`xs.all(a, xs.all(b, ...))` on 100,000 items, or six nested `map`s over
 * 10-item literals, run for minutes), and `matches` must get a literal pattern that cannot backtrack
 * for long (see regexHazard). Returns what is wrong, or null.
 */
function costHazard(node: unknown, inMacro = false): string | null {
  if (!node || typeof node !== 'object') return null;
  if (Array.isArray(node)) {
    for (const x of node) {
      const bad = costHazard(x, inMacro);
      if (bad) return bad;
    }
    return null;
  }
  const { op, args } = node as { op?: string; args?: unknown };
  if (op === 'rcall' || op === 'call') {
    const [name, ...rest] = args as [string, ...unknown[]];
    const receiver = op === 'rcall' ? rest[0] : undefined;
    const list = (op === 'rcall' ? rest[1] : rest[0]) as unknown[];
    if (op === 'rcall' && MACROS.has(name)) {
      if (inMacro) return `${name}() inside another macro's body is not allowed (its time would grow with the product of the lists)`;
      return costHazard(receiver, inMacro) ?? costHazard(list, true);
    }
    if (name === 'matches') {
      const pattern = (op === 'rcall' ? list[0] : list[1]) as { op?: string; args?: unknown } | undefined;
      if (pattern?.op !== 'value' || typeof pattern.args !== 'string') return 'matches() needs a literal pattern';
      const bad = regexHazard(pattern.args);
      if (bad) return `matches(): ${bad}`;
    }
    return costHazard(receiver, inMacro) ?? costHazard(list, inMacro);
  }
  if (args && typeof args === 'object') return costHazard(args, inMacro);
  return null;
}

/** Parses and type-checks a rule expression; returns an error message or null when valid. */
export function validateRuleExpression(expression: string): string | null {
  if (expression.length > MAX_EXPRESSION_LENGTH) return `expression longer than ${MAX_EXPRESSION_LENGTH} characters`;
  try {
    const compiled = env.parse(expression);
    const check = compiled.check();
    if (!check.valid) return check.error?.message ?? 'invalid expression';
    if (check.type !== 'bool' && check.type !== 'dyn') return `expression must be a boolean, not ${check.type}`;
    return costHazard(compiled.ast);
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'invalid expression';
  }
}

/** Like validateRuleExpression, for expressions that compute a number (`priorityFrom`). */
export function validateNumberExpression(expression: string): string | null {
  if (expression.length > MAX_EXPRESSION_LENGTH) return `expression longer than ${MAX_EXPRESSION_LENGTH} characters`;
  try {
    const compiled = env.parse(expression);
    const check = compiled.check();
    if (!check.valid) return check.error?.message ?? 'invalid expression';
    if (!['int', 'uint', 'double', 'dyn'].includes(check.type ?? '')) return `expression must be a number, not ${check.type}`;
    return costHazard(compiled.ast);
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'invalid expression';
  }
}

/**
 * CEL tells maps from other objects by their `constructor`: data with an own `constructor` key
 * (`{"constructor": {}}` in a task's attributes) made every rule reading it fail, so a source system
 * could dodge the rules. Such objects are given to CEL as Maps; everything else as it is (no copy).
 */
export function celSafe(v: unknown, depth = 0): unknown {
  if (depth > 200 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = celSafe(v[i], depth + 1);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v; // Maps, Dates, typed arrays: CEL knows them
  const own = Object.prototype.hasOwnProperty.call(v, 'constructor');
  let changed: Record<string, unknown> | null = null;
  for (const [k, x] of Object.entries(v)) {
    const y = celSafe(x, depth + 1);
    if (y !== x) (changed ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  const obj = (changed ?? v) as Record<string, unknown>;
  return own ? new Map(Object.entries(obj)) : obj;
}

/** Evaluates a numeric expression; null when it errors or is not a finite number. */
export function evaluateNumber(expression: string, task: Record<string, unknown>): number | null {
  return numberOf(expression, celSafe(task));
}

function numberOf(expression: string, task: unknown): number | null {
  try {
    const v = withBudget(() => compile(expression)({ task }));
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
    budgetMacros(c.ast);
    if (cache.size > 10_000) cache.clear();
    cache.set(expression, c);
  }
  return c;
}

/**
 * The time one evaluation may take. Save-time checks keep macros from nesting, but one macro whose
 * body is linear in the data (`xs.map(a, xs + [a])`, `xs.exists(a, a in xs)`, `s.contains(...)` in
 * the body) is still quadratic on huge attributes: 3,000 items take seconds, 100,000 would take hours
 * and gigabytes. Every macro iteration checks the clock; past the budget the rule errors (it does
 * not match, and its trace says why) and capture goes on.
 */
export const RULE_EVALUATION_BUDGET_MS = 250;
let deadline = Number.POSITIVE_INFINITY;
let iterations = 0;
let expired = false;
const overBudget = new Error(`evaluation took longer than ${RULE_EVALUATION_BUDGET_MS} ms (too much data for this expression)`);

function withBudget<T>(run: () => T): T {
  deadline = performance.now() + RULE_EVALUATION_BUDGET_MS;
  iterations = 0;
  expired = false;
  try {
    return run();
  } finally {
    deadline = Number.POSITIVE_INFINITY;
  }
}

interface Node {
  op: string;
  args: unknown;
  meta: { alternate?: Node };
  maybeAsync: boolean;
  clone(op: { name: string; check: unknown; evaluate: unknown }, args: unknown): Node & { setMeta(k: string, v: unknown): Node };
}
const isNode = (x: unknown): x is Node => !!x && typeof x === 'object' && 'op' in x && 'meta' in x && typeof (x as Node).clone === 'function';

/** Wraps the body (step) of every macro of a parsed expression so that each iteration checks the deadline. */
function budgetMacros(node: unknown, depth = 0): void {
  if (depth > 500) return;
  if (Array.isArray(node)) {
    for (const x of node) budgetMacros(x, depth + 1);
    return;
  }
  if (!isNode(node)) return;
  if (node.meta.alternate) budgetMacros(node.meta.alternate, depth + 1);
  if (node.op !== 'comprehension') return budgetMacros(node.args, depth + 1);
  const args = node.args as { iterable: unknown; init: unknown; step: Node };
  budgetMacros([args.iterable, args.init, args.step], depth + 1);
  const step = args.step;
  const guarded = step.clone(
    {
      name: 'budget',
      check: (chk: { check(n: Node, ctx: unknown): unknown }, _ast: Node, ctx: unknown) => chk.check(step, ctx),
      evaluate: (ev: { run(n: Node, ctx: unknown): unknown }, _ast: Node, ctx: unknown) => {
        // The same error object every time: the quantifiers (exists, all) collect errors and go on.
        if (expired || ((++iterations & 7) === 0 && (expired = performance.now() > deadline))) throw overBudget;
        return ev.run(step, ctx);
      },
    },
    step,
  );
  guarded.setMeta('async', step.maybeAsync);
  args.step = guarded;
}

/** Evaluates one rule. A rule that errors (e.g. a missing attribute) does not match. */
export function evaluateRule(expression: string, task: Record<string, unknown>): { matched: boolean; error?: string } {
  return ruleOf(expression, celSafe(task));
}

function ruleOf(expression: string, task: unknown): { matched: boolean; error?: string } {
  try {
    const v = withBudget(() => compile(expression)({ task }));
    return { matched: v === true };
  } catch (err) {
    return { matched: false, error: (err as Error).message.split('\n')[0] };
  }
}

/** Applies the enabled rules in order; later matches override earlier ones field by field. */
export function classify(rules: readonly ClassificationRule[], task: Record<string, unknown>): Classification {
  const result: Classification = { trace: [] };
  const safe = celSafe(task);
  for (const rule of [...rules].sort((a, b) => a.position - b.position)) {
    if (rule.enabled === false) continue;
    const { matched, error } = ruleOf(rule.when, safe);
    result.trace.push(error ? { rule: rule.id, matched, error } : { rule: rule.id, matched });
    if (!matched) continue;
    const { priorityFrom, ...set } = rule.set;
    Object.assign(result, set);
    if (priorityFrom !== undefined) {
      const n = numberOf(priorityFrom, safe);
      if (n === null) result.trace[result.trace.length - 1]!.error = `priorityFrom did not give a number`;
      else result.priority = Math.min(1000, Math.max(0, Math.round(n * 100) / 100));
    }
  }
  return result;
}
