import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, API_BASE } from '../api/client';

export type Filter = 'queue' | 'team' | 'agent' | 'caseType';
export type Interval = 'hour' | 'day' | 'week' | 'month' | 'total';

export interface ReportColumn {
  key: string;
  label: string;
  /** `score`: a mean of ratings (1 to 5), two decimals. */
  kind: 'text' | 'count' | 'seconds' | 'percent' | 'score';
  chart?: boolean;
}

export interface ReportInfo {
  name: string;
  title: string;
  description: string;
  filters: Filter[];
  intervals: Interval[];
  columns: ReportColumn[];
}

export interface ReportCatalog {
  items: ReportInfo[];
  filterValues: Record<Filter, { id: string; name: string }[]>;
  /** The server's reporting time zone (days there are pre-aggregated). */
  timeZone: string;
}

export type ReportRow = Record<string, string | number | null>;

export interface ReportResult {
  report: string;
  from: string;
  to: string;
  interval: Interval;
  timeZone: string;
  buckets: string[];
  columns: ReportColumn[];
  rows: ReportRow[];
  total: ReportRow;
}

export interface ReportParams {
  name: string;
  from: string;
  to: string;
  interval: Interval;
  tz: string;
  filters: Partial<Record<Filter, string>>;
}

export function useReportCatalog() {
  return useQuery({ queryKey: ['reports', 'catalog'], queryFn: () => api<ReportCatalog>('/reports'), staleTime: 60_000 });
}

export function reportQuery(p: ReportParams, format?: 'csv'): string {
  const q = new URLSearchParams({ from: p.from, to: p.to, interval: p.interval, tz: p.tz });
  for (const [k, v] of Object.entries(p.filters)) if (v) q.set(k, v);
  if (format) q.set('format', format);
  return `/reports/${encodeURIComponent(p.name)}?${q.toString()}`;
}

export const csvUrl = (p: ReportParams) => `${API_BASE}${reportQuery(p, 'csv')}`;

export function useReport(p: ReportParams | null) {
  return useQuery({
    queryKey: ['reports', 'run', p],
    queryFn: () => api<ReportResult>(reportQuery(p!)),
    enabled: p !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });
}
