import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { List } from '../api/types';

export type ContactState = 'pending' | 'waiting' | 'calling' | 'reached' | 'not-reached' | 'do-not-call';
export const CONTACT_STATES: ContactState[] = ['reached', 'not-reached', 'do-not-call', 'calling', 'waiting', 'pending'];
export const STATE_LABEL: Record<ContactState, string> = { pending: 'Not called yet', waiting: 'Waiting', calling: 'Calling', reached: 'Reached', 'not-reached': 'Not reached', 'do-not-call': 'Do not call' };
export const STATE_COLOR: Record<ContactState, string> = { pending: 'gray.4', waiting: 'blue.4', calling: 'violet.5', reached: 'teal.6', 'not-reached': 'orange.5', 'do-not-call': 'red.6' };

export interface Campaign {
  id: string;
  name: string;
  worktype: string;
  calendar: string | null;
  maxAttempts: number;
  retryMinutes: number;
  script: string;
  state: 'draft' | 'running' | 'stopped' | 'ended';
  startsAt: string | null;
  endsAt: string | null;
  createdAt: string;
  progress: { contacts: number; byState: Record<ContactState, number>; results: Record<string, number> };
  /** The calling hours now: open until the close, or closed until the opening (null: any time). */
  hours: { open: boolean; until: string | null } | null;
}

export interface Contact {
  id: string;
  phone: string;
  name: string;
  data: Record<string, string>;
  taskId: string | null;
  state: ContactState;
  result: string | null;
}

export const CAMPAIGNS_KEY = ['campaigns'];

export function useCampaigns() {
  return useQuery({ queryKey: CAMPAIGNS_KEY, queryFn: () => api<List<Campaign>>('/campaigns'), select: (d) => d.items, refetchInterval: 10_000 });
}

export function useContacts(id: string | null) {
  return useQuery({
    queryKey: [...CAMPAIGNS_KEY, id, 'contacts'],
    queryFn: () => api<List<Contact>>(`/campaigns/${encodeURIComponent(id!)}/contacts`),
    select: (d) => d.items,
    enabled: !!id,
    refetchInterval: 10_000,
  });
}
