import { Metrics, type Fact } from './facts.js';
import type { Column, Dimension, ReportDefinition, Values } from './definitions.js';
import { percent, percentile } from './math.js';

/** One case's resolution time, for percentiles (kept per case: a month is a few ten thousand rows). */
export interface Duration {
  bucket: number;
  caseType: string;
  seconds: number;
}

export type Row = { bucket: string | null } & Record<string, string | number | null>;

export interface BuiltReport {
  columns: Column[];
  rows: Row[];
  total: Row;
}

const DIM_LABEL: Record<Dimension, string> = { queue: 'Queue', agent: 'Agent', caseType: 'Case type', code: 'Wrap-up code' };
const dimValue = (f: Fact, d: Dimension) => (d === 'code' ? f.code || '-' : f[d]);

/** Columns of the table: bucket, each grouping (id and name), then the report's figures. */
export function reportColumns(def: ReportDefinition): Column[] {
  return [
    { key: 'bucket', label: 'Period start', kind: 'text' },
    ...def.groupBy.flatMap((d): Column[] => (d === 'code' ? [{ key: d, label: DIM_LABEL[d], kind: 'text' }] : [{ key: d, label: `${DIM_LABEL[d]} id`, kind: 'text' }, { key: `${d}Name`, label: DIM_LABEL[d], kind: 'text' }])),
    ...def.columns,
  ];
}

/**
 * Folds facts into report rows: one per bucket and grouping, ordered by bucket then names, plus a
 * total over everything (so counts of the rows always add up to the total). Facts without the
 * grouping (e.g. a task outside any case in a per-case-type report) are left out.
 */
export function buildReport(def: ReportDefinition, facts: readonly Fact[], durations: readonly Duration[], name: (d: Dimension, id: string) => string): BuiltReport {
  const groups = new Map<string, { bucket: number; keys: string[]; m: Metrics }>();
  const total = new Metrics();
  for (const f of facts) {
    if (!def.metrics.includes(f.metric)) continue;
    const keys = def.groupBy.map((d) => dimValue(f, d));
    if (keys.some((k) => k === '')) continue;
    const id = `${f.bucket}\u0000${keys.join('\u0000')}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { bucket: f.bucket, keys, m: new Metrics() }));
    g.m.add(f);
    total.add(f);
  }
  // Durations by bucket and case type once, not filtered again for every row.
  const byKey = new Map<string, number[]>();
  if (def.durations)
    for (const d of durations) {
      const k = `${d.bucket}\u0000${d.caseType}`;
      const list = byKey.get(k);
      if (list) list.push(d.seconds);
      else byKey.set(k, [d.seconds]);
    }
  const p90Of = (pick: (d: Duration) => boolean) => (def.durations ? percentile(durations.filter(pick).map((d) => d.seconds), 0.9) : null);
  const p90At = (bucket: number, caseType: string) => (def.durations ? percentile(byKey.get(`${bucket}\u0000${caseType}`) ?? [], 0.9) : null);
  const rows: Row[] = [...groups.values()].map((g) => {
    const row: Row = { bucket: new Date(g.bucket).toISOString() };
    def.groupBy.forEach((d, i) => {
      row[d] = g.keys[i]!;
      if (d !== 'code') row[`${d}Name`] = name(d, g.keys[i]!);
    });
    const ct = def.groupBy.indexOf('caseType');
    Object.assign(row, def.values(g.m, ct < 0 ? p90Of((d) => d.bucket === g.bucket) : p90At(g.bucket, g.keys[ct]!)));
    return row;
  });
  // Sort keys once (bucket, then the names): comparing with localeCompare per pair costs more than the rest.
  const sortKey = new Map(rows.map((r) => [r, [r.bucket!, ...def.groupBy.map((d) => String(r[d !== 'code' ? `${d}Name` : d]).toLowerCase())].join('\u0000')]));
  rows.sort((a, b) => {
    const x = sortKey.get(a)!;
    const y = sortKey.get(b)!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  if (def.name === 'wrap-ups') shareOfQueue(rows);
  const totalRow: Row = { bucket: null, ...def.values(total, p90Of((d) => d.caseType !== '')) };
  if (def.name === 'wrap-ups') totalRow.percentOfQueue = rows.length ? 100 : null;
  return { columns: reportColumns(def), rows, total: totalRow };
}

function shareOfQueue(rows: Row[]): void {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(`${r.bucket}|${r.queue}`, (sums.get(`${r.bucket}|${r.queue}`) ?? 0) + Number(r.completed));
  for (const r of rows) r.percentOfQueue = percent(Number(r.completed), sums.get(`${r.bucket}|${r.queue}`) ?? 0);
}

export type { Values };
