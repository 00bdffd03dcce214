import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { List } from '../api/types';

export interface Team {
  id: string;
  name: string;
  members: string[];
}

export interface TargetStep {
  name: string;
  afterSeconds: number;
  minLevel: number;
}

export function useTeams() {
  return useQuery({ queryKey: ['teams'], queryFn: () => api<List<Team>>('/teams'), select: (d) => d.items, staleTime: 30_000 });
}

/** Puts a person in and takes them out of teams, one call each (each its own audited change). */
export function useSetTeams() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, add, remove }: { userId: string; add: string[]; remove: string[] }) => {
      for (const t of add) await api(`/teams/${encodeURIComponent(t)}/members/${encodeURIComponent(userId)}`, { method: 'PUT' });
      for (const t of remove) await api(`/teams/${encodeURIComponent(t)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' });
    },
    onSettled: () => {
      for (const queryKey of [['teams'], ['realtime'], ['workbins']]) void qc.invalidateQueries({ queryKey });
    },
  });
}

export function useQueueSteps(queueId: string | null) {
  return useQuery({
    queryKey: ['queueSteps', queueId],
    enabled: queueId !== null,
    queryFn: () => api<{ targetSteps?: TargetStep[] }>(`/queues/${encodeURIComponent(queueId!)}`),
    select: (q) => q.targetSteps ?? [{ name: 'primary', afterSeconds: 0, minLevel: 0 }],
    staleTime: 0,
  });
}

export function useSaveSteps() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ queueId, targetSteps }: { queueId: string; targetSteps: TargetStep[] }) => api(`/queues/${encodeURIComponent(queueId)}/target-steps`, { method: 'PUT', body: { targetSteps } }),
    onSuccess: (_r, v) => {
      void qc.invalidateQueries({ queryKey: ['queueSteps', v.queueId] });
      void qc.invalidateQueries({ queryKey: ['realtime'] });
    },
  });
}
