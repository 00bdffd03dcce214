import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import type { List } from '../api/types';

// Conversation analytics (API: /analytics/..., /tasks/{id}/analysis): the shapes and the hooks.

export interface Hit {
  category: string;
  name: string;
  line: number;
  phrase: string;
  quote: string;
}
export interface ComplianceResult {
  category: string;
  name: string;
  kind: 'required' | 'prohibited';
  passed: boolean;
  quote: string | null;
}
export interface Analysis {
  taskId: string;
  title?: string;
  completedAt: string;
  mediaType: string;
  queue: string | null;
  agent: { id: string; name: string } | null;
  topics: Hit[];
  compliance: ComplianceResult[];
  failed: string[];
  sentiment: { overall: number; start: number | null; end: number | null; trend: 'improved' | 'worsened' | 'steady' | null } | null;
  lines: number;
}
export interface Category {
  id: string;
  name: string;
  kind: 'topic' | 'required' | 'prohibited';
  phrases: string[];
}
export interface AnalyticsSummary {
  from: string;
  to: string;
  conversations: number;
  complete: boolean;
  topics: { id: string; name: string; count: number; share: number; previousCount: number; previousShare: number; change: number | null; rising: boolean }[];
  compliance: { id: string; name: string; kind: 'required' | 'prohibited'; checked: number; failed: number; failedPercent: number | null; agents: { agent: { id: string; name: string }; checked: number; failed: number }[] }[];
  sentiment: {
    conversations: number;
    average: number | null;
    negative: number;
    improved: number;
    worsened: number;
    agents: { id: string; name: string; conversations: number; average: number; negative: number }[];
    queues: { id: string; name: string; conversations: number; average: number; negative: number }[];
  };
}
export interface ConversationFilter {
  topic?: string;
  failed?: string;
  sentiment?: 'negative' | 'positive';
}

const DAY = 86_400_000;
const since = (days: number) => encodeURIComponent(new Date(Date.now() - days * DAY).toISOString());

export const useAnalyticsSummary = (days: number) =>
  useQuery({ queryKey: ['analytics', 'summary', days], queryFn: () => api<AnalyticsSummary>(`/analytics/summary?from=${since(days)}`), refetchInterval: 60_000 });

export function useConversations(days: number, f: ConversationFilter) {
  const q = new URLSearchParams({ limit: '100' });
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  return useQuery({ queryKey: ['analytics', 'conversations', days, f], queryFn: () => api<List<Analysis>>(`/analytics/conversations?from=${since(days)}&${q}`), select: (d) => d.items });
}

/** The categories (names for ids), for those who may read them. */
export const useCategories = () => useQuery({ queryKey: ['text-categories'], queryFn: () => api<List<Category>>('/text-categories'), select: (d) => d.items, staleTime: 60_000 });

/** A task's analysis; null while it has none (not a conversation, or not read yet). */
export const useTaskAnalysis = (taskId: string) =>
  useQuery({
    queryKey: ['analytics', 'task', taskId],
    queryFn: () => api<Analysis>(`/tasks/${encodeURIComponent(taskId)}/analysis`).catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
  });

/** -100..100 as words and a colour. */
export const sentimentText = (v: number) => (v >= 30 ? 'positive' : v <= -30 ? 'negative' : 'neutral');
export const sentimentColor = (v: number) => (v >= 30 ? 'green' : v <= -30 ? 'red' : 'gray');
