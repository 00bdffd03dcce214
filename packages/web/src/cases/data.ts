// Case data for staff: queries, mutations, and the stream's `case.changed` (ids only) re-fetching
// whatever of that case is on screen.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, apiUpload, ApiError } from '../api/client';
import { useStreamMessage } from '../api/stream';
import type { Attachment, Case, CaseComment, CaseNotification, CaseEvent, CaseSla, CaseStatus, CaseType, Customer, List, Page, Task } from '../api/types';
import { removeMyTask, taskEventsKey, taskKey } from '../agent/data';

export const caseKey = (id: string) => ['case', id] as const;
const CASE_PARTS = ['case', 'caseSla', 'caseTimeline', 'caseComments', 'caseNotifications'] as const;

export function useCase(id: string) {
  return useQuery({ queryKey: caseKey(id), queryFn: () => api<Case>(`/cases/${encodeURIComponent(id)}`) });
}

export function useCaseSla(id: string, enabled = true) {
  return useQuery({ queryKey: ['caseSla', id], queryFn: () => api<CaseSla>(`/cases/${encodeURIComponent(id)}/sla`), enabled });
}

export function useCaseTimeline(id: string) {
  return useQuery({
    queryKey: ['caseTimeline', id],
    queryFn: () => api<{ items: CaseEvent[]; next: string | null }>(`/cases/${encodeURIComponent(id)}/timeline`),
    select: (d) => d.items,
  });
}

export function useCaseComments(id: string) {
  return useQuery({ queryKey: ['caseComments', id], queryFn: () => api<List<CaseComment>>(`/cases/${encodeURIComponent(id)}/comments`), select: (d) => d.items });
}

/** The case's notifications, newest first; re-read every few seconds while one is still on its way. */
export function useCaseNotifications(id: string) {
  return useQuery({
    queryKey: ['caseNotifications', id],
    queryFn: () => api<{ items: CaseNotification[]; nextCursor: string | null }>(`/cases/${encodeURIComponent(id)}/notifications?limit=50`),
    select: (d) => d.items,
    refetchInterval: (q) => (q.state.data?.items.some((n) => n.state === 'pending' || n.state === 'failed') ? 5_000 : false),
  });
}

/** Messages that did not go (retrying, or given up) across the cases one may see, newest first; re-read every 10 s. */
export function useUndeliveredNotifications() {
  const page = (state: string) => api<{ items: CaseNotification[] }>(`/notifications?state=${state}&limit=100`).then((d) => d.items);
  return useQuery({
    queryKey: ['undeliveredNotifications'],
    queryFn: async () => (await Promise.all([page('failed'), page('dead')])).flat().sort((a, b) => Number(b.id) - Number(a.id)),
    refetchInterval: 10_000,
  });
}

