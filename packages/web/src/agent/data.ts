// Agent data: presence, offers and my work, kept live from the stream (no polling).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { useStreamMessage } from '../api/stream';
import type { List, MyStats, Offer, Presence, PresenceReason, Task, User, Worktype, WrapUpCode, TaskEvent } from '../api/types';
import { ME_KEY } from '../auth/session';
import type { Me } from '../api/types';

export const PRESENCE_KEY = ['presence'] as const;
export const OFFERS_KEY = ['offers'] as const;
export const MY_TASKS_KEY = ['myTasks'] as const;
export const taskKey = (id: string) => ['task', id] as const;
export const taskEventsKey = (id: string) => ['taskEvents', id] as const;

/** Work I hold; paused and scheduled work stays mine while it keeps me as its assignee. */
const HELD_STATES = new Set<Task['state']>(['offered', 'assigned', 'wrap-up']);
const PARKED_STATES = new Set<Task['state']>(['paused', 'scheduled']);
export const MY_STATS_KEY = ['myStats'] as const;

export function usePresence() {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: PRESENCE_KEY,
    queryFn: () => api<Presence>('/me/presence'),
    initialData: () => queryClient.getQueryData<Me | null>(ME_KEY)?.presence ?? undefined,
    staleTime: 30_000,
  });
}

export function useSetPresence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { status: 'available' | 'not-ready' | 'offline'; reason?: string }) =>
      api<Presence>('/me/presence', { method: 'PUT', body }),
    onSuccess: (presence) => queryClient.setQueryData(PRESENCE_KEY, presence),
  });
}

export function usePresenceReasons() {
  return useQuery({
    queryKey: ['presenceReasons'],
    queryFn: () => api<List<PresenceReason>>('/presence-reasons'),
    select: (d) => d.items,
    staleTime: 5 * 60_000,
  });
}

export function useOffers() {
  return useQuery({
    queryKey: OFFERS_KEY,
    queryFn: () => api<List<Offer>>('/me/offers'),
    select: (d) => d.items.filter((o) => o.state === 'pending'),
    staleTime: Infinity,
  });
}

export const MY_SCHEDULED_KEY = ['myScheduled'] as const;

/** Rescheduled work kept for me (GET /me/scheduled), soonest first. */
export function useMyScheduled() {
  return useQuery({
    queryKey: MY_SCHEDULED_KEY,
    queryFn: () => api<List<Task>>('/me/scheduled'),
    select: (d) => d.items,
    staleTime: Infinity,
  });
}

export function useMyTasks() {
  return useQuery({
    queryKey: MY_TASKS_KEY,
    queryFn: () => api<List<Task>>('/me/tasks'),
    select: (d) => d.items,
    staleTime: Infinity,
  });
}

export function useTask(id: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: taskKey(id ?? ''),
    queryFn: () => api<Task>(`/tasks/${encodeURIComponent(id ?? '')}`),
    enabled: !!id,
    initialData: () => queryClient.getQueryData<List<Task>>(MY_TASKS_KEY)?.items.find((t) => t.id === id),
    initialDataUpdatedAt: 0,
  });
}

/** My day so far; re-fetched when my presence changes or I complete a task (and the clock runs on screen). */
export function useMyStats() {
  return useQuery({
    queryKey: MY_STATS_KEY,
    queryFn: () => api<MyStats>('/me/stats'),
    staleTime: 60_000,
  });
}

export function useTaskEvents(id: string) {
  return useQuery({
    queryKey: taskEventsKey(id),
    queryFn: () => api<List<TaskEvent>>(`/tasks/${encodeURIComponent(id)}/events`),
    select: (d) => d.items,
  });
}

export function useWorktype(id: string | null) {
  return useQuery({
    queryKey: ['worktype', id],
    queryFn: () => api<Worktype>(`/worktypes/${encodeURIComponent(id ?? '')}`),
    enabled: !!id,
    staleTime: 5 * 60_000,
  });
}

export function useWrapUpCodes() {
  return useQuery({
    queryKey: ['wrapUpCodes'],
    queryFn: () => api<List<WrapUpCode>>('/wrap-up-codes'),
    select: (d) => d.items,
    staleTime: 5 * 60_000,
  });
}

