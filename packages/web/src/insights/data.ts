import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';

export type KpiKey = 'serviceLevelPercent' | 'abandonedPercent' | 'averageWaitSeconds' | 'satisfactionPercent' | 'qualityPercent' | 'averageHandleSeconds' | 'ronaPercent' | 'notReadyPercent';
export type InsightInterval = 'hour' | 'day' | 'week' | 'month';

export interface KpiInfo {
  key: KpiKey;
  label: string;
  subject: 'queue' | 'agent';
  unit: 'percent' | 'seconds';
  better: 'higher' | 'lower';
  description: string;
}

export interface KpiReading {
  value: number | null;
  basis: number;
  goal: { goal: number; from: 'queue' | 'team' | 'default' } | null;
  status: 'met' | 'missed' | 'no-goal' | 'no-data';
  series: (number | null)[];
  anomalies: number[];
  usual: number | null;
  outlier?: { peersUsual: number; score: number };
}

export interface SubjectInsight {
  id: string;
  name: string;
  kpis: Partial<Record<KpiKey, KpiReading>>;
  volume: Record<string, number>;
  teams?: string[];
}

export interface Finding {
  kind: 'missed' | 'anomaly' | 'outlier';
  kpi: KpiKey;
  subject: { type: 'queue' | 'agent' | 'all'; id: string; name: string };
  value: number;
  reference: number;
  bucket: string | null;
  severity: number;
  text: string;
}

export interface Insights {
  from: string;
  to: string;
  interval: InsightInterval;
  timeZone: string;
  buckets: string[];
  kpis: KpiInfo[];
  overall: SubjectInsight;
  queues: SubjectInsight[];
  agents: SubjectInsight[];
  findings: Finding[];
}

export interface InsightParams {
  from: string;
  to: string;
  interval: InsightInterval;
  tz: string;
  queue?: string | undefined;
  team?: string | undefined;
}

export interface KpiTarget {
  kpi: KpiKey;
  goal: number;
  queue?: string;
  team?: string;
}

export function useInsights(p: InsightParams) {
  const q = new URLSearchParams({ from: p.from, to: p.to, interval: p.interval, tz: p.tz });
  if (p.queue) q.set('queue', p.queue);
  if (p.team) q.set('team', p.team);
  return useQuery({
    queryKey: ['insights', q.toString()],
    queryFn: () => api<Insights>(`/reports/insights?${q.toString()}`),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    refetchInterval: 60_000,
    retry: false,
  });
}

export function useKpiTargets() {
  return useQuery({ queryKey: ['kpiTargets'], queryFn: () => api<{ items: KpiTarget[]; kpis: KpiInfo[] }>('/kpi-targets'), staleTime: 30_000 });
}

/** Replaces the goals (the API takes the whole list); insights are measured again against them. */
export function useSaveTargets() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (items: KpiTarget[]) => api<{ items: KpiTarget[] }>('/kpi-targets', { method: 'PUT', body: { items } }),
    onSuccess: (saved) => {
      qc.setQueryData(['kpiTargets'], (cur: { items: KpiTarget[]; kpis: KpiInfo[] } | undefined) => (cur ? { ...cur, items: saved.items } : cur));
      void qc.invalidateQueries({ queryKey: ['insights'] });
    },
  });
}