/** Sends a failed or dead-lettered notification again now; `list` is the query to re-read after. */
export function useRetryNotification(list: readonly unknown[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<CaseNotification>(`/notifications/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: list }),
  });
}

export interface CaseFilters {
  status: CaseStatus | null;
  caseType: string | null;
  q: string;
}

export function useCaseList(f: CaseFilters) {
  const params = new URLSearchParams({ limit: '50' });
  if (f.status) params.set('status', f.status);
  if (f.caseType) params.set('caseType', f.caseType);
  if (f.q.trim()) params.set('q', f.q.trim());
  return useQuery({ queryKey: ['cases', params.toString()], queryFn: () => api<Page<Case>>(`/cases?${params}`), placeholderData: keepPreviousData });
}

export function useCaseTypes() {
  return useQuery({ queryKey: ['config', 'caseTypes'], queryFn: () => api<List<CaseType>>('/case-types'), select: (d) => d.items, staleTime: 5 * 60_000 });
}

export function useCustomerSearch(q: string) {
  const text = q.trim();
  return useQuery({
    queryKey: ['customers', text],
    queryFn: () => api<Page<Customer>>(`/customers?limit=8&q=${encodeURIComponent(text)}`),
    select: (d) => d.items,
    enabled: text.length >= 2,
    placeholderData: keepPreviousData,
  });
}

/** Re-fetches a case's parts (and lists) when the stream says it changed. Mount where cases are on screen. */
export function useCaseStreamSync() {
  const queryClient = useQueryClient();
  useStreamMessage('case.changed', ({ caseIds }) => {
    const ids = new Set(caseIds);
    // Views may have opened the case by its number: match the cached cases' ids too.
    const numbers = new Set(queryClient.getQueriesData<Case>({ queryKey: ['case'] }).flatMap(([, d]) => (d && ids.has(d.id) ? [d.number] : [])));
    void queryClient.invalidateQueries({
      predicate: (q) => (CASE_PARTS as readonly unknown[]).includes(q.queryKey[0]) && (ids.has(q.queryKey[1] as string) || numbers.has(q.queryKey[1] as string)),
    });
    void queryClient.invalidateQueries({ queryKey: ['cases'] });
  });
}

/** After any case action: this case's parts and the lists. */
export function refreshCase(queryClient: ReturnType<typeof useQueryClient>, c: Pick<Case, 'id' | 'number'>) {
  for (const part of CASE_PARTS) {
    void queryClient.invalidateQueries({ queryKey: [part, c.id] });
    void queryClient.invalidateQueries({ queryKey: [part, c.number] });
  }
  void queryClient.invalidateQueries({ queryKey: ['cases'] });
  void queryClient.invalidateQueries({ queryKey: ['myTasks'] });
}

export type CaseAction = 'escalate' | 'close' | 'reopen';
const DONE: Record<CaseAction, string> = { escalate: 'Case escalated', close: 'Case closed', reopen: 'Case reopened' };

/** POST /cases/{id}/<action>: the case view refreshes, live work it canceled leaves My work. */
export function useCaseAction<B extends object | undefined>(c: Case, action: CaseAction, onDone?: (c: Case) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: B) => api<Case>(`/cases/${encodeURIComponent(c.id)}/${action}`, { method: 'POST', body }),
    onSuccess: (after) => {
      queryClient.setQueryData(caseKey(c.id), after);
      // Escalating or closing cancels the case's live work: it leaves My work at once.
      for (const t of c.tasks ?? []) if (!after.tasks?.some((x) => x.taskId === t.taskId && ['queued', 'offered', 'assigned', 'wrap-up'].includes(x.state))) removeMyTask(queryClient, t.taskId);
      refreshCase(queryClient, after);
      notifications.show({ color: 'green', title: DONE[action], message: `${after.number} ${after.title}` });
      onDone?.(after);
    },
    onError: (err) => {
      if (err instanceof ApiError && (err.status === 409 || err.status === 404)) refreshCase(queryClient, c);
    },
  });
}

/** PATCH /cases/{id}: waiting for the customer and back. */
export function useCaseStatus(c: Case) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (status: CaseStatus) => api<Case>(`/cases/${encodeURIComponent(c.id)}`, { method: 'PATCH', body: { status } }),
    onSuccess: (after) => {
      queryClient.setQueryData(caseKey(c.id), after);
      refreshCase(queryClient, after);
    },
  });
}

export function useAddComment(c: Case) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { body: string; visibility: 'internal' | 'customer' }) => api<CaseComment>(`/cases/${encodeURIComponent(c.id)}/comments`, { method: 'POST', body }),
    onSuccess: () => refreshCase(queryClient, c),
  });
}

export function useAddAttachments(c: Case) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (files: File[]) => {
      const form = new FormData();
      for (const f of files) form.append('attachments', f, f.name);
      return apiUpload<List<Attachment>>(`/cases/${encodeURIComponent(c.id)}/attachments`, form);
    },
    onSuccess: () => refreshCase(queryClient, c),
  });
}

/** Completes my task of the case with a wrap-up code (the procedure moves on: send back, close…). */
export function useCompleteWith(c: Case) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ taskId, wrapUpCode, note }: { taskId: string; wrapUpCode: string; note?: string }) =>
      api<Task>(`/tasks/${encodeURIComponent(taskId)}/complete`, { method: 'POST', body: { wrapUpCode, ...(note ? { note } : {}) } }),
    onSuccess: (task) => {
      queryClient.setQueryData(taskKey(task.id), task);
      void queryClient.invalidateQueries({ queryKey: taskEventsKey(task.id) });
      removeMyTask(queryClient, task.id);
      refreshCase(queryClient, c);
    },
  });
}