/** Puts a task into (or takes it out of) the "my work" cache, and refreshes its detail cache. */
export function applyTaskUpdate(queryClient: QueryClient, task: Task, me: User | null) {
  queryClient.setQueryData<Task>(taskKey(task.id), task);
  queryClient.setQueryData<List<Task>>(MY_TASKS_KEY, (old) => {
    if (!old) return old;
    const inList = old.items.some((t) => t.id === task.id);
    const assignedToMe = me !== null && task.assignee === me.id;
    const assignedElsewhere = task.assignee !== null && !assignedToMe;
    const mine = (HELD_STATES.has(task.state) && !assignedElsewhere) || (PARKED_STATES.has(task.state) && assignedToMe);
    if (!mine) {
      return inList ? { ...old, items: old.items.filter((t) => t.id !== task.id) } : old;
    }
    if (inList) return { ...old, items: old.items.map((t) => (t.id === task.id ? task : t)) };
    return assignedToMe ? { ...old, items: [...old.items, task] } : old;
  });
}

/** Drops a task from "my work" (e.g. after completing it, or when its offer to me closed). */
export function removeMyTask(queryClient: QueryClient, taskId: string, onlyIfOffered = false) {
  queryClient.setQueryData<List<Task>>(MY_TASKS_KEY, (old) =>
    old
      ? { ...old, items: old.items.filter((t) => t.id !== taskId || (onlyIfOffered && t.state !== 'offered')) }
      : old,
  );
}

export function removeOffer(queryClient: QueryClient, offerId: string) {
  queryClient.setQueryData<List<Offer>>(OFFERS_KEY, (old) =>
    old ? { ...old, items: old.items.filter((o) => o.id !== offerId) } : old,
  );
}

/** Subscribes the agent caches to the stream. Mount once for signed-in agents. */
export function useAgentStreamSync(me: User) {
  const queryClient = useQueryClient();
  useStreamMessage('offer.created', ({ offer }) => {
    queryClient.setQueryData<List<Offer>>(OFFERS_KEY, (old) => {
      const items = (old?.items ?? []).filter((o) => o.id !== offer.id);
      return { ...(old ?? {}), items: [...items, offer] };
    });
    if (offer.task) {
      queryClient.setQueryData<List<Task>>(MY_TASKS_KEY, (old) =>
        old && !old.items.some((t) => t.id === offer.taskId) ? { ...old, items: [...old.items, offer.task] } : old,
      );
    }
  });
  useStreamMessage('offer.closed', ({ offerId, outcome }) => {
    const offer = queryClient.getQueryData<List<Offer>>(OFFERS_KEY)?.items.find((o) => o.id === offerId);
    removeOffer(queryClient, offerId);
    if (offer && outcome !== 'accepted') removeMyTask(queryClient, offer.taskId, true);
  });
  useStreamMessage('task.updated', ({ task }) => {
    applyTaskUpdate(queryClient, task, me);
    if (task.state === 'scheduled' || task.targetAgent === me.id) void queryClient.invalidateQueries({ queryKey: MY_SCHEDULED_KEY });
    void queryClient.invalidateQueries({ queryKey: taskEventsKey(task.id) });
    if (task.state === 'completed') void queryClient.invalidateQueries({ queryKey: MY_STATS_KEY });
  });
  useStreamMessage('presence.changed', ({ presence }) => {
    queryClient.setQueryData(PRESENCE_KEY, presence);
    void queryClient.invalidateQueries({ queryKey: MY_STATS_KEY });
  });
  useStreamMessage('workbin.changed', ({ bins }) => {
    // A task kept for me woke up into my own bin.
    if (bins.includes(`personal:${me.id}`)) void queryClient.invalidateQueries({ queryKey: MY_SCHEDULED_KEY });
    void queryClient.invalidateQueries({ queryKey: ['workbins'] });
    for (const bin of bins) void queryClient.invalidateQueries({ queryKey: ['workbinTasks', bin] });
  });
}
