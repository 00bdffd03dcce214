// Task lifecycle actions (POST /tasks/{id}/<action>) shared by the agent workspace and the supervisor.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, ApiError } from '../api/client';
import type { AgentStats, List, QueueConfig, Task, Worktype } from '../api/types';
import { useMe } from '../auth/session';
import { applyTaskUpdate, taskEventsKey, taskKey } from '../agent/data';
import { TASK_STATE_LABEL } from '../lib/format';

export type TaskAction = 'transfer' | 'reschedule' | 'pause' | 'resume' | 'escalate' | 'reclassify' | 'assign' | 'pull-back' | 'cancel';

const DONE_TITLE: Record<TaskAction, string> = {
  transfer: 'Task transferred',
  reschedule: 'Task rescheduled',
  pause: 'Task paused',
  resume: 'Task resumed',
  escalate: 'Task escalated',
  reclassify: 'Task reclassified',
  assign: 'Task assigned',
  'pull-back': 'Task pulled back',
  cancel: 'Task canceled',
};

/** Every view that may show the task again after an action (the stream brings the rest). */
const AFTER_ACTION_KEYS = [['workbins'], ['workbinTasks'], ['tasks'], ['realtime'], ['myStats']];

export function useTaskAction<B extends object | undefined>(task: Pick<Task, 'id' | 'title'>, action: TaskAction, onDone?: (task: Task) => void) {
  const queryClient = useQueryClient();
  const me = useMe().data?.user ?? null;
  return useMutation({
    mutationFn: (body: B) => api<Task>(`/tasks/${encodeURIComponent(task.id)}/${action}`, { method: 'POST', body }),
    onSuccess: (updated) => {
      applyTaskUpdate(queryClient, updated, me);
      void queryClient.invalidateQueries({ queryKey: taskEventsKey(task.id) });
      for (const queryKey of AFTER_ACTION_KEYS) void queryClient.invalidateQueries({ queryKey });
      notifications.show({ color: 'green', title: DONE_TITLE[action], message: updated.title });
      onDone?.(updated);
    },
    onError: (err) => {
      // The task moved on meanwhile (409 names its state): show the current truth.
      if (err instanceof ApiError && (err.status === 409 || err.status === 404)) {
        void queryClient.invalidateQueries({ queryKey: taskKey(task.id) });
        for (const queryKey of AFTER_ACTION_KEYS) void queryClient.invalidateQueries({ queryKey });
      }
    },
  });
}

/** "The task is now Completed" for a 409 that carries the task's state. */
export function conflictText(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const state = err.state as keyof typeof TASK_STATE_LABEL | null;
  return state ? `${err.message} (the task is now ${TASK_STATE_LABEL[state]?.toLowerCase() ?? state}).` : err.message;
}

export function useQueues() {
  return useQuery({
    queryKey: ['config', 'queues'],
    queryFn: () => api<List<QueueConfig>>('/queues'),
    select: (d) => d.items,
    staleTime: 5 * 60_000,
  });
}

export function useWorktypes() {
  return useQuery({
    queryKey: ['config', 'worktypes'],
    queryFn: () => api<List<Worktype>>('/worktypes'),
    select: (d) => d.items,
    staleTime: 5 * 60_000,
  });
}

/**
 * Agents with their live status and load (the supervisor's realtime view). People without that
 * view (agents) get a 403: callers then cannot offer "transfer to a person".
 */
export function useAgentDirectory(enabled = true) {
  return useQuery({
    queryKey: ['realtime', 'agents'],
    queryFn: () => api<List<AgentStats>>('/reports/realtime/agents'),
    select: (d) => d.items,
    staleTime: 0,
    enabled,
  });
}

/** Agents anyone at work may transfer to: id, name and live status. */
export function usePeople() {
  return useQuery({
    queryKey: ['people', 'agents'],
    queryFn: () => api<List<{ id: string; name: string; status: AgentStats['status'] }>>('/agents'),
    select: (d) => d.items,
    staleTime: 10_000,
  });
}

/** Busy is derived from load: available with work in hand. */
export function effectiveStatus(a: Pick<AgentStats, 'status' | 'load'>): AgentStats['status'] {
  return a.status === 'available' && a.load > 0 ? 'busy' : a.status;
}
