import type { Interval, ReportColumn } from './data';

/** 3725 → "1 h 02 min"; under a minute in seconds. */
export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${String(m % 60).padStart(2, '0')} min` : `${Math.round(h / 24)} d ${h % 24} h`;
}

export function formatCell(c: ReportColumn, v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  if (c.kind === 'seconds') return formatSeconds(Number(v));
  if (c.kind === 'percent') return `${Number(v).toFixed(1)} %`;
  if (c.kind === 'count') return Number(v).toLocaleString();
  if (c.kind === 'score') return Number(v).toFixed(2);
  return String(v);
}

/** A bucket's label in the report's time zone: "Jun 1, 14:00" for hours, the date otherwise. */
export function bucketLabel(iso: string, interval: Interval, timeZone: string): string {
  const d = new Date(iso);
  if (interval === 'hour') return d.toLocaleString(undefined, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  if (interval === 'month') return d.toLocaleDateString(undefined, { timeZone, year: 'numeric', month: 'short' });
  return d.toLocaleDateString(undefined, { timeZone, year: 'numeric', month: 'short', day: 'numeric' });
}

/** yyyy-mm-dd of a date in the browser's time zone (what <input type="date"> holds). */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
