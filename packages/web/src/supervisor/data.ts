import { useEffect, useRef } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { useStreamMessage } from '../api/stream';
import type { List, Page, QueueStats, RealtimeCases, Task, TaskState } from '../api/types';
import { reportQuery, useReportCatalog, type ReportResult, type ReportRow } from '../reports/data';

export function useQueueStats() {
  return useQuery({
    queryKey: ['realtime', 'queues'],
    queryFn: () => api<List<QueueStats>>('/reports/realtime/queues'),
    select: (d) => d.items,
    staleTime: 0,
  });
}

/** Today's date (YYYY-MM-DD) in `timeZone`. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/**
 * Today's figures per queue (handled, abandoned, average wait, service level) from the
 * queue-activity report since midnight in the reporting time zone: live, since the report reads the
 * events past its rollup too. Every 15 s rather than on every change: it is an aggregate, not a count.
 */
export function useQueueToday() {
  const catalog = useReportCatalog();
  const tz = catalog.data?.timeZone;
  return useQuery({
    queryKey: ['queueToday', tz],
    enabled: tz !== undefined,
    queryFn: async () => {
      const r = await api<ReportResult>(reportQuery({ name: 'queue-activity', from: todayIn(tz!), to: new Date().toISOString(), interval: 'total', tz: tz!, filters: {} }));
      return new Map<string, ReportRow>(r.rows.map((row) => [String(row.queue), row]));
    },
    refetchInterval: 15_000,
    staleTime: 0,
  });
}

/** Open cases per case type and the cases at risk; re-read with the other live tables, and every 30 s (SLA times move by themselves). */
export function useCaseStats() {
  return useQuery({
    queryKey: ['realtime', 'cases'],
    queryFn: () => api<RealtimeCases>('/reports/realtime/cases'),
    staleTime: 0,
    refetchInterval: 30_000,
  });
}

export { useAgentDirectory as useAgentStats } from '../tasks/actions';

export function useTaskList(state: TaskState | 'open' | null) {
  return useQuery({
    queryKey: ['tasks', state ?? 'all'],
    queryFn: () => {
      const q = new URLSearchParams({ limit: '50' });
      if (state) q.set('state', state);
      return api<Page<Task>>(`/tasks?${q.toString()}`);
    },
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** On `stats.changed` (and `task.updated`), re-fetch the live tables; bursts are coalesced. */
export function useSupervisorStreamRefresh() {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const schedule = () => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void queryClient.invalidateQueries({ queryKey: ['realtime'] });
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
    }, 300);
  };
  useStreamMessage('stats.changed', schedule);
  useStreamMessage('task.updated', schedule);
  useStreamMessage('workbin.changed', ({ bins }) => {
    void queryClient.invalidateQueries({ queryKey: ['workbins'] });
    for (const bin of bins) void queryClient.invalidateQueries({ queryKey: ['workbinTasks', bin] });
  });
  useEffect(
    () => () => {
      if (timer.current !== undefined) clearTimeout(timer.current);
    },
    [],
  );
}
