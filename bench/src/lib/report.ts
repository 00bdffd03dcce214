import { median, round } from './util.js';

export interface Target {
  op: '>=' | '<=';
  value: number;
}

/** One line of a scenario's table. */
export interface RowSpec {
  key: string;
  label: string;
  unit: string;
  target?: Target;
  /** Shown instead of a measurement: the feature the row needs does not exist yet (always MISS). */
  notBuilt?: string;
}

export interface RowResult extends RowSpec {
  median: number | null;
  runs: (number | null)[];
  result: 'PASS' | 'MISS' | 'info';
}

export interface ScenarioResult {
  name: string;
  title: string;
  setup: string;
  rows: RowResult[];
  notes: string[];
  seconds: number;
}

export function summarize(rows: RowSpec[], runs: Record<string, number>[]): RowResult[] {
  return rows.map((spec) => {
    if (spec.notBuilt) return { ...spec, median: null, runs: [], result: 'MISS' };
    const values = runs.map((r) => (r[spec.key] === undefined || !Number.isFinite(r[spec.key]) ? null : r[spec.key]!));
    const present = values.filter((v): v is number => v !== null);
    const m = present.length ? median(present) : null;
    const result = !spec.target ? 'info' : m === null ? 'MISS' : (spec.target.op === '>=' ? m >= spec.target.value : m <= spec.target.value) ? 'PASS' : 'MISS';
    return { ...spec, median: m, runs: values, result };
  });
}

export function fmt(n: number | null, unit = ''): string {
  if (n === null || !Number.isFinite(n)) return '—';
  const digits = unit === '×' || Math.abs(n) < 10 ? (Math.abs(n) < 1 ? 2 : 1) : 0;
  return round(n, digits).toLocaleString('en-US');
}

const targetText = (r: RowSpec) => (r.target ? `${r.target.op === '>=' ? '≥' : '≤'} ${fmt(r.target.value, r.unit)}${r.unit === '×' ? '×' : ''}` : '');

/** The table printed for one scenario (also used as the README's table). */
export function table(s: ScenarioResult): string {
  const head = ['metric', 'median', 'unit', 'runs', 'target', 'result'];
  const body = s.rows.map((r) => [
    r.label,
    r.notBuilt ? 'not built yet' : fmt(r.median, r.unit),
    r.unit,
    r.notBuilt ? r.notBuilt : r.runs.map((v) => fmt(v, r.unit)).join(' / '),
    targetText(r),
    r.result === 'info' ? '' : r.result,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [
    `### ${s.name} — ${s.title}`,
    '',
    s.setup,
    '',
    line(head),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...body.map(line),
    ...(s.notes.length ? ['', ...s.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

const withUnit = (v: string, unit: string) => (unit === '×' ? `${v}×` : unit ? `${v} ${unit}` : v);

/** One line per target across all scenarios: what the README shows. */
export function summaryTable(scenarios: ScenarioResult[]): string {
  const lines = ['| scenario | measure | median | target | result |', '|---|---|---|---|---|'];
  for (const s of scenarios)
    for (const r of s.rows)
      if (r.target)
        lines.push(`| ${s.name} | ${r.label} | ${r.notBuilt ? 'not built yet' : withUnit(fmt(r.median, r.unit), r.unit)} | ${r.unit === '×' ? targetText(r) : withUnit(targetText(r), r.unit)} | ${r.result} |`);
  return lines.join('\n');
}
