// The customer portal's data: its own session (cookie wl_portal, never the staff session), the
// customer's cases, replies and files. Every call is quiet on 401 (no staff sign-in redirect).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUpload, ApiError } from '../api/client';
import type { List, PortalAttachment, PortalCase, PortalCaseDetail, PortalCustomer } from '../api/types';

const quiet = { quietUnauthorized: true } as const;
export const PORTAL_SESSION_KEY = ['portal', 'session'] as const;

/** `data`: the customer, `null` without a portal session. */
export function usePortalSession() {
  return useQuery({
    queryKey: PORTAL_SESSION_KEY,
    queryFn: async () => {
      try {
        return (await api<{ customer: PortalCustomer }>('/portal/session', quiet)).customer;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: Infinity,
    retry: 1,
  });
}

/** Exchanges the link's token for a session. */
export function useOpenPortal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => api<{ customer: PortalCustomer; expiresAt: string }>('/portal/session', { method: 'POST', body: { token }, ...quiet }),
    onSuccess: ({ customer }) => {
      queryClient.removeQueries({ queryKey: ['portal'] });
      queryClient.setQueryData(PORTAL_SESSION_KEY, customer);
    },
  });
}

export function useSignOutPortal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/portal/session', { method: 'DELETE', ...quiet }),
    onSettled: () => {
      queryClient.removeQueries({ queryKey: ['portal'] });
      queryClient.setQueryData(PORTAL_SESSION_KEY, null);
    },
  });
}

/** A 401 means the session ended: forget it, and the page shows how to get back in. */
function onSessionLost(queryClient: ReturnType<typeof useQueryClient>, err: unknown) {
  if (err instanceof ApiError && err.status === 401) queryClient.setQueryData(PORTAL_SESSION_KEY, null);
}

export function usePortalCases(enabled: boolean) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: ['portal', 'cases'],
    queryFn: () => api<List<PortalCase>>('/portal/cases', quiet).catch((err: unknown) => {
      onSessionLost(queryClient, err);
      throw err;
    }),
    select: (d) => d.items,
    enabled,
  });
}

export function usePortalCase(id: string, enabled: boolean) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: ['portal', 'case', id],
    queryFn: () => api<PortalCaseDetail>(`/portal/cases/${encodeURIComponent(id)}`, quiet).catch((err: unknown) => {
      onSessionLost(queryClient, err);
      throw err;
    }),
    enabled,
  });
}

export function usePortalReply(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => api<{ id: string; status: string }>(`/portal/cases/${encodeURIComponent(id)}/comments`, { method: 'POST', body: { body }, ...quiet }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['portal'] , predicate: (q) => q.queryKey[1] !== 'session' }),
    onError: (err) => onSessionLost(queryClient, err),
  });
}

export function usePortalUpload(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (files: File[]) => {
      const form = new FormData();
      for (const f of files) form.append('attachments', f, f.name);
      return apiUpload<{ items: PortalAttachment[]; status: string }>(`/portal/cases/${encodeURIComponent(id)}/attachments`, form, quiet);
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['portal'], predicate: (q) => q.queryKey[1] !== 'session' }),
    onError: (err) => onSessionLost(queryClient, err),
  });
}
