import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { List } from '../api/types';

// Predictive engagement (API: /journey/...): the shapes and the hooks.

export interface Named {
  id: string;
  name: string;
}
export interface OfferRow {
  id: string;
  actionMap: Named;
  kind: 'chat' | 'content';
  state: 'held' | 'offered' | 'accepted' | 'declined';
  reasons: string[];
  heldWhy: string | null;
  at: string;
  answeredAt: string | null;
}
export type Step =
  | { kind: 'page'; at: string; path: string; title?: string }
  | { kind: 'search'; at: string; query: string }
  | { kind: 'event'; at: string; name: string; value?: number };

export interface LiveVisit {
  id: string;
  visitor: { id: string; name: string | null; email: string | null };
  visit: number;
  device: string;
  referrer: string | null;
  campaign: string | null;
  page: string | null;
  pageSince: string | null;
  pages: number;
  startedAt: string;
  lastAt: string;
  segments: Named[];
  reached: Named[];
  scores: { outcome: Named; percent: number }[];
  lastOffer: OfferRow | null;
  chatId: string | null;
}
export interface Visit {
  id: string;
  visitor: { id: string; name: string | null; email: string | null; visits: number; firstSeen: string };
  visit: number;
  device: string;
  referrer: string | null;
  campaign: string | null;
  startedAt: string;
  lastAt: string;
  steps: Step[];
  segments: Named[];
  reached: Named[];
  scores: { outcome: Named; percent: number; because: { feature: string; factor: number }[] }[];
  offers: OfferRow[];
  chatId: string | null;
}
export interface Funnel {
  id: string;
  name: string;
  kind: 'chat' | 'content';
  qualified: number;
  held: number;
  offered: number;
  accepted: number;
  declined: number;
  engaged: number;
}
export interface Summary {
  from: string;
  to: string;
  visits: number;
  visitors: number;
  actionMaps: Funnel[];
  segments: { id: string; name: string; visits: number; reached: { outcome: string; visits: number }[] }[];
  outcomes: { id: string; name: string; visits: number }[];
  /** botChats: chats on a bot's topic (any origin); botHandedOver: of them, handed to a person. */
  chats: { native: number; proactive: number; bot: number; botChats: number; botHandedOver: number; agents: { agent: Named; native: number; proactive: number; bot: number }[] };
}
export interface Models {
  trainedAt: string | null;
  items: { outcome: Named; visits: number; reached: number; predicts: boolean; telling: { feature: string; visits: number; factor: number }[] }[];
}

/** Visits going on now, looked at again every 5 seconds (visitors move fast). */
export const useLiveVisits = () =>
  useQuery({ queryKey: ['journey', 'live'], queryFn: () => api<List<LiveVisit>>('/journey/live'), select: (d) => d.items, refetchInterval: 5_000 });

export const useVisit = (id: string | null) =>
  useQuery({ queryKey: ['journey', 'visit', id], queryFn: () => api<Visit>(`/journey/sessions/${encodeURIComponent(id!)}`), enabled: !!id, refetchInterval: 5_000 });

/** The visit a chat task's visitor came from (only asked when the task says it has one). */
export const useTaskJourney = (taskId: string, has: boolean) =>
  useQuery({ queryKey: ['journey', 'task', taskId], queryFn: () => api<Visit>(`/tasks/${encodeURIComponent(taskId)}/journey`), enabled: has });

export const useEngagementSummary = (days: number) =>
  useQuery({
    queryKey: ['journey', 'summary', days],
    queryFn: () => api<Summary>(`/journey/summary?from=${encodeURIComponent(new Date(Date.now() - days * 86_400_000).toISOString())}`),
    refetchInterval: 60_000,
  });

export const useModels = () => useQuery({ queryKey: ['journey', 'models'], queryFn: () => api<Models>('/journey/models') });

/** "page:/shop/checkout.html" -> "visited /shop/checkout.html": a model's feature in words. */
export function featureText(f: string): string {
  const [kind, ...rest] = f.split(':');
  const v = rest.join(':');
  switch (kind) {
    case 'page':
      return `visited ${v}`;
    case 'search':
      return `searched "${v}"`;
    case 'event':
      return `did ${v}`;
    case 'segment':
      return `in segment ${v}`;
    case 'device':
      return `on ${v}`;
    case 'campaign':
      return `campaign ${v}`;
    case 'referrer':
      return `came from ${v}`;
    default:
      return f === 'returning' ? 'returning visitor' : f === 'new' ? 'first visit' : f;
  }
}

export const OFFER_COLOR: Record<OfferRow['state'], string> = { held: 'gray', offered: 'blue', accepted: 'green', declined: 'orange' };
