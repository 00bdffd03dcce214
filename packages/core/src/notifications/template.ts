import { Liquid, type Template } from 'liquidjs';
import { isValidZone } from '../calendar/zone.js';

/**
 * Notification templates in Liquid. Liquid runs no JavaScript, but a template is still untrusted
 * input typed by an administrator or supervisor, so the engine is locked down:
 * - no file access: `include`, `render`, `layout` and `block` are removed (a parse error), and
 *   lookups go to an empty in-memory map;
 * - unknown filters are errors (`strictFilters`), unknown variables render empty;
 * - own properties only (no `constructor`, `__proto__`);
 * - bounded input (parse limit), render time, allocations (ranges, appends, joins) and output.
 */
export const TEMPLATE_LIMITS = {
  /** Characters of template text. Also bounds nesting depth well below the parser's stack. */
  maxLength: 20_000,
  /** Wall-clock budget of one render; checked between nodes, so a loop cannot run on. */
  renderMs: 100,
  /** liquidjs allocation units (range sizes, string growth by filters). */
  memory: 1_000_000,
  /** Characters of rendered output. */
  maxOutput: 100_000,
} as const;

export interface TemplateProblem {
  message: string;
  /** 1-based position in the template text, when the engine knows it. */
  line: number | null;
  col: number | null;
}

export interface RenderOptions {
  /** IANA time zone for the `date` filter (default UTC). */
  timeZone?: string;
  /** Locale of the `date` filter's names of days and months (default en-US). */
  locale?: string;
  /** Output cap in characters (default TEMPLATE_LIMITS.maxOutput). */
  maxOutput?: number;
}

export type RenderResult = { ok: true; text: string } | { ok: false; error: TemplateProblem };

const FILE_TAGS = ['include', 'render', 'layout', 'block'];
const MAX_ENGINES = 32;
const MAX_PARSED = 200;

interface Engine {
  liquid: Liquid;
  parsed: Map<string, Template[]>;
}
const engines = new Map<string, Engine>();

/** One engine per (zone, locale): liquidjs takes the zone as an engine option. Bounded caches. */
function engine(timeZone = 'UTC', locale = 'en-US'): Engine {
  const zone = isValidZone(timeZone) ? timeZone : 'UTC';
  const key = `${zone}|${locale}`;
  let e = engines.get(key);
  if (e) return e;
  const liquid = new Liquid({
    templates: {},
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    timezoneOffset: zone,
    locale,
    parseLimit: TEMPLATE_LIMITS.maxLength,
    renderLimit: TEMPLATE_LIMITS.renderMs,
    memoryLimit: TEMPLATE_LIMITS.memory,
  });
  for (const tag of FILE_TAGS) delete (liquid.tags as Record<string, unknown>)[tag];
  if (engines.size >= MAX_ENGINES) engines.delete(engines.keys().next().value!);
  engines.set(key, (e = { liquid, parsed: new Map() }));
  return e;
}

function parse(e: Engine, text: string): Template[] {
  if (text.length > TEMPLATE_LIMITS.maxLength) throw new TemplateTooLong(text.length);
  let tpl = e.parsed.get(text);
  if (tpl) return tpl;
  tpl = e.liquid.parse(text);
  if (e.parsed.size >= MAX_PARSED) e.parsed.delete(e.parsed.keys().next().value!);
  e.parsed.set(text, tpl);
  return tpl;
}

class TemplateTooLong extends Error {
  constructor(length: number) {
    super(`template is ${length} characters long; at most ${TEMPLATE_LIMITS.maxLength} are allowed`);
  }
}

/** A liquidjs error (or a stack overflow on absurd nesting) as a message with its position. */
export function templateProblem(err: unknown): TemplateProblem {
  const e = err as Error & { token?: { getPosition?: () => [number, number] } };
  if (e instanceof RangeError) return { message: 'template is nested too deeply', line: null, col: null };
  const pos = typeof e.token?.getPosition === 'function' ? e.token.getPosition() : null;
  // liquidjs appends ", line:L, col:C" to its messages; the position is reported in fields instead.
  const message = String(e.message ?? err).replace(/, line:\d+, col:\d+$/, '').replace(/^Maximum call stack size exceeded$/, 'template is nested too deeply');
  return { message: message.slice(0, 500), line: pos?.[0] ?? null, col: pos?.[1] ?? null };
}

/** Parses a template; null when it is valid, else what is wrong and where. */
export function validateTemplate(text: string): TemplateProblem | null {
  try {
    parse(engine(), text);
    return null;
  } catch (err) {
    return templateProblem(err);
  }
}

/** Renders with the limits above; never throws. */
export function renderTemplate(text: string, vars: Record<string, unknown>, opts: RenderOptions = {}): RenderResult {
  const e = engine(opts.timeZone, opts.locale);
  const max = opts.maxOutput ?? TEMPLATE_LIMITS.maxOutput;
  try {
    const out = String(e.liquid.renderSync(parse(e, text), vars));
    if (out.length > max) return { ok: false, error: { message: `output is longer than ${max} characters`, line: null, col: null } };
    return { ok: true, text: out };
  } catch (err) {
    return { ok: false, error: templateProblem(err) };
  }
}

/** Top-level variable names a template reads (for "unknown variable" hints); [] when it does not parse. */
export function templateVariables(text: string): string[] {
  try {
    const e = engine();
    return [...new Set(e.liquid.globalVariablesSync(parse(e, text)))].sort();
  } catch {
    return [];
  }
}
