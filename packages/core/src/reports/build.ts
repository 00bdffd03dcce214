import { Metrics, type Fact } from './facts.js';
import type { Column, Dimension, ReportDefinition, Values } from './definitions.js';
import { percent, percentile } from './math.js';

/** One case's resolution time, for percentiles (kept per case: a month is a few ten thousand rows). */
export interface Duration {
  bucket: number;
  caseType: string;
  seconds: number;
}

/**
 * The same p90s (nearest rank) computed where the durations are: by bucket and case type
 * (`${bucket}\u0000${caseType}`), by bucket, and over every duration with a case type. A month at
 * the size is 200,000 cases: shipping each to compute three percentiles cost more than the report.
 */
export interface DurationPercentiles {
  byBucketAndType: ReadonlyMap<string, number>;
  byBucket: ReadonlyMap<number, number>;
  total: number | null;
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
export function buildReport(def: ReportDefinition, facts: readonly Fact[], durations: DurationPercentiles, name: (d: Dimension, id: string) => string): BuiltReport {
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
  const p = def.durations ? durations : null;
  const p90Of = (bucket: number) => p?.byBucket.get(bucket) ?? null;
  const p90At = (bucket: number, caseType: string) => p?.byBucketAndType.get(`${bucket}\u0000${caseType}`) ?? null;
  const rows: Row[] = [...groups.values()].map((g) => {
    const row: Row = { bucket: new Date(g.bucket).toISOString() };
    def.groupBy.forEach((d, i) => {
      row[d] = g.keys[i]!;
      if (d !== 'code') row[`${d}Name`] = name(d, g.keys[i]!);
    });
    const ct = def.groupBy.indexOf('caseType');
    Object.assign(row, def.values(g.m, ct < 0 ? p90Of(g.bucket) : p90At(g.bucket, g.keys[ct]!)));
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
  const totalRow: Row = { bucket: null, ...def.values(total, p?.total ?? null) };
  if (def.name === 'wrap-ups') totalRow.percentOfQueue = rows.length ? 100 : null;
  return { columns: reportColumns(def), rows, total: totalRow };
}

/** The p90s buildReport needs, from the durations one by one (the database computes the same: reports/query.ts). */
export function percentilesOf(durations: readonly Duration[]): DurationPercentiles {
  const byKey = new Map<string, number[]>();
  const byBucket = new Map<number, number[]>();
  const typed: number[] = [];
  const add = <K>(m: Map<K, number[]>, k: K, v: number) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const d of durations) {
    add(byKey, `${d.bucket}\u0000${d.caseType}`, d.seconds);
    add(byBucket, d.bucket, d.seconds);
    if (d.caseType !== '') typed.push(d.seconds);
  }
  const p90 = <K>(m: Map<K, number[]>) => new Map([...m].map(([k, v]) => [k, percentile(v, 0.9)!]));
  return { byBucketAndType: p90(byKey), byBucket: p90(byBucket), total: percentile(typed, 0.9) };
}

function shareOfQueue(rows: Row[]): void {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(`${r.bucket}|${r.queue}`, (sums.get(`${r.bucket}|${r.queue}`) ?? 0) + Number(r.completed));
  for (const r of rows) r.percentOfQueue = percent(Number(r.completed), sums.get(`${r.bucket}|${r.queue}`) ?? 0);
}

export type { Values };
