// The reliability report, shared by the crash/overload tests and the fuzz/authz tests.
//
// Each test file records one or more sections ("what it tried" as counters, "what held" as named
// checks with the figure behind them). A section is written to `.tmp/reliability/<name>.json`, so
// vitest workers and the `npm run reliability` runner (`run.ts`) can read all of them afterwards
// and print one report. Inside `npm test` the sections are written too; nothing prints them unless
// a test calls `printSection`.
//
//   const r = new ReportSection('crash', 'server killed with SIGKILL under load');
//   r.tried('kills', 3); r.add('requests sent', 1200);
//   r.held('lost acknowledged captures', lost, lost === 0);   // value + whether it held
//   r.save();
//
// Long versions: `reliabilityLevel()` is 'long' under `npm run reliability` (env RELIABILITY=long),
// 'short' in `npm test`. Counts are read with `envInt('WORKLANE_CRASH_CYCLES', short, long)`.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPORT_DIR = resolve(import.meta.dirname, '../../../../.tmp/reliability');

export type Level = 'short' | 'long';

/** 'long' under `npm run reliability` (RELIABILITY=long), otherwise 'short' (inside `npm test`). */
export function reliabilityLevel(): Level {
  return process.env.RELIABILITY === 'long' ? 'long' : 'short';
}

/** A count from the environment, else the short or long default. */
export function envInt(name: string, short: number, long: number): number {
  const v = process.env[name];
  if (v !== undefined && v !== '' && Number.isFinite(Number(v))) return Number(v);
  return reliabilityLevel() === 'long' ? long : short;
}

export interface Check {
  /** What must hold, e.g. "lost acknowledged captures". */
  name: string;
  /** The measured figure (0 for "lost = 0"), or a short text. */
  value: number | string;
  ok: boolean;
  /** Optional explanation shown when it did not hold. */
  detail?: string;
}

export interface SectionData {
  name: string;
  title: string;
  level: Level;
  startedAt: string;
  durationMs: number;
  /** What was tried: counters in insertion order. */
  tried: [string, number | string][];
  /** What held (or not). */
  checks: Check[];
  /** Free notes (e.g. "PostgreSQL restart skipped: ..."). */
  notes: string[];
}

export class ReportSection {
  private readonly started = Date.now();
  private readonly counters = new Map<string, number | string>();
  private readonly checkList: Check[] = [];
  private readonly noteList: string[] = [];

  constructor(
    readonly name: string,
    readonly title: string,
  ) {}

  /** Sets a counter of what was tried. */
  tried(label: string, value: number | string): this {
    this.counters.set(label, value);
    return this;
  }

  /** Adds to a numeric counter. */
  add(label: string, by = 1): this {
    const v = this.counters.get(label);
    this.counters.set(label, (typeof v === 'number' ? v : 0) + by);
    return this;
  }

  count(label: string): number {
    const v = this.counters.get(label);
    return typeof v === 'number' ? v : 0;
  }

  /** Records a check; for "lost = 0" style checks pass the figure and whether it is acceptable. */
  held(name: string, value: number | string, ok: boolean, detail?: string): this {
    const existing = this.checkList.find((c) => c.name === name);
    if (existing && typeof existing.value === 'number' && typeof value === 'number') {
      // The same check measured again (e.g. after every restart): keep the sum and the worst outcome.
      existing.value += value;
      existing.ok &&= ok;
      if (!ok && detail) existing.detail = detail;
    } else this.checkList.push({ name, value, ok, ...(detail ? { detail } : {}) });
    return this;
  }

  note(text: string): this {
    this.noteList.push(text);
    return this;
  }

  get failed(): Check[] {
    return this.checkList.filter((c) => !c.ok);
  }

  data(): SectionData {
    return {
      name: this.name,
      title: this.title,
      level: reliabilityLevel(),
      startedAt: new Date(this.started).toISOString(),
      durationMs: Date.now() - this.started,
      tried: [...this.counters],
      checks: this.checkList.map((c) => ({ ...c })),
      notes: [...this.noteList],
    };
  }

  /** Writes the section for the runner (`.tmp/reliability/<name>.json`). */
  save(): SectionData {
    const d = this.data();
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(join(REPORT_DIR, `${safe(this.name)}.json`), JSON.stringify(d, null, 2));
    return d;
  }
}

function safe(name: string): string {
  return name.replace(/[^a-z0-9._-]+/gi, '-');
}

/** Forgets earlier sections (the runner does this before a run). */
export function clearReport(): void {
  rmSync(REPORT_DIR, { recursive: true, force: true });
}

/** Every saved section, by name. */
export function readSections(): SectionData[] {
  let files: string[] = [];
  try {
    files = readdirSync(REPORT_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().map((f) => JSON.parse(readFileSync(join(REPORT_DIR, f), 'utf8')) as SectionData);
}

function fmt(v: number | string): string {
  return typeof v === 'number' ? v.toLocaleString('en-US') : v;
}

export function formatSection(s: SectionData): string {
  const lines = [`── ${s.name}: ${s.title} (${s.level}, ${(s.durationMs / 1000).toFixed(1)} s)`];
  if (s.tried.length) lines.push('   tried:  ' + s.tried.map(([k, v]) => `${k} ${fmt(v)}`).join(', '));
  for (const c of s.checks) lines.push(`   ${c.ok ? 'held' : 'FAILED'}    ${c.name} = ${fmt(c.value)}${!c.ok && c.detail ? `  (${c.detail})` : ''}`);
  for (const n of s.notes) lines.push(`   note:   ${n}`);
  return lines.join('\n');
}

/** The whole report; `ok` is false when any check of any section failed. */
export function formatReport(sections: SectionData[]): { text: string; ok: boolean } {
  const failed = sections.flatMap((s) => s.checks.filter((c) => !c.ok).map((c) => `${s.name}: ${c.name}`));
  const checks = sections.reduce((n, s) => n + s.checks.length, 0);
  const text = [
    '══ Worklane reliability report',
    ...sections.map(formatSection),
    `══ ${sections.length} sections, ${checks} checks: ${failed.length ? `${failed.length} FAILED (${failed.join('; ')})` : 'all held'}`,
  ].join('\n');
  return { text, ok: failed.length === 0 };
}

export function printSection(s: ReportSection | SectionData): void {
  console.log(formatSection(s instanceof ReportSection ? s.data() : s));
}
