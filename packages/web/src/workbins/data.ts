// Workbins: lists of waiting tasks people pull from (queue, team and personal bins).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api } from '../api/client';
import type { List, Task, Workbin, WorkbinSort, WorkbinTasks } from '../api/types';
import { useMe } from '../auth/session';
import { applyTaskUpdate, MY_STATS_KEY } from '../agent/data';

export const WORKBINS_KEY = ['workbins'] as const;

export interface WorkbinFilter {
  sort: WorkbinSort;
  worktype: string | null;
  q: string;
}

export const binPath = (id: string) => `/workbins/${encodeURIComponent(id)}`;

/** `fresh`: re-fetch the counts when the caller mounts (opening a bin shows today's numbers). */
export function useWorkbins({ fresh = false }: { fresh?: boolean } = {}) {
  return useQuery({
    queryKey: WORKBINS_KEY,
    queryFn: () => api<List<Workbin>>('/workbins'),
    select: (d) => d.items,
    staleTime: 30_000,
    refetchOnMount: fresh ? 'always' : true,
  });
}

export function useWorkbinTasks(binId: string | null, f: WorkbinFilter) {
  return useQuery({
    // ['workbinTasks', bin, ...]: a `workbin.changed` for the bin invalidates every filter of it.
    queryKey: ['workbinTasks', binId ?? '', f.sort, f.worktype ?? '', f.q],
    queryFn: ({ signal }) => {
      const q = new URLSearchParams({ sort: f.sort, limit: '100' });
      if (f.worktype) q.set('worktype', f.worktype);
      if (f.q) q.set('q', f.q);
      return api<WorkbinTasks>(`${binPath(binId ?? '')}/tasks?${q.toString()}`, { signal });
    },
    enabled: !!binId,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** Claim from a bin: a given task, or (no taskId) the next best one. */
export function useClaim(binId: string, onClaimed?: (task: Task) => void) {
  const queryClient = useQueryClient();
  const me = useMe().data?.user ?? null;
  return useMutation({
    mutationFn: (taskId?: string) => api<{ task: Task }>(`${binPath(binId)}/claim`, { method: 'POST', body: taskId ? { taskId } : {} }),
    onSuccess: ({ task }) => {
      applyTaskUpdate(queryClient, task, me);
      void queryClient.invalidateQueries({ queryKey: WORKBINS_KEY });
      void queryClient.invalidateQueries({ queryKey: ['workbinTasks', binId] });
      void queryClient.invalidateQueries({ queryKey: MY_STATS_KEY });
      notifications.show({ color: 'green', title: 'Task claimed', message: task.title });
      onClaimed?.(task);
    },
    onError: () => {
      // Someone else may have taken it: show the bin as it is now.
      void queryClient.invalidateQueries({ queryKey: ['workbinTasks', binId] });
      void queryClient.invalidateQueries({ queryKey: WORKBINS_KEY });
    },
  });
}

export const BIN_KIND_LABEL: Record<Workbin['kind'], string> = { queue: 'Queue', team: 'Team', personal: 'Personal' };
